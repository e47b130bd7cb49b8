"""Who may see, read and change documents. Every adapter calls these; nothing else decides."""
from ecabinet.documents.models import Classification
from ecabinet.meetings.access import can_manage_meeting, can_view_meeting
from ecabinet.meetings.models import Role


def can_manage_documents(user, meeting):
    """Upload, replace, edit and delete: whoever manages the session (secretariat, its secretary)."""
    return can_manage_meeting(user, meeting)


def can_view_document(user, document):
    """Anyone who sees the session, except that confidential documents skip guests unless allowed."""
    meeting = document.meeting
    if not can_view_meeting(user, meeting):
        return False
    if can_manage_documents(user, meeting):
        return True
    if not document.is_confidential:
        return True
    participant = meeting.participant_for(user)
    if participant is None:
        return False
    if participant.role == Role.GUEST:
        return document.guests_allowed and document.classification != Classification.STATE_SECRET
    return True


def can_download_book(user, meeting):
    return can_view_meeting(user, meeting)


def can_take_notes(user, document):
    return can_view_document(user, document)
