"""The meetings domain in the live room: what it tells a session's tablets (core.realtime)."""
from ecabinet.core import realtime


def broadcast_status(meeting):
    """The room hears the lifecycle change (`meeting` {meeting_id, status}) once it is committed."""
    realtime.broadcast(meeting.id, "meeting", {"meeting_id": meeting.id, "status": meeting.status.value})
