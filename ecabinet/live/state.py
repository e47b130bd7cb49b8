"""The read side: the join snapshot and the payloads of the room's events. Reading never writes.

The snapshot is the live package's own part (the session's header, agenda, presentation, presence,
floor, the caller's rights) and the sections other domains register with core.realtime (documents,
and ballots once voting exists): the live package names none of them.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, func, select

from ecabinet.core import realtime
from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.live import access, rows
from ecabinet.live.models import LiveConnection
from ecabinet.live.operations import peek_state
from ecabinet.live.room import room_of
from ecabinet.meetings.models import Meeting


def page_json(meeting, state):
    return {"meeting_id": meeting.id, "document_id": state.document_id, "page": state.page, "seq": state.seq,
            "presenter_id": access.presenter_id(meeting, state)}


def agenda_json(meeting, state):
    return {"meeting_id": meeting.id, "current_item_id": state.current_item_id,
            "item_started_at": rows.iso(state.item_started_at), "seq": state.seq}


def agenda_items_json(meeting, bumped):
    """The `agenda` payload after the items changed (live.operations.agenda_items_changed returned
    `bumped`: seq, current item, its start): with the new `items`, in agenda order."""
    seq, current_item_id, item_started_at = bumped
    return {"meeting_id": meeting.id, "current_item_id": current_item_id, "item_started_at": rows.iso(item_started_at),
            "seq": seq, "items": rows.agenda_items_json(meeting)}


def _connection_lost(meeting, present_ids):
    """Present users whose every tablet left more than the grace period ago (never marked absent for it)."""
    if not present_ids:
        return []
    grace = timedelta(seconds=current_app.config["LIVE_GRACE_SECONDS"])
    open_count = func.sum(case((LiveConnection.left_at.is_(None), 1), else_=0))
    # Grouped over the session's connections (indexed by meeting): no list of thousands of ids to bind.
    rows = db.session.execute(
        select(LiveConnection.user_id, func.max(LiveConnection.left_at))
        .where(LiveConnection.meeting_id == meeting.id, LiveConnection.user_id.is_not(None))
        .group_by(LiveConnection.user_id).having(open_count == 0)
    ).all()
    cutoff = utcnow() - grace
    present = set(present_ids)
    lost = []
    for user_id, last_left in rows:
        if user_id in present and last_left is not None:
            last_left = last_left if last_left.tzinfo else last_left.replace(tzinfo=cutoff.tzinfo)
            if last_left <= cutoff:
                lost.append(user_id)
    return sorted(lost)


def presence_json(meeting, room=None):
    """The `presence` payload now: the room's shared part (live.room) and who lost their connection."""
    if room is None:
        room = room_of(meeting, peek_state(meeting))
    return {**room.presence, "connection_lost": _connection_lost(meeting, room.presence["present"])}


def presence_of(meeting_id):
    """The `presence` payload of a session by id (None when it is gone): what broadcast_latest sends."""
    meeting = db.session.get(Meeting, meeting_id)
    return presence_json(meeting) if meeting is not None else None


def announce_presence(meeting_id):
    """After the commit, the room hears the new presence (coalesced: core.realtime.broadcast_latest)."""
    realtime.broadcast_latest(meeting_id, "presence", presence_of,
                              interval=current_app.config["LIVE_PRESENCE_INTERVAL"])


def snapshot(meeting, user, *, display=False, me=None, state=None):
    """The full state a (re)joining client needs: the protocol's `state`.

    The room's shared part comes from live.room (built once per room version); per join it reads
    the live state row (or takes `state`, read with the join's lookup), who lost their connection,
    and decides the caller's own rights and sections. `me` is the caller's Participant when the
    caller already looked it up. Nothing is written: a session without a state row is shown as it
    starts.
    """
    state = state if state is not None else peek_state(meeting)
    room = room_of(meeting, state)
    if not display and me is None:
        me = access.participant_of(user, meeting)
    # The caller's rules are decided on its own row (looked up once), not on every participant.
    seen = meeting if display else access.AsSeenBy(meeting, user, me)
    presenter = state.presenter_id or room.chair_id
    caller = None if display else user
    data = {
        "meeting": room.meeting,
        "agenda": {
            "items": room.agenda_items,
            "current_item_id": state.current_item_id,
            "item_started_at": rows.iso(state.item_started_at),
        },
        "presentation": {"document_id": state.document_id, "page": state.page, "seq": state.seq,
                         "presenter_id": presenter},
        "seq": state.seq,
        "presence": presence_json(meeting, room),
        "floor": room.floor,
        # The participant directory is not in the snapshot (it made filling a room O(N²) bytes):
        # a client fetches it with the `participants` request when it holds another version.
        "participants_version": state.participants_version or 0,
        "server_time": utcnow().isoformat(),
        "me": {"user_id": getattr(user, "id", None), "role": me.role.value if me else None,
               "display": display},
        "can_present": not display and access.can_present(user, seen, state, default_presenter=room.chair_id),
        "can_vote": bool(me and me.can_vote),
        "can_chair": not display and access.can_control_agenda(user, seen),
        "can_manage_floor": not display and access.can_manage_floor(user, seen),
        "can_mark_attendance": not display and access.can_mark_attendance(user, seen),
        "can_request_floor": not display and access.can_request_floor(user, seen),
    }
    for section in realtime.snapshot_sections():
        shared = room.sections[section.key] if section.key in room.sections else section.shared(meeting)
        data[section.key] = section.for_caller(shared, seen, caller, display)
    return data
