"""The read side: the join snapshot and the payloads of the room's events, built from rows."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import String, case, func, inspect, select, type_coerce

from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.live import access, documents
from ecabinet.live.models import FloorRequest, LiveConnection
from ecabinet.live.operations import get_state
from ecabinet.live.rules import compute_quorum
from ecabinet.meetings.models import PRESENT_STATES, Attendance, Role

# Other domains (voting) add to the join snapshot: functions (meeting, user) -> dict merged into it.
SNAPSHOT_SECTIONS = []

MEMBER_ROLES = {Role.CHAIR, Role.MEMBER}


def snapshot_section(function):
    SNAPSHOT_SECTIONS.append(function)
    return function


def _iso(value):
    return value.isoformat() if value else None


def page_json(meeting, state):
    return {"meeting_id": meeting.id, "document_id": state.document_id, "page": state.page, "seq": state.seq,
            "presenter_id": access.presenter_id(meeting, state)}


def agenda_json(meeting, state):
    return {"meeting_id": meeting.id, "current_item_id": state.current_item_id,
            "item_started_at": _iso(state.item_started_at), "seq": state.seq}


def _connection_lost(meeting, present_ids):
    """Present users whose every tablet left more than the grace period ago (never marked absent for it)."""
    if not present_ids:
        return []
    grace = timedelta(seconds=current_app.config.get("LIVE_GRACE_SECONDS", 15))
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


_PRESENT_VALUES = frozenset(a.value for a in PRESENT_STATES)
_MEMBER_VALUES = frozenset(r.value for r in MEMBER_ROLES)
_CHAIR = Role.CHAIR.value
_DELEGATE = Role.DELEGATE.value
_SUBSTITUTED = Attendance.SUBSTITUTED.value


def people(meeting):
    """Every participant of the session as plain tuples (user_id, role, can_vote, attendance,
    attendance_note, delegate_for_id), role and attendance as their stored strings, in one column
    query without ORM objects or joins: a room can hold thousands, and presence needs all of them.
    Names, titles and units are the directory's (live.directory), fetched by tablets once per version."""
    from ecabinet.meetings.models import Participant

    return db.session.execute(
        select(Participant.user_id, type_coerce(Participant.role, String), Participant.can_vote,
               type_coerce(Participant.attendance, String), Participant.attendance_note,
               Participant.delegate_for_id)
        .where(Participant.meeting_id == meeting.id).order_by(Participant.id)
    ).all()


def chair_id(rows):
    """The default presenter from people(): the session's first chair."""
    return next((row[0] for row in rows if row[1] == _CHAIR), None)


def presence_counts(meeting_id, rows):
    """The `presence` payload from people() rows, without `connection_lost` (it depends on the time)."""
    config = current_app.config
    present_ids, attendance, notes = [], {}, {}
    total_voting = present_voting = 0
    # Members whose stand-in is here count toward quorum where the province's rules say so.
    represented = set()
    if config.get("QUORUM_COUNTS_STAND_INS"):
        represented = {delegate_for for _u, role, _v, state, _n, delegate_for in rows
                       if role == _DELEGATE and state in _PRESENT_VALUES and delegate_for is not None}
    for user_id, role, can_vote, state, note, _delegate_for in rows:
        present = state in _PRESENT_VALUES
        key = str(user_id)
        attendance[key] = state
        if note:
            notes[key] = note
        if present:
            present_ids.append(user_id)
        if can_vote and role in _MEMBER_VALUES:
            total_voting += 1
            present_voting += present or (state == _SUBSTITUTED and user_id in represented)
    present_ids.sort()
    quorum = compute_quorum(present_voting, total_voting, config["QUORUM_NUMERATOR"],
                            config["QUORUM_DENOMINATOR"])
    return {
        "meeting_id": meeting_id,
        "present": present_ids,
        "present_voting": quorum.present,
        "total_voting": quorum.total,
        "quorum_required": quorum.required,
        "quorum_met": quorum.met,
        "attendance": attendance,
        "notes": notes,
    }


