"""Who may do what in the live session. Socket handlers and pages call these; nothing else decides.

A live room can hold thousands of participants, and these checks run on every join and
event: they look up the caller's own participation with one indexed query instead of
loading every participant of the session (``meeting.participant_for`` loads them all).
The rules themselves stay in the meetings domain; it sees the meeting through ``AsSeenBy``.
"""
from typing import NamedTuple

from sqlalchemy import and_, bindparam, exists, inspect, or_, select
from sqlalchemy.orm.attributes import set_committed_value

from ecabinet.accounts.models import ApiToken, User
from ecabinet.bodies.models import BodyMember
from ecabinet.extensions import db
from ecabinet.live.models import LiveConnection, LiveState
from ecabinet.meetings import access as meetings_access
from ecabinet.meetings.models import Meeting, MeetingStatus, Participant, Role

# A session's room opens once it is published (members arrive early) and stays readable after it ends.
ROOM_STATUSES = {MeetingStatus.PUBLISHED, MeetingStatus.LIVE, MeetingStatus.ENDED}


def _active(user):
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def participant_of(user, meeting):
    """The user's participation in the session (or None): from the loaded list, else one indexed row."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if isinstance(meeting, AsSeenBy):
        return meeting.participant_for(user)
    if "participants" not in inspect(meeting).unloaded:
        return meeting.participant_for(user)
    return db.session.execute(
        select(Participant).where(Participant.meeting_id == meeting.id, Participant.user_id == user.id)
    ).scalar_one_or_none()


class AsSeenBy:
    """The meeting as the meetings domain's rules see it when one user asks: participant_for(that user)
    is the row already looked up; anything else is the real meeting."""

    def __init__(self, meeting, user, participant):
        self._meeting, self._user_id, self._participant = meeting, getattr(user, "id", None), participant

    def participant_for(self, user):
        if user is not None and getattr(user, "id", None) == self._user_id:
            return self._participant
        return self._meeting.participant_for(user)

    def __getattr__(self, name):
        return getattr(self._meeting, name)


def _seen(user, meeting):
    if isinstance(meeting, AsSeenBy):
        return meeting
    return AsSeenBy(meeting, user, participant_of(user, meeting))


def seen_by(user, meeting):
    """The meeting with the user's participation looked up once, for several checks in a row."""
    return _seen(user, meeting)


class JoinLookup(NamedTuple):
    """What a join needs to know, read in one query (see load_for_join)."""

    meeting: object
    state: object            # the live state row, or None before the session's first change
    participant: object      # the caller's participation, or None
    user: object             # the socket's user as stored now, or None (a room display)
    token_revoked_at: object
    token_expires_at: object
    other_tablet_open: bool  # the user has another socket in the session's room (on any process)


def _join_query(*, with_user, with_token):
    meeting_id, user_id = bindparam("meeting_id"), bindparam("user_id")
    columns = [Meeting, LiveState]
    query = select(Meeting).outerjoin(LiveState, LiveState.meeting_id == Meeting.id)
    if with_user:
        columns += [Participant, User]
        query = (query.outerjoin(Participant, and_(Participant.meeting_id == Meeting.id,
                                                   Participant.user_id == user_id))
                 .outerjoin(User, User.id == user_id))
        if with_token:
            columns += [ApiToken.revoked_at, ApiToken.expires_at]
            query = query.outerjoin(ApiToken, and_(ApiToken.id == bindparam("token_id"), ApiToken.user_id == user_id))
        columns.append(exists().where(LiveConnection.meeting_id == meeting_id, LiveConnection.user_id == user_id,
                                      LiveConnection.left_at.is_(None), LiveConnection.sid != bindparam("sid")))
        # The user's places on bodies' rosters (one row each, usually one or two): the rules the
        # snapshot asks (is the caller their body's secretariat?) read them, and loading them lazily
        # was one more round trip per join.
        columns.append(BodyMember)
        query = query.outerjoin(BodyMember, BodyMember.user_id == user_id)
    return query.with_only_columns(*columns).where(Meeting.id == meeting_id)


# Built once per shape: the join runs for every tablet when a room fills, and composing the statement
# cost as much as running it (SQLAlchemy caches the compiled SQL, not the Python expression).
_JOIN_QUERIES = {}


def load_for_join(meeting_id, *, user_id=None, token_id=None, sid=None):
    """The session, its live state, and for a user's socket: their participation, their user row and
    token (for the caller to re-check the sign-in) and whether another of their tablets is open in the
    room, in one query: the join is the most frequent request when a room fills, and on PostgreSQL
    every query is a round trip. None when there is no such session."""
    shape = (user_id is not None, token_id is not None)
    if shape not in _JOIN_QUERIES:
        _JOIN_QUERIES[shape] = _join_query(with_user=shape[0], with_token=shape[1])
    rows = db.session.execute(_JOIN_QUERIES[shape], {"meeting_id": meeting_id, "user_id": user_id,
                                                     "token_id": token_id, "sid": sid}).all()
    if not rows:
        return None
    row = rows[0]
    if user_id is None:
        return JoinLookup(row[0], row[1], None, None, None, None, False)
    user = row[3]
    if user is not None and "roster" in inspect(user).unloaded:
        set_committed_value(user, "roster", [r[-1] for r in rows if r[-1] is not None])
    if token_id is None:
        return JoinLookup(row[0], row[1], row[2], user, None, None, bool(row[4]))
    return JoinLookup(*row[:6], bool(row[6]))


