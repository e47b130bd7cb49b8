"""The documents domain in the live room: its section of the `join` snapshot (core.realtime).

The `documents` section lists the session's documents the caller may read, in agenda order. The list
is built once per room version and shared by the room's joins (live.room); each caller gets the part
the documents domain's reading rule allows. Changes of documents and their versions change the room
(watched), and the adapters that make them broadcast `documents` after the commit.
"""
from datetime import timezone

from flask import url_for
from sqlalchemy import select

from ecabinet.core import realtime
from ecabinet.documents.access import can_view_document
from ecabinet.documents.models import Classification, Document, DocumentKind, DocumentVersion
from ecabinet.extensions import db
from ecabinet.meetings.queries import sent_late


def _current(column):
    """SQL: a column of a document's current (newest) version."""
    return (select(column).where(DocumentVersion.document_id == Document.id)
            .order_by(DocumentVersion.number.desc()).limit(1).scalar_subquery())


class DocumentFacts:
    """What the tablets' document list shows of a document, and what the reading rule asks of it (its
    session, classification, guest permission), without an ORM object: the list is kept per room
    version (live.room) and checked per caller."""

    __slots__ = ("id", "title", "kind", "agenda_item_id", "page_count", "classification", "guests_allowed", "late",
                 "meeting")

    def __init__(self, row, late):
        (self.id, self.title, self.kind, self.agenda_item_id, self.page_count, self.classification,
         self.guests_allowed) = row
        self.late = late  # added or replaced inside the body's lead time before the session
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
        return {"id": self.id, "title": self.title, "kind": DocumentKind(self.kind).value, "agenda_item_id": self.agenda_item_id,
                "page_count": self.page_count, "classification": self.classification.value, "late": self.late,
                # Built per answer, in its request (the application may be mounted under a prefix).
                "url": url_for("documents_api.document_file", document_id=self.id)}


def document_facts(meeting):
    """The session's documents in agenda order, with their current version's page count (one query)."""
    rows = db.session.execute(
        select(Document.id, Document.title, Document.kind, Document.agenda_item_id, _current(DocumentVersion.page_count),
               Document.classification, Document.guests_allowed, _current(DocumentVersion.uploaded_at))
        .where(Document.meeting_id == meeting.id).order_by(Document.position, Document.id)
    ).all()
    return [DocumentFacts(row[:-1], sent_late(meeting, _aware(row[-1]))) for row in rows]


def _aware(moment):
    """A column value read through a scalar subquery comes back without the UTC type's care (SQLite)."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def visible_documents(facts, meeting, user, display):
    """The documents of the list the user may read (`meeting` as the caller sees it, their
    participation looked up). For the room display the whole list: the display's file route serves
    only the document on screen."""
    if display:
        return [fact.as_json() for fact in facts]
    return [fact.as_json() for fact in facts if can_view_document(user, fact.seen_through(meeting))]


def _meeting_of_version(version):
    document = db.session.get(Document, version.document_id)  # the identity map has it, as a rule
    return document.meeting_id if document is not None else None


realtime.snapshot_section("documents", shared=document_facts, personal=visible_documents,
                          watch=(Document, (DocumentVersion, _meeting_of_version)))
