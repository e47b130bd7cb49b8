"""What the live session needs from the documents domain: the room's document list and page counts."""
from flask import url_for
from sqlalchemy import select

from ecabinet.documents.access import can_view_document
from ecabinet.documents.models import Classification, Document, DocumentVersion
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


class DocumentFacts:
    """What the tablets' document list shows of a document, and what the documents domain's reading
    rule asks of it (its session, classification, guest permission), without an ORM object: the
    list is built once per room version (live.room) and checked per caller."""

    __slots__ = ("id", "title", "agenda_item_id", "page_count", "classification", "guests_allowed", "meeting")

    def __init__(self, row):
        (self.id, self.title, self.agenda_item_id, self.page_count, self.classification,
         self.guests_allowed) = row
        # Set per caller (seen_through): the kept list holds no ORM object of the session that built it.
        self.meeting = None

    @property
    def is_confidential(self):
        return self.classification != Classification.NORMAL

    def seen_through(self, meeting):
        """The same facts, with the session as the caller sees it (their participation looked up)."""
        copy = object.__new__(DocumentFacts)
        for name in self.__slots__:
            setattr(copy, name, getattr(self, name))
        copy.meeting = meeting
        return copy

    def as_json(self):
        return {"id": self.id, "title": self.title, "agenda_item_id": self.agenda_item_id,
                "page_count": self.page_count, "classification": self.classification.value,
                # Built per answer, in its request (the application may be mounted under a prefix).
                "url": url_for("documents_api.document_file", document_id=self.id)}


def document_facts(meeting):
    """The session's documents in agenda order, with their current version's page count (one query)."""
    rows = db.session.execute(
        select(Document.id, Document.title, Document.agenda_item_id, _current_pages(), Document.classification,
               Document.guests_allowed)
        .where(Document.meeting_id == meeting.id).order_by(Document.position, Document.id)
    ).all()
    return [DocumentFacts(row) for row in rows]


def visible_documents(facts, meeting, user):
    """The documents of the list the user may read, by the documents domain's rule (`meeting` as the
    caller sees it: live.access.AsSeenBy). For the room display (user None) the whole list: the
    display's file route serves only the document on screen."""
    if user is None:
        return [fact.as_json() for fact in facts]
    return [fact.as_json() for fact in facts if can_view_document(user, fact.seen_through(meeting))]


def _meeting_of_version(version):
    document = db.session.get(Document, version.document_id)  # the identity map has it, as a rule
    return document.meeting_id if document is not None else None


def watch_documents():
    """Documents and their versions are part of the room's shared state (live.versions)."""
    from ecabinet.live.versions import watch

    watch(Document)
    watch(DocumentVersion, _meeting_of_version)