def can_join(user, meeting):
    """Participants of the session, and the secretariat of its body (meetings.access)."""
    if not _active(user) or meeting.status not in ROOM_STATUSES:
        return False
    seen = _seen(user, meeting)
    return seen.participant_for(user) is not None or meetings_access.can_manage_meeting(user, seen)


def can_follow_from_reader(user, meeting):
    """The document reader listens to the session's room (new documents, the end of the session) only
    while the session is live and the user may join it: before, it would join a room it may not be in
    (a refused join is audited) just to hear of documents it can refetch when shown again."""
    return meeting.status == MeetingStatus.LIVE and can_join(user, meeting)


def default_presenter_id(meeting):
    """The chair presents unless the chair handed presenting to someone else."""
    meeting = meeting._meeting if isinstance(meeting, AsSeenBy) else meeting
    if "participants" not in inspect(meeting).unloaded:
        chair = next((p for p in meeting.participants if p.role == Role.CHAIR), None)
        return chair.user_id if chair else None
    return db.session.execute(
        select(Participant.user_id).where(Participant.meeting_id == meeting.id, Participant.role == Role.CHAIR)
        .order_by(Participant.id).limit(1)
    ).scalar()


def presenter_id(meeting, state):
    return state.presenter_id or default_presenter_id(meeting)


_UNKNOWN = object()


def can_present(user, meeting, state, *, default_presenter=_UNKNOWN):
    """Only the current presenter turns pages and switches documents: the participant the chair
    handed presenting to, or else the session's first chair. `default_presenter`: that chair's user
    id when the caller already knows it (the room's cache does)."""
    if not _active(user) or participant_of(user, meeting) is None:
        return False
    if state.presenter_id is not None:
        return user.id == state.presenter_id
    if default_presenter is _UNKNOWN:
        default_presenter = default_presenter_id(meeting)
    return user.id == default_presenter


def can_turn_pages(user, meeting, state):
    """Show pages to the room now: the presenter, while the session is live."""
    return meeting.status == MeetingStatus.LIVE and can_present(user, meeting, state)


def turn_pages_clause(meeting_id, user_id):
    """can_turn_pages as SQL, for the page turn's one conditional UPDATE of live_states (the hot path,
    live.operations.turn_page): the same rule on the row being changed, atomically on every process.
    tests/live/test_access_sql.py proves the two agree on every role × session state × presenter."""
    active = exists().where(User.id == user_id, User.active.is_(True))
    takes_part = exists().where(Participant.meeting_id == meeting_id, Participant.user_id == user_id)
    live = exists().where(Meeting.id == meeting_id, Meeting.status == MeetingStatus.LIVE)
    first_chair = (select(Participant.user_id).where(Participant.meeting_id == meeting_id,
                                                     Participant.role == Role.CHAIR)
                   .order_by(Participant.id).limit(1).scalar_subquery())
    presenter = or_(LiveState.presenter_id == user_id,
                    and_(LiveState.presenter_id.is_(None), first_chair == user_id))
    return and_(LiveState.meeting_id == meeting_id, live, active, takes_part, presenter)


def can_control_agenda(user, meeting):
    """Move through the agenda: the chair, the session's secretary, the secretariat."""
    seen = _seen(user, meeting)
    return meetings_access.can_chair(user, seen) or meetings_access.can_manage_meeting(user, seen)


def can_assign_presenter(user, meeting):
    return can_control_agenda(user, meeting)


def can_check_in(user, meeting):
    """Members check themselves in from their tablet."""
    return _active(user) and participant_of(user, meeting) is not None


def can_mark_attendance(user, meeting):
    """The secretariat (and the session's secretary) records attendance for others."""
    return meetings_access.can_manage_meeting(user, _seen(user, meeting))


def can_request_floor(user, meeting):
    participant = participant_of(user, meeting) if _active(user) else None
    return participant is not None and participant.role != Role.SECRETARY


def can_withdraw_floor(user, meeting):
    """Leave the floor queue: a participant (their own request only, live.operations.withdraw_floor),
    also one whose role no longer lets them ask."""
    return _active(user) and participant_of(user, meeting) is not None


def can_manage_floor(user, meeting):
    """Give and end the floor: the chair (and the secretary helping the chair)."""
    return meetings_access.can_chair(user, _seen(user, meeting))


def can_issue_display_token(user, meeting):
    return meetings_access.can_manage_meeting(user, _seen(user, meeting))


def can_use_console(user, meeting):
    return can_control_agenda(user, meeting)
