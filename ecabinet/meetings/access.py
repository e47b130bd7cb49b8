"""Who may see and change a session. Every adapter calls these; nothing else decides.

A session belongs to a body: that body's secretariat prepares it; its participants see it once it
is published (its chair and secretary earlier); nobody else sees it, whatever other body they serve.
"""
from ecabinet.bodies.access import can_prepare_sessions, is_body_secretariat
from ecabinet.meetings.models import MeetingStatus, Role

_ORGANISER_ROLES = {Role.CHAIR, Role.SECRETARY}


def _authenticated(user):
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def can_create_meeting(user, body=None):
    """Sessions of `body` (of any body whose secretariat the user is, when None)."""
    if body is not None:
        return is_body_secretariat(user, body.id)
    return can_prepare_sessions(user)


def can_view_meeting(user, meeting):
    """The body's secretariat sees every session of the body; participants see it once published
    (organisers earlier)."""
    if not _authenticated(user):
        return False
    participant = meeting.participant_for(user)
    if participant is not None and (meeting.status != MeetingStatus.DRAFT or participant.role in _ORGANISER_ROLES):
        return True
    return is_body_secretariat(user, meeting.body_id)


def can_manage_meeting(user, meeting):
    """Edit details, agenda and participants: the body's secretariat or the session's secretary."""
    if not _authenticated(user):
        return False
    participant = meeting.participant_for(user)
    if participant is not None and participant.role == Role.SECRETARY:
        return True
    return is_body_secretariat(user, meeting.body_id)


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
