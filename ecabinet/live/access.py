"""Who may do what in the live session. Socket handlers and pages call these; nothing else decides."""
from ecabinet.meetings.access import can_chair, can_manage_meeting
from ecabinet.meetings.models import MeetingStatus, Role

# A session's room opens once it is published (members arrive early) and stays readable after it ends.
ROOM_STATUSES = {MeetingStatus.PUBLISHED, MeetingStatus.LIVE, MeetingStatus.ENDED}


def _active(user):
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def can_join(user, meeting):
    """Participants of the session, and the secretariat that manages it."""
    if not _active(user) or meeting.status not in ROOM_STATUSES:
        return False
    return meeting.participant_for(user) is not None or can_manage_meeting(user, meeting)


def default_presenter_id(meeting):
    """The chair presents unless the chair handed presenting to someone else."""
    chair = next((p for p in meeting.participants if p.role == Role.CHAIR), None)
    return chair.user_id if chair else None


def presenter_id(meeting, state):
    return state.presenter_id or default_presenter_id(meeting)


def can_present(user, meeting, state):
    """Only the current presenter turns pages and switches documents."""
    return _active(user) and meeting.participant_for(user) is not None and user.id == presenter_id(meeting, state)


def can_control_agenda(user, meeting):
    """Move through the agenda: the chair, the session's secretary, the secretariat."""
    return can_chair(user, meeting) or can_manage_meeting(user, meeting)


def can_assign_presenter(user, meeting):
    return can_control_agenda(user, meeting)


def can_check_in(user, meeting):
    """Members check themselves in from their tablet."""
    return _active(user) and meeting.participant_for(user) is not None


def can_mark_attendance(user, meeting):
    """The secretariat (and the session's secretary) records attendance for others."""
    return can_manage_meeting(user, meeting)


def can_request_floor(user, meeting):
    participant = meeting.participant_for(user) if _active(user) else None
    return participant is not None and participant.role != Role.SECRETARY


def can_manage_floor(user, meeting):
    """Give and end the floor: the chair (and the secretary helping the chair)."""
    return can_chair(user, meeting)


def can_issue_display_token(user, meeting):
    return can_manage_meeting(user, meeting)


def can_use_console(user, meeting):
    return can_control_agenda(user, meeting)
