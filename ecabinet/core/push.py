"""Broadcasting to a session's Socket.IO room. Adapters call it after they commit."""
from ecabinet.extensions import socketio


def meeting_room(meeting_id):
    return f"meeting:{meeting_id}"


def user_room(user_id):
    return f"user:{user_id}"


def push_to_meeting(meeting_id, event, payload):
    socketio.emit(event, payload, to=meeting_room(meeting_id))
