"""The notices domain in the live room: the session's tablets hear that the notice was issued."""
from ecabinet.core import realtime
from ecabinet.core.api import iso


def broadcast_issued(notice):
    """`notice` {meeting_id, issued_at, conclusions, pdf_url} to the session's room, once committed."""
    meeting_id = notice.meeting_id
    realtime.broadcast(meeting_id, "notice", {
        "meeting_id": meeting_id, "issued_at": iso(notice.issued_at), "conclusions": len(notice.conclusions),
        "pdf_url": f"/api/v1/meetings/{meeting_id}/notice.pdf"})
