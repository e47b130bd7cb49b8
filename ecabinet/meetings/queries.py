"""Read-only lookups of sessions for a user."""
from datetime import datetime, time

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from ecabinet.bodies.operations import calendar_overrides
from ecabinet.bodies.ordering import protocol_sorted
from ecabinet.bodies.rules import WorkingRules
from ecabinet.bodies.workdays import working_days_before
from ecabinet.core.timeutil import LOCAL_TZ, to_local
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting, MeetingStatus, Participant, Role

# Protocol order of a session's people: the chair, then members and stand-ins (vice-chairs first by
# the body's roster rank), the session's secretary, then guests.
_ROLE_GROUP = {Role.CHAIR: 0, Role.MEMBER: 1, Role.DELEGATE: 1, Role.SECRETARY: 2, Role.GUEST: 3}
_OFF_ROSTER = 10 ** 6


def meetings_for(user):
    """Every session the user may see, newest first (same rule as access.can_view_meeting)."""
    mine = select(Participant.meeting_id).where(Participant.user_id == user.id)
    organiser = mine.where(Participant.role.in_([Role.CHAIR, Role.SECRETARY]))
    visible = and_(Meeting.id.in_(mine), or_(Meeting.status != MeetingStatus.DRAFT, Meeting.id.in_(organiser)))
    prepared = user.secretariat_body_ids
    if prepared:
        visible = or_(visible, Meeting.body_id.in_(prepared))
    stmt = select(Meeting).where(visible).order_by(Meeting.starts_at.desc())
    return db.session.execute(stmt).scalars().all()


def split_upcoming(meetings, now):
    """(upcoming soonest first, past newest first); a live session is always upcoming."""
    today = datetime.combine(now.astimezone(LOCAL_TZ).date(), time.min, LOCAL_TZ)
    upcoming, past = [], []
    for meeting in meetings:
        finished = meeting.status in {MeetingStatus.ENDED, MeetingStatus.ARCHIVED}
        if meeting.status == MeetingStatus.LIVE or (not finished and meeting.starts_at >= today):
            upcoming.append(meeting)
        else:
            past.append(meeting)
    upcoming.sort(key=lambda m: (m.status != MeetingStatus.LIVE, m.starts_at))
    past.sort(key=lambda m: m.starts_at, reverse=True)
    return upcoming, past


def in_protocol_order(items, ranks, *, role, user_id, delegate_for, name):
    """People of a session (participants or rows) in protocol order, then Vietnamese name order
    within a rank; `ranks`: {user id: the body's roster rank}. A stand-in takes the rank of the
    member they attend for."""
    def rank(item):
        person = delegate_for(item) if Role(role(item)) == Role.DELEGATE else user_id(item)
        return ranks.get(person, _OFF_ROSTER)

    return protocol_sorted(items, group=lambda item: _ROLE_GROUP[Role(role(item))], rank=rank, name=name)


def participants_in_protocol_order(meeting, participants=None):
    """The participants (all of the session's by default) in protocol order."""
    return in_protocol_order(meeting.participants if participants is None else participants,
                             {place.user_id: place.rank for place in meeting.body.roster},
                             role=lambda p: p.role, user_id=lambda p: p.user_id,
                             delegate_for=lambda p: p.delegate_for_id, name=lambda p: p.user.full_name)


def rules_of(meeting):
    """The working rules that govern the session: the copy it froze when it started, else its body's."""
    return WorkingRules.from_dict(meeting.rules) if meeting.rules else WorkingRules.of(meeting.body)


def documents_due(meeting):
    """The last day the session's documents should go out: its body's lead time (3 working days
    before a regular session, 1 before a special one, by default), holidays and days off skipped.
    Worked out once per request and session (lists ask for every document)."""
    memo = g.setdefault("documents_due", {}) if has_app_context() else {}
    key = (meeting.id, meeting.starts_at, meeting.kind)
    if key not in memo:
        days = rules_of(meeting).lead_days(meeting.is_special)
        memo[key] = working_days_before(to_local(meeting.starts_at).date(), days, calendar_overrides())
    return memo[key]


def sent_late(meeting, moment):
    """Whether something sent at `moment` (publishing, a new document version) is inside the lead time."""
    return moment is not None and to_local(moment).date() > documents_due(meeting)


# A session's status in the words of those who attend it (the secretariat keeps the workflow's:
# draft, published, …): what they want to know is whether it is coming, today, on now or over.
ATTENDEE_STATUS_LABELS = {
    "upcoming": _l("Upcoming"),
    "today": _l("Today"),
    "overdue": _l("Not started yet"),
    "live": _l("Live now"),
    "ended": _l("Ended"),
}


def attendee_status(meeting, now, status=None):
    """(key, label) of the session for a participant at `now`: upcoming, today, overdue (its day has
    passed and it was never started), live or ended. `status`: another than the session's own (the
    live room says what it becomes when it starts or ends)."""
    status = status or meeting.status
    if status == MeetingStatus.LIVE:
        key = "live"
    elif status in (MeetingStatus.ENDED, MeetingStatus.ARCHIVED):
        key = "ended"
    else:
        day, today = to_local(meeting.starts_at).date(), to_local(now).date()
        key = "today" if day == today else "upcoming" if day > today else "overdue"
    return key, ATTENDEE_STATUS_LABELS[key]
