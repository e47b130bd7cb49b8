"""The read side: the join snapshot and the payloads of the room's events, built from rows."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.live import access, documents
from ecabinet.live.models import FloorRequest, LiveConnection
from ecabinet.live.operations import get_state
from ecabinet.live.rules import compute_quorum
from ecabinet.meetings.models import PRESENT_STATES, Role

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
    rows = db.session.execute(
        select(LiveConnection.user_id, func.max(LiveConnection.left_at),
               func.sum(case((LiveConnection.left_at.is_(None), 1), else_=0)))
        .where(LiveConnection.meeting_id == meeting.id, LiveConnection.user_id.in_(present_ids))
        .group_by(LiveConnection.user_id)
    ).all()
    cutoff = utcnow() - grace
    lost = []
    for user_id, last_left, open_count in rows:
        if not open_count and last_left is not None:
            last_left = last_left if last_left.tzinfo else last_left.replace(tzinfo=cutoff.tzinfo)
            if last_left <= cutoff:
                lost.append(user_id)
    return sorted(lost)


def presence_json(meeting):
    config = current_app.config
    present = [p for p in meeting.participants if p.attendance in PRESENT_STATES]
    voting_members = [p for p in meeting.participants if p.role in MEMBER_ROLES and p.can_vote]
    present_voting = sum(1 for p in voting_members if p.attendance in PRESENT_STATES)
    quorum = compute_quorum(present_voting, len(voting_members), config["QUORUM_NUMERATOR"],
                            config["QUORUM_DENOMINATOR"])
    present_ids = sorted(p.user_id for p in present)
    return {
        "meeting_id": meeting.id,
        "present": present_ids,
        "present_voting": quorum.present,
        "total_voting": quorum.total,
        "quorum_required": quorum.required,
        "quorum_met": quorum.met,
        "attendance": {str(p.user_id): p.attendance.value for p in meeting.participants},
        "notes": {str(p.user_id): p.attendance_note for p in meeting.participants if p.attendance_note},
        "connection_lost": _connection_lost(meeting, present_ids),
    }


def floor_json(meeting):
    rows = db.session.execute(
        select(FloorRequest).where(FloorRequest.meeting_id == meeting.id, FloorRequest.ended_at.is_(None))
        .order_by(FloorRequest.id)
    ).scalars().all()
    speaking = next((r for r in rows if r.granted_at is not None), None)
    return {
        "meeting_id": meeting.id,
        "speaking": speaking.user_id if speaking else None,
        "speaking_since": _iso(speaking.granted_at) if speaking else None,
        "queue": [r.user_id for r in rows if r.granted_at is None],
        "requested_at": {str(r.user_id): _iso(r.requested_at) for r in rows if r.granted_at is None},
    }


def participant_json(participant):
    user = participant.user
    return {"user_id": participant.user_id, "full_name": user.full_name, "title": user.title,
            "unit": user.unit_name, "role": participant.role.value, "can_vote": participant.can_vote,
            "delegate_for_id": participant.delegate_for_id, "attendance": participant.attendance.value}


def _load_people(meeting):
    """Participants with their users and units in three queries (not one per participant)."""
    from ecabinet.accounts.models import User
    from ecabinet.meetings.models import Participant

    db.session.execute(
        select(Participant).where(Participant.meeting_id == meeting.id)
        .options(selectinload(Participant.user).selectinload(User.unit))
    ).scalars().all()


def snapshot(meeting, user, *, display=False):
    """The full state a (re)joining client needs: the protocol's `state`."""
    _load_people(meeting)
    state = get_state(meeting)
    me = None if display else meeting.participant_for(user)
    data = {
        "meeting": {"id": meeting.id, "title": meeting.title, "status": meeting.status.value,
                    "location": meeting.location},
        "agenda": {
            "items": [{"id": i.id, "number": i.number, "title": i.title, "presenter": i.presenter,
                       "duration_minutes": i.duration_minutes} for i in meeting.agenda_items],
            "current_item_id": state.current_item_id,
            "item_started_at": _iso(state.item_started_at),
        },
        "presentation": {"document_id": state.document_id, "page": state.page, "seq": state.seq,
                         "presenter_id": access.presenter_id(meeting, state)},
        "seq": state.seq,
        "presence": presence_json(meeting),
        "floor": floor_json(meeting),
        "participants": [participant_json(p) for p in meeting.participants],
        "documents": documents.documents_for(meeting, None if display else user),
        "open_ballots": [],
        "server_time": utcnow().isoformat(),
        "me": {"user_id": getattr(user, "id", None), "role": me.role.value if me else None,
               "display": display},
        "can_present": not display and access.can_present(user, meeting, state),
        "can_vote": bool(me and me.can_vote),
        "can_chair": not display and access.can_control_agenda(user, meeting),
        "can_manage_floor": not display and access.can_manage_floor(user, meeting),
        "can_mark_attendance": not display and access.can_mark_attendance(user, meeting),
        "can_request_floor": not display and access.can_request_floor(user, meeting),
    }
    for section in SNAPSHOT_SECTIONS:
        data.update(section(meeting, user) or {})
    return data
