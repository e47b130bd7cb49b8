"""The room's rows as plain data: one column query each, no ORM objects, no cache.

A room can hold thousands of participants and every join needs them: these readers return tuples
and JSON-ready dicts that live.room keeps once per room version. They depend on nothing else of the
live package but its models and rules, so that the room, the snapshot and the directory build on them
without importing each other.
"""
from operator import itemgetter

from sqlalchemy import String, inspect, select, type_coerce

from ecabinet.accounts.models import Unit, User
from ecabinet.bodies.models import BodyMember
from ecabinet.extensions import db
from ecabinet.live.models import FloorRequest
from ecabinet.live.rules import compute_quorum
from ecabinet.meetings.models import PRESENT_STATES, AgendaItem, Attendance, Meeting, Participant, Role
from ecabinet.meetings.queries import in_protocol_order

MEMBER_ROLES = {Role.CHAIR, Role.MEMBER}

_PRESENT_VALUES = frozenset(a.value for a in PRESENT_STATES)
_MEMBER_VALUES = frozenset(r.value for r in MEMBER_ROLES)
_CHAIR = Role.CHAIR.value
_DELEGATE = Role.DELEGATE.value
_SUBSTITUTED = Attendance.SUBSTITUTED.value


def iso(value):
    return value.isoformat() if value else None


def people(meeting):
    """Every participant of the session as plain tuples (user_id, role, can_vote, attendance,
    attendance_note, delegate_for_id), role and attendance as their stored strings, in one column
    query without ORM objects or joins: a room can hold thousands, and presence needs all of them.
    Names, titles and units are the directory's (directory_rows), fetched by tablets once per version."""
    return db.session.execute(
        select(Participant.user_id, type_coerce(Participant.role, String), Participant.can_vote,
               type_coerce(Participant.attendance, String), Participant.attendance_note,
               Participant.delegate_for_id)
        .where(Participant.meeting_id == meeting.id).order_by(Participant.id)
    ).all()


def chair_id(rows):
    """The default presenter from people(): the session's first chair (live.access.default_presenter_id)."""
    return next((row[0] for row in rows if row[1] == _CHAIR), None)


def presence_counts(meeting_id, rows, rules):
    """The `presence` payload from people() rows, without `connection_lost` (it depends on the time).
    `rules`: the session's working rules (bodies.rules.WorkingRules; frozen when it started).

    Who counts toward quorum, and so the total it is a fraction of (issue 10, decided here):
    - the session's chair and members who have a vote in this session: the body's members invited
      to it, as the roster invitation makes them (live.rules: a fraction of *all* of them, present
      or not). Not the body's whole roster: a roster member the secretariat did not invite, or
      whose vote it took away for this session, cannot be present and does not raise the bar;
    - never the secretary, guests or stand-ins themselves: they do not add to the total;
    - a member represented by a stand-in (attendance "substituted") counts as present only when
      the body's rules say so (`stand_ins_count`, default off) and the stand-in is present.
    Present means present in the room or online (PRESENT_STATES)."""
    present_ids, attendance, notes = [], {}, {}
    total_voting = present_voting = 0
    # Members whose stand-in is here count toward quorum where the body's working rules say so.
    represented = set()
    if rules.stand_ins_count:
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
    quorum = compute_quorum(present_voting, total_voting, rules.quorum_numerator, rules.quorum_denominator)
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


def floor_json(meeting):
    """The `floor` payload. Columns, not ORM objects: this is part of every join."""
    rows = db.session.execute(
        select(FloorRequest.user_id, FloorRequest.granted_at, FloorRequest.requested_at)
        .where(FloorRequest.meeting_id == meeting.id, FloorRequest.ended_at.is_(None))
        .order_by(FloorRequest.id)
    ).all()
    speaking = next((r for r in rows if r.granted_at is not None), None)
    return {
        "meeting_id": meeting.id,
        "speaking": speaking.user_id if speaking else None,
        "speaking_since": iso(speaking.granted_at) if speaking else None,
        "queue": [r.user_id for r in rows if r.granted_at is None],
        "requested_at": {str(r.user_id): iso(r.requested_at) for r in rows if r.granted_at is None},
    }


def agenda_items_json(meeting):
    """The agenda's items in order, from one column query (no ORM objects: this is part of every join)."""
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


def directory_rows(meeting_id):
    """Every participant of the session in protocol order (as every list shows them), in one column
    query over participants + users + units and one for the body's roster ranks."""
    rows = [{"user_id": user_id, "full_name": name, "title": title, "unit": unit, "role": role,
             "can_vote": can_vote, "delegate_for_id": delegate, "attendance": attendance,
             "attendance_note": note}
            for user_id, name, title, unit, role, can_vote, delegate, attendance, note in db.session.execute(
                select(Participant.user_id, User.full_name, User.title, Unit.name,
                       type_coerce(Participant.role, String), Participant.can_vote, Participant.delegate_for_id,
                       type_coerce(Participant.attendance, String), Participant.attendance_note)
                .join(User, User.id == Participant.user_id).outerjoin(Unit, Unit.id == User.unit_id)
                .where(Participant.meeting_id == meeting_id))]
    ranks = dict(db.session.execute(
        select(BodyMember.user_id, BodyMember.rank).join(Meeting, Meeting.body_id == BodyMember.body_id)
        .where(Meeting.id == meeting_id)).all())
    return in_protocol_order(rows, ranks, role=itemgetter("role"), user_id=itemgetter("user_id"),
                             delegate_for=itemgetter("delegate_for_id"), name=itemgetter("full_name"))
