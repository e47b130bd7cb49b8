"""State changes on documents. They enforce the rules, flush and audit; the adapter commits and pushes."""
import os
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ecabinet.audit.operations import record
from ecabinet.core.errors import Conflict, InvalidState, InvalidValue, TooLarge, UnsupportedType
from ecabinet.documents.models import Classification, Document, DocumentKind, DocumentNote, DocumentVersion, NoteKind
from ecabinet.documents.pdf import PdfRejected, looks_like_pdf
from ecabinet.documents.storage import get_storage
from ecabinet.documents.validation import OFFICE_EXTENSIONS, convert_office, inspect_untrusted
from ecabinet.extensions import db
from ecabinet.meetings.operations import EDITABLE_STATUSES, refuse_if_archived

# Other domains (minutes, signing) register checks here: function(document) -> a reason
# (text) when something final, such as a signed record, refers to the document; else None.
DOCUMENT_REFERENCES = []


def document_reference(function):
    DOCUMENT_REFERENCES.append(function)
    return function


@dataclass
class IncomingFile:
    path: Path
    filename: str
    size: int


@dataclass
class PreparedFile:
    sha256: str
    size: int
    page_count: int
    filename: str
    converted_from: str | None = None
    title: str | None = None


def _max_bytes():
    return current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def _too_large():
    return TooLarge(_("The file is larger than the limit of %(mb)d MB.", mb=current_app.config["MAX_UPLOAD_MB"]),
                    code="file_too_large")


def clean_filename(name):
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/"))).strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name[:200] or "document.pdf"