def presence_json(meeting, room=None):
    """The `presence` payload now: the room's shared part (live.room) and who lost their connection."""
    if room is None:
        from ecabinet.live.room import room_of

        room = room_of(meeting, get_state(meeting))
    return {**room.presence, "connection_lost": _connection_lost(meeting, room.presence["present"])}


def floor_json(meeting):
    # Columns, not ORM objects: this is part of every join.
    rows = db.session.execute(
        select(FloorRequest.user_id, FloorRequest.granted_at, FloorRequest.requested_at)
        .where(FloorRequest.meeting_id == meeting.id, FloorRequest.ended_at.is_(None))
        .order_by(FloorRequest.id)
    ).all()
    speaking = next((r for r in rows if r.granted_at is not None), None)
    return {
        "meeting_id": meeting.id,
        "speaking": speaking.user_id if speaking else None,
        "speaking_since": _iso(speaking.granted_at) if speaking else None,
        "queue": [r.user_id for r in rows if r.granted_at is None],
        "requested_at": {str(r.user_id): _iso(r.requested_at) for r in rows if r.granted_at is None},
    }


def agenda_items_json(meeting):
    """The agenda's items in order, from one column query (no ORM objects: this is part of every join)."""
    from ecabinet.meetings.models import AgendaItem

    if "agenda_items" not in inspect(meeting).unloaded:
        items = [(i.id, i.position, i.title, i.presenter, i.duration_minutes) for i in meeting.agenda_items]
    else:
        items = db.session.execute(
            select(AgendaItem.id, AgendaItem.position, AgendaItem.title, AgendaItem.presenter,
                   AgendaItem.duration_minutes)
            .where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
        ).all()
    return [{"id": item_id, "number": position + 1, "title": title, "presenter": presenter,
             "duration_minutes": duration} for item_id, position, title, presenter, duration in items]


def snapshot(meeting, user, *, display=False, me=None):
    """The full state a (re)joining client needs: the protocol's `state`.

    The room's shared part comes from live.room (built once per room version); per join it reads
    the live state row, who lost their connection, and decides the caller's own rights and
    documents. `me` is the caller's Participant when the caller already looked it up.
    """
    from ecabinet.live.room import room_of

    state = get_state(meeting)
    room = room_of(meeting, state)
    if not display and me is None:
        me = access.participant_of(user, meeting)
    # The caller's rules are decided on its own row (looked up once), not on every participant.
    seen = meeting if display else access.AsSeenBy(meeting, user, me)
    presenter = state.presenter_id or room.chair_id
    data = {
        "meeting": room.meeting,
        "agenda": {
            "items": room.agenda_items,
            "current_item_id": state.current_item_id,
            "item_started_at": _iso(state.item_started_at),
        },
        "presentation": {"document_id": state.document_id, "page": state.page, "seq": state.seq,
                         "presenter_id": presenter},
        "seq": state.seq,
        "presence": presence_json(meeting, room),
        "floor": room.floor,
        # The participant directory is not in the snapshot (it made filling a room O(N²) bytes):
        # a client fetches it with the `participants` request when it holds another version.
        "participants_version": state.participants_version or 0,
        "documents": documents.visible_documents(room.document_facts, seen, None if display else user),
        "open_ballots": [],
        "server_time": utcnow().isoformat(),
        "me": {"user_id": getattr(user, "id", None), "role": me.role.value if me else None,
               "display": display},
        "can_present": bool(not display and me is not None and access._active(user) and user.id == presenter),
        "can_vote": bool(me and me.can_vote),
        "can_chair": not display and access.can_control_agenda(user, seen),
        "can_manage_floor": not display and access.can_manage_floor(user, seen),
        "can_mark_attendance": not display and access.can_mark_attendance(user, seen),
        "can_request_floor": not display and access.can_request_floor(user, seen),
    }
    for section in SNAPSHOT_SECTIONS:
        data.update(section(meeting, user) or {})
    return data
