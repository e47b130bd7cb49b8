"""What the live session needs from the documents domain: whether a page exists in a document of
the session. The room's document list is the documents domain's snapshot section (documents.events)."""
from sqlalchemy import select

from ecabinet.documents.models import Document, DocumentVersion
from ecabinet.extensions import db


def _current_pages():
    """SQL: the page count of a document's current (newest) version."""
    return (select(DocumentVersion.page_count).where(DocumentVersion.document_id == Document.id)
            .order_by(DocumentVersion.number.desc()).limit(1).scalar_subquery())


def document_info(meeting, document_id):
    """{id, title, page_count} of a document of the session (a Meeting or its id); False when it is not one."""
    meeting_id = getattr(meeting, "id", meeting)
    row = db.session.execute(
        select(Document.id, Document.title, _current_pages()).where(Document.id == document_id,
                                                                    Document.meeting_id == meeting_id)
    ).first()
    if row is None:
        return False
    return {"id": row[0], "title": row[1], "page_count": row[2]}
