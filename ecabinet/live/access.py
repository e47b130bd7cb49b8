"""Who may do what in the live session. Socket handlers and pages call these; nothing else decides.

A live room can hold thousands of participants, and these checks run on every join and
event: they look up the caller's own participation with one indexed query instead of
loading every participant of the session (``meeting.participant_for`` loads them all).
The rules themselves stay in the meetings domain; it sees the meeting through ``AsSeenBy``.
"""
from sqlalchemy import inspect, select

from ecabinet.extensions import db
from ecabinet.meetings import access as meetings_access
from ecabinet.meetings.models import MeetingStatus, Participant, Role

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


def _join_query(with_participant):
    from sqlalchemy import and_, bindparam

    from ecabinet.live.models import LiveState
    from ecabinet.meetings.models import Meeting

    query = (select(Meeting, LiveState, Participant) if with_participant else select(Meeting, LiveState))
    query = query.outerjoin(LiveState, LiveState.meeting_id == Meeting.id)
    if with_participant:
        query = query.outerjoin(Participant, and_(Participant.meeting_id == Meeting.id,
                                                  Participant.user_id == bindparam("user_id")))
    return query.where(Meeting.id == bindparam("meeting_id"))


# Built once: the join runs for every tablet when a room fills, and composing the statement cost
# as much as running it (SQLAlchemy caches the compiled SQL, not the Python expression).
_JOIN_QUERIES = {}


def load_for_join(meeting_id, user):
    """(meeting, its live state or None, the user's participation or None) in one query: the join
    is the most frequent request when a room fills, and on PostgreSQL every query is a round trip."""
    user_id = getattr(user, "id", None)
    with_participant = user_id is not None
    if with_participant not in _JOIN_QUERIES:
        _JOIN_QUERIES[with_participant] = _join_query(with_participant)
    row = db.session.execute(_JOIN_QUERIES[with_participant],
                             {"meeting_id": meeting_id, "user_id": user_id}).first()
    if row is None:
        return None, None, None
    return row[0], row[1], (row[2] if with_participant else None)


def can_join(user, meeting):
    """Participants of the session, and the secretariat that manages it."""
    if not _active(user) or meeting.status not in ROOM_STATUSES:
        return False
    if user.is_secretariat:
        return True
    seen = _seen(user, meeting)
    return seen.participant_for(user) is not None or meetings_access.can_manage_meeting(user, seen)


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


def can_present(user, meeting, state):
    """Only the current presenter turns pages and switches documents."""
    return (_active(user) and participant_of(user, meeting) is not None
            and user.id == presenter_id(meeting, state))


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


def can_manage_floor(user, meeting):
    """Give and end the floor: the chair (and the secretary helping the chair)."""
    return meetings_access.can_chair(user, _seen(user, meeting))


def can_issue_display_token(user, meeting):
    return meetings_access.can_manage_meeting(user, _seen(user, meeting))


def can_use_console(user, meeting):
    return can_control_agenda(user, meeting)
