"""Who may see and change a session. Every adapter calls these; nothing else decides."""
from ecabinet.meetings.models import MeetingStatus, Role

_ORGANISER_ROLES = {Role.CHAIR, Role.SECRETARY}


def _authenticated(user):
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def can_create_meeting(user):
    return _authenticated(user) and user.is_secretariat


def can_view_meeting(user, meeting):
    """Secretariat sees every session; participants see it once published (organisers earlier)."""
    if not _authenticated(user):
        return False
    if user.is_secretariat:
        return True
    participant = meeting.participant_for(user)
    if participant is None:
        return False
    return meeting.status != MeetingStatus.DRAFT or participant.role in _ORGANISER_ROLES


def can_manage_meeting(user, meeting):
    """Edit details, agenda and participants: the secretariat or the session's secretary."""
    if not _authenticated(user):
        return False
    if user.is_secretariat:
        return True
    participant = meeting.participant_for(user)
    return participant is not None and participant.role == Role.SECRETARY


def can_change_status(user, meeting):
    """Publish, start, end: the secretariat, the session's secretary or its chair."""
    if can_manage_meeting(user, meeting):
        return True
    participant = meeting.participant_for(user)
    return _authenticated(user) and participant is not None and participant.role == Role.CHAIR


def can_chair(user, meeting):
    """Run the live session: move through the agenda, give the floor, open votes."""
    participant = meeting.participant_for(user)
    return _authenticated(user) and participant is not None and participant.role in _ORGANISER_ROLES
