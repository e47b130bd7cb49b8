"""The live server's Socket.IO packet: same answer as python-socketio's binary check, same encoding."""
from socketio.packet import Packet

from ecabinet.live.wire import LivePacket


def test_binary_check_agrees_with_python_socketio():
    cases = [None, 1, "x", True, 2.5, b"x", bytearray(b"y"), [], {}, ["page", {"seq": 1, "page": 2}],
             [{"a": [1, {"b": [None, "c"]}]}], [{"a": [1, {"b": [None, b"bin"]}]}], {"k": {"k": bytearray()}},
             [("tuple", b"inside")], [{"state": {"participants": [{"user_id": i} for i in range(300)]}}]]
    for data in cases:
        assert LivePacket.data_is_binary(data) == Packet.data_is_binary(data), data


def test_encoding_is_unchanged():
    data = ["page", {"meeting_id": 1, "document_id": None, "page": 3, "seq": 7, "presenter_id": 2}]
    assert LivePacket(2, data=data).encode() == Packet(2, data=data).encode()
    assert LivePacket(2, data=["file", b"raw"]).encode() == Packet(2, data=["file", b"raw"]).encode()


def test_the_app_server_uses_it(app):
    from ecabinet.extensions import socketio

    assert socketio.server.packet_class is LivePacket