def receive_upload(stream, filename):
    """Copy an uploaded stream to a scratch file, refusing (413) as soon as it passes the size limit."""
    limit = _max_bytes()
    fd, temp = tempfile.mkstemp(dir=get_storage().scratch_dir(), prefix="upload-")
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = stream.read(1024 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise _too_large()
                out.write(chunk)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    if size == 0:
        Path(temp).unlink(missing_ok=True)
        raise InvalidValue(_("The file is empty."), code="empty_file", field="file")
    return IncomingFile(Path(temp), clean_filename(filename), size)


_REASONS = {
    "not_pdf": (UnsupportedType, lambda p: _("This file is not a PDF document.")),
    "encrypted": (InvalidValue, lambda p: _("The PDF is encrypted or password-protected; upload an unprotected copy.")),
    "no_pages": (InvalidValue, lambda p: _("The PDF has no pages.")),
    "too_many_pages": (InvalidValue, lambda p: _(
        "The PDF has %(pages)d pages; the limit is %(limit)d.", pages=p.get("pages", 0), limit=p.get("limit", 0))),
    "decompression_bomb": (InvalidValue, lambda p: _(
        "The PDF expands to far more data than it contains (a decompression bomb); it was refused.")),
    "too_complex": (InvalidValue, lambda p: _(
        "The PDF is too complex to check safely (it exceeded the time or memory allowed).")),
    "parse_timeout": (InvalidValue, lambda p: _("Checking the PDF took too long; it was refused.")),
    "corrupt": (InvalidValue, lambda p: _("The PDF is damaged or incomplete and cannot be read.")),
    "office_unavailable": (UnsupportedType, lambda p: _(
        "Office files cannot be converted on this server because LibreOffice is not installed. "
        "Please save the file as PDF and upload the PDF.")),
    "conversion_failed": (InvalidValue, lambda p: _("LibreOffice could not convert this file to PDF.")),
}


def rejection_error(rejected):
    error_class, message = _REASONS.get(rejected.code, _REASONS["corrupt"])
    return error_class(message(rejected.params), code=f"pdf_{rejected.code}", reason=rejected.code)


def prepare_file(incoming):
    """Convert when needed, check the PDF in a limited child process, store it; or raise and leave nothing."""
    config = current_app.config
    suffix = Path(incoming.filename).suffix.lower()
    storage = get_storage()
    work = [incoming.path]
    converted_from = None
    try:
        source = incoming.path
        if suffix in OFFICE_EXTENSIONS:
            workdir = tempfile.mkdtemp(prefix="convert-", dir=storage.scratch_dir())
            work.append(Path(workdir))
            work[0] = incoming.path.rename(incoming.path.with_suffix(suffix))  # soffice goes by the extension
            source = convert_office(work[0], workdir)
            converted_from = incoming.filename
        elif suffix != ".pdf":
            raise PdfRejected("not_pdf")
        with open(source, "rb") as handle:
            if not looks_like_pdf(handle.read(1024)):
                raise PdfRejected("not_pdf")
        info = inspect_untrusted(source, max_pages=config["MAX_DOCUMENT_PAGES"],
                                 timeout=config["PDF_PARSE_TIMEOUT"], memory_mb=config["PDF_PARSE_MEMORY_MB"])
        size = source.stat().st_size
        if size > _max_bytes():
            raise _too_large()
        sha = storage.put(source)
    except PdfRejected as rejected:
        raise rejection_error(rejected) from None
    finally:
        for path in work:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    filename = incoming.filename if converted_from is None else Path(incoming.filename).stem + ".pdf"
    return PreparedFile(sha, size, info["pages"], filename, converted_from, info.get("title"))


# Other domains that keep stored files (written polls' attachments) register here: function(sha256)
# -> True while something of theirs refers to that file, so that it is never deleted under them.
BLOB_REFERENCES = []


def blob_reference(function):
    if function not in BLOB_REFERENCES:
        BLOB_REFERENCES.append(function)
    return function


def discard_if_unreferenced(shas):
    """Remove stored files no version (nor another domain's record) refers to any more."""
    storage = get_storage()
    for sha in set(shas):
        used = db.session.execute(select(func.count()).select_from(DocumentVersion)
                                  .where(DocumentVersion.sha256 == sha)).scalar()
        if not used and not any(refers(sha) for refers in BLOB_REFERENCES):
            storage.delete(sha)


def _require_editable(meeting):
    refuse_if_archived(meeting)
    if meeting.status not in EDITABLE_STATUSES:
        raise InvalidState(_("This session has ended; its documents can no longer be changed."),
                           code="meeting_closed")


def _check_classification(classification):
    classification = Classification(classification)
    if classification == Classification.STATE_SECRET and not current_app.config.get("PROTECTED_NETWORK"):
        raise InvalidValue(_("State-secret documents may only be handled on a protected network; "
                             "this server is not declared as one."), code="state_secret_refused",
                           field="classification")
    return classification


def _check_item(meeting, agenda_item):
    if agenda_item is not None and agenda_item.meeting_id != meeting.id:
        raise InvalidValue(_("The agenda item belongs to another session."), field="agenda_item_id")
    return agenda_item


def _clean_title(title, prepared=None):
    title = unicodedata.normalize("NFC", (title or "").strip())
    if not title and prepared is not None:
        title = Path(prepared.converted_from or prepared.filename).stem.replace("_", " ").strip()
    if not title:
        raise InvalidValue(_("The document needs a title."), field="title")
    return title[:500]


def add_document(meeting, prepared, *, actor, title=None, kind=DocumentKind.OTHER, agenda_item=None,
                 classification=Classification.NORMAL, guests_allowed=False):
    _require_editable(meeting)
    classification = _check_classification(classification)
    _check_item(meeting, agenda_item)
    position = db.session.execute(select(func.coalesce(func.max(Document.position), -1))
                                  .where(Document.meeting_id == meeting.id)).scalar() + 1
    document = Document(meeting=meeting, agenda_item=agenda_item, title=_clean_title(title, prepared),
                        kind=DocumentKind(kind), classification=classification,
                        guests_allowed=bool(guests_allowed), position=position, created_by_id=actor.id)
    document.versions.append(_version(prepared, 1, actor))
    db.session.add(document)
    db.session.flush()
    record("document.added", actor=actor, obj=document, meeting_id=meeting.id, title=document.title,
           sha256=prepared.sha256, pages=prepared.page_count, classification=classification.value)
    return document


def _version(prepared, number, actor, note=None):
    return DocumentVersion(number=number, sha256=prepared.sha256, size=prepared.size,
                           page_count=prepared.page_count, filename=prepared.filename,
                           converted_from=prepared.converted_from, uploaded_by_id=actor.id,
                           note=(note or "").strip()[:500] or None)


def add_version(document, prepared, *, actor, note=None):
    """Replace the document's content; earlier versions stay in its history."""
    _require_editable(document.meeting)
    version = _version(prepared, (document.current.number if document.current else 0) + 1, actor, note)
    document.versions.insert(0, version)
    db.session.flush()
    record("document.replaced", actor=actor, obj=document, meeting_id=document.meeting_id,
           version=version.number, sha256=prepared.sha256, pages=prepared.page_count)
    return version


def update_document(document, *, actor, title, kind, agenda_item, classification, guests_allowed):
    _require_editable(document.meeting)
    document.title = _clean_title(title)
    document.kind = DocumentKind(kind)
    document.agenda_item = _check_item(document.meeting, agenda_item)
    new_classification = Classification(classification)
    if new_classification != document.classification:
        new_classification = _check_classification(new_classification)
    document.classification = new_classification
    document.guests_allowed = bool(guests_allowed)
    db.session.flush()
    record("document.updated", actor=actor, obj=document, meeting_id=document.meeting_id,
           classification=document.classification.value, guests_allowed=document.guests_allowed)
    return document


def deletion_refusal(document):
    """Why the document cannot be deleted (a Conflict: a signed record refers to it), or None: the page
    offers the deletion, and its confirmation, only when nothing refuses it."""
    for check in DOCUMENT_REFERENCES:
        reason = check(document)
        if reason:
            return Conflict(_("This document cannot be deleted: %(reason)s", reason=reason), code="document_referenced")
    return None


def delete_document(document, *, actor):
    """Delete a document and its versions; refused while a signed record refers to it.

    Returns the SHA-256 of its files: the adapter removes those no longer used after the commit.
    """
    _require_editable(document.meeting)
    refusal = deletion_refusal(document)
    if refusal is not None:
        raise refusal
    shas = [v.sha256 for v in document.versions]
    meeting_id, title, document_id = document.meeting_id, document.title, document.id
    db.session.delete(document)
    db.session.flush()
    record("document.deleted", actor=actor, meeting_id=meeting_id, document_id=document_id, title=title)
    return shas


def record_opening(document, version, *, actor, watermarked):
    """Every opening of a confidential document goes into the audit log."""
    record("document.opened", actor=actor, obj=document, meeting_id=document.meeting_id,
           version=version.number, watermarked=watermarked)


# -- private notes --------------------------------------------------------------

NOTE_COLORS = {"yellow", "green", "blue", "pink"}


def _clean_note(document, page, kind, text, rect, color):
    version = document.current
    if not isinstance(page, int) or not 1 <= page <= version.page_count:
        raise InvalidValue(_("The page number is out of range."), field="page")
    kind = NoteKind(kind)
    text = (text or "").strip()
    if kind == NoteKind.NOTE and not text:
        raise InvalidValue(_("Write something in the note."), field="text")
    if len(text) > 5000:
        raise InvalidValue(_("The note is too long (at most 5000 characters)."), field="text")
    if kind == NoteKind.HIGHLIGHT:
        if not (isinstance(rect, list) and len(rect) == 4 and all(isinstance(v, (int, float)) for v in rect)
                and all(0 <= v <= 1 for v in rect) and rect[2] > 0 and rect[3] > 0):
            raise InvalidValue(_("A highlight needs an area on the page."), field="rect")
        rect = [round(float(v), 5) for v in rect]
    else:
        rect = None
    if color is not None and color not in NOTE_COLORS:
        raise InvalidValue(_("Unknown colour."), field="color")
    return version, kind, text or None, rect, color


def add_note(document, *, user, page, kind=NoteKind.NOTE, text=None, rect=None, color=None):
    version, kind, text, rect, color = _clean_note(document, page, kind, text, rect, color)
    note = DocumentNote(document=document, user_id=user.id, version_number=version.number, page=page,
                        kind=kind, text=text, rect=rect, color=color or "yellow")
    db.session.add(note)
    db.session.flush()
    return note


def update_note(note, *, text, color=None):
    text = (text or "").strip()
    if note.kind == NoteKind.NOTE and not text:
        raise InvalidValue(_("Write something in the note."), field="text")
    if len(text) > 5000:
        raise InvalidValue(_("The note is too long (at most 5000 characters)."), field="text")
    if color is not None:
        if color not in NOTE_COLORS:
            raise InvalidValue(_("Unknown colour."), field="color")
        note.color = color
    note.text = text or None
    db.session.flush()
    return note


def delete_note(note):
    db.session.delete(note)
    db.session.flush()
