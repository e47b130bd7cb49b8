"""The meeting book (tập tài liệu): every document a reader may see, in agenda order, in one PDF."""
import hashlib
import json

from flask import current_app
from flask_babel import ngettext
from flask_babel import gettext as _

from ecabinet.core.db import utcnow
from ecabinet.core.errors import NotFound
from ecabinet.core.formats import format_datetime, format_time, long_date
from ecabinet.documents.access import can_view_document
from ecabinet.documents.delivery import reader_file, reader_key, send_path
from ecabinet.documents.models import Document
from ecabinet.documents.pdf import DEFAULT_BOLD_FONT, DEFAULT_FONT, build_book
from ecabinet.documents.storage import get_storage, write_atomically
from ecabinet.extensions import db
from ecabinet.server import run_in_worker


def documents_in_agenda_order(meeting, user):
    """[(agenda item or None, [documents])] of the documents the user may read, agenda order first."""
    documents = db.session.query(Document).filter(Document.meeting_id == meeting.id) \
        .order_by(Document.position, Document.id).all()
    visible = [d for d in documents if d.current is not None and can_view_document(user, d)]
    groups = []
    for item in meeting.agenda_items:
        mine = [d for d in visible if d.agenda_item_id == item.id]
        if mine:
            groups.append((item, mine))
    loose = [d for d in visible if d.agenda_item_id is None]
    if loose:
        groups.append((None, loose))
    return groups


def meeting_book(meeting, user):
    """Path of the reader's book (cached while the documents do not change); None when there is nothing."""
    groups = documents_in_agenda_order(meeting, user)
    if not groups:
        return None
    storage = get_storage()
    personal = any(d.needs_watermark for _item, docs in groups for d in docs)
    fingerprint = json.dumps({
        "meeting": [meeting.id, meeting.title, meeting.starts_at.isoformat(), meeting.location,
                    meeting.kind.value, meeting.format.value, meeting.body.name, meeting.body.parent_name],
        "groups": [[item.id if item else None, item.title if item else None,
                    [[d.id, d.title, d.kind.value, d.current.sha256] for d in docs]] for item, docs in groups],
        "layout": 2,  # contents that wrap, documents under their items
        "reader": reader_key(user) if personal else None,
        "locale": str(_("Meeting book")),
    }, ensure_ascii=False)
    key = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    target = storage.cache_path("books", str(meeting.id), f"{key}{'-u%d' % user.id if personal else ''}.pdf")
    if target.exists():
        return target

    sections = []
    for item, docs in groups:
        heading = _("Item %(number)d. %(title)s", number=item.number, title=item.title) if item \
            else _("Other documents")
        sections.append((heading, [(_book_title(d, item, first=index == 0), str(reader_file(d, d.current, user)[0]),
                                    d.current.page_count) for index, d in enumerate(docs)]))
    count = sum(len(docs) for _item, docs in groups)
    pages = sum(d.current.page_count for _item, docs in groups for d in docs)
    cover = {
        # The letterhead of the session's body (Decree 30/2020: the body above, then the body).
        "parent": meeting.body.parent_name,
        "organisation": meeting.body.name or current_app.config.get("ORGANISATION_NAME") or "ỦY BAN NHÂN DÂN TỈNH",
        "motto": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
        "heading": _("Meeting book"),
        "title": meeting.title,
        "lines": [line for line in (
            f"{meeting.kind_label} · {meeting.format_label}",
            long_date(meeting.starts_at) + ", " + format_time(meeting.starts_at),
            meeting.location,
            ngettext("%(num)d document", "%(num)d documents", count) + " · "
            + ngettext("%(num)d page", "%(num)d pages", pages),
        ) if line],
        "footer": _("Prepared by E-Cabinet on %(time)s for %(name)s",
                    time=format_datetime(utcnow()), name=user.full_name),
        "toc_heading": _("Contents"),
    }
    font = current_app.config.get("WATERMARK_FONT", DEFAULT_FONT)
    bold = current_app.config.get("BOOK_BOLD_FONT", DEFAULT_BOLD_FONT)
    run_in_worker(write_atomically, target, lambda temp: build_book(temp, cover, sections, font, bold))
    return target


def _book_title(document, item, first):
    """A document's row in the contents: none for the item's own document when it leads the item (the
    item's row leads to it), its kind when it bears the item's title further down, else its title
    with its kind when the title does not already say it (never "Báo cáo: Báo cáo …")."""
    if document.repeats_title_of(item):
        return None if first else str(document.kind_label)
    return document.titled_with_kind


def send_book(meeting, user):
    """The meeting book as the reader may see it (built or taken from the cache), or 404."""
    path = meeting_book(meeting, user)
    if path is None:
        raise NotFound(_("This session has no documents you can read yet."), code="no_documents")
    return send_path(path, path.stem, _("Meeting book") + f" {meeting.id}.pdf", immutable=False)
