"""Load a document for the current user, then check it: 404 when invisible, 403 when only forbidden."""
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.core.errors import NotAllowed, NotFound
from ecabinet.documents.access import can_manage_documents, can_view_document
from ecabinet.documents.models import Document, DocumentNote, DocumentVersion
from ecabinet.extensions import db


def load_document(document_id, *, manage=False, meeting=None):
    document = db.session.get(Document, document_id)
    if document is None or (meeting is not None and document.meeting_id != meeting.id) \
            or not can_view_document(current_user, document):
        raise NotFound(_("This document does not exist or is not visible to you."), code="document_not_found")
    if manage and not can_manage_documents(current_user, document.meeting):
        raise NotAllowed(_("Only the secretariat can change the documents of this session."))
    return document


def load_version(document, version_id):
    version = db.session.get(DocumentVersion, version_id)
    if version is None or version.document_id != document.id:
        raise NotFound(_("No such version of this document."), code="version_not_found")
    return version


def load_note(document, note_id):
    note = db.session.get(DocumentNote, note_id)
    # Someone else's note does not exist for you.
    if note is None or note.document_id != document.id or note.user_id != current_user.id:
        raise NotFound(_("No such note."), code="note_not_found")
    return note
