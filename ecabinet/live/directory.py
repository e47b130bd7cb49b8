"""The session's participant directory and its version.

The directory is who takes part (names, titles, units, roles, voting rights, stand-ins): a few
hundred bytes per participant that change rarely. It used to ride in every join snapshot, so
filling a room of N tablets sent O(N²) bytes (~97 KB per join at N=500). Now the snapshot
carries `participants_version` and a tablet fetches the directory (the `participants` socket
request, or GET /api/v1/meetings/<id>/participants) only when the version it holds differs.

The version is a counter on the session's live state row (live.versions). Attendance is not part
of it: it changes with every check-in and reaches the tablets through `presence`, so a check-in
wave never makes every tablet refetch the directory. The directory answer still carries each
participant's attendance as of the read.
"""
from sqlalchemy import select

from ecabinet.extensions import db
from ecabinet.live.models import LiveState
from ecabinet.live.room import room_of
from ecabinet.live.rows import directory_rows


def version_of(meeting_id):
    """The directory's version now (0 when the session has no live state yet)."""
    return db.session.execute(
        select(LiveState.participants_version).where(LiveState.meeting_id == meeting_id)
    ).scalar() or 0


def directory_json(meeting):
    """The `participants` answer: {meeting_id, version, participants}. A room fills with hundreds of
    tablets asking for it: the rows are read once per room version (live.room)."""
    state = db.session.get(LiveState, meeting.id)
    if state is None:
        return {"meeting_id": meeting.id, "version": 0, "participants": directory_rows(meeting.id)}
    return {"meeting_id": meeting.id, "version": state.participants_version or 0,
            "participants": room_of(meeting, state).directory()}
