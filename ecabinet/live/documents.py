"""What the live session needs from the documents domain, tolerant of its absence.

The documents domain (issue 3) is built in parallel; until its tables exist, presenting
takes a document id as given and the tablets show page numbers without the file.
"""
import importlib
import importlib.util

from flask import url_for
from sqlalchemy import inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from ecabinet.extensions import db

_tables_present = {}


def _models():
    if importlib.util.find_spec("ecabinet.documents") is None:
        return None
    if importlib.util.find_spec("ecabinet.documents.models") is None:
        return None
    models = importlib.import_module("ecabinet.documents.models")
    if not hasattr(models, "Document"):
        return None
    key = str(db.engine.url)
    if key not in _tables_present:  # a schema fact, checked once per database
        _tables_present[key] = inspect(db.engine).has_table(models.Document.__tablename__)
    return models if _tables_present[key] else None


def _reader_check():
    if importlib.util.find_spec("ecabinet.documents.access") is None:
        return None
    access = importlib.import_module("ecabinet.documents.access")
    for name in ("can_read_document", "can_view_document", "can_open_document"):
        if hasattr(access, name):
            return getattr(access, name)
    return None


def _file_url(document_id):
    try:
        return url_for("documents_api.document_file", document_id=document_id)
    except Exception:  # the route is not there (yet): the page shows numbers only
        return None


def _page_count(document):
    current = getattr(document, "current", None)
    return getattr(current, "page_count", None)


def document_info(meeting, document_id):
    """dict for a document of the session (a Meeting or its id), False when it is not one, None when
    documents are unavailable."""
    models = _models()
    if models is None:
        return None
    meeting_id = getattr(meeting, "id", meeting)
    document = db.session.get(models.Document, document_id)
    if document is None or document.meeting_id != meeting_id:
        return False
    return {"id": document.id, "title": document.title, "page_count": _page_count(document)}


def documents_for(meeting, user):
    """The session's documents the user may read, in agenda order, for the tablets' document list."""
    models = _models()
    if models is None:
        return []
    check = _reader_check()
    rows = db.session.execute(
        select(models.Document).where(models.Document.meeting_id == meeting.id)
        .order_by(models.Document.position, models.Document.id)
    ).scalars().all()
    if not rows:
        return []
    # The documents domain's rule asks meeting.participant_for(user), which would load every
    # participant of a room of thousands on each join. For these checks only, the collection
    # holds the caller's own row (one indexed query); it is expired afterwards so that anything
    # later in the session loads the real list.
    narrowed = user is not None and check is not None and "participants" in inspect(meeting).unloaded
    if narrowed:
        from ecabinet.live.access import participant_of

        mine = participant_of(user, meeting)
        set_committed_value(meeting, "participants", [mine] if mine is not None else [])
    try:
        result = []
        for document in rows:
            if user is not None and check is not None and not check(user, document):
                continue
            result.append({
                "id": document.id, "title": document.title, "agenda_item_id": document.agenda_item_id,
                "page_count": _page_count(document), "url": _file_url(document.id),
            })
    finally:
        if narrowed:
            db.session.expire(meeting, ["participants"])
    return result
