"""JSON API for documents, versions, delivery, private notes and the meeting book."""
from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.core.api import bool_field, choice_field, get_json, int_field, iso, text_field
from ecabinet.core.errors import InvalidInput
from ecabinet.core import realtime
from ecabinet.documents import operations
from ecabinet.documents.access import can_download_book, can_manage_documents, can_view_document
from ecabinet.documents.book import documents_in_agenda_order, send_book
from ecabinet.documents.delivery import reader_etag, send_version
from ecabinet.documents.loaders import load_document, load_note, load_version
from ecabinet.documents.models import Classification, DocumentKind, DocumentNote, NoteKind
from ecabinet.accounts.auth import login_required
from ecabinet.accounts.device import current_device_owner
from ecabinet.extensions import db
from ecabinet.meetings.loaders import load_agenda_item, load_meeting
from ecabinet.meetings.queries import sent_late

bp = Blueprint("documents_api", __name__, url_prefix="/api/v1")


def version_json(version):
    return {
        "id": version.id,
        "number": version.number,
        "sha256": version.sha256,
        "size": version.size,
        "page_count": version.page_count,
        "filename": version.filename,
        "converted_from": version.converted_from,
        "note": version.note,
        "uploaded_at": iso(version.uploaded_at),
        "uploaded_by": version.uploaded_by.full_name if version.uploaded_by else None,
        "file_url": url_for("documents_api.version_file", document_id=version.document_id,
                            version_id=version.id),
    }


def document_json(document, *, with_versions=False):
    current = document.current
    data = {
        "id": document.id,
        "meeting_id": document.meeting_id,
        "agenda_item_id": document.agenda_item_id,
        "title": document.title,
        "kind": document.kind.value,
        "classification": document.classification.value,
        "confidential": document.is_confidential,
        "guests_allowed": document.guests_allowed,
        "watermarked": document.needs_watermark,
        "position": document.position,
        "version": current.number,
        "version_id": current.id,
        "sha256": current.sha256,
        "size": current.size,
        "page_count": current.page_count,
        "filename": current.filename,
        "updated_at": iso(current.uploaded_at),
        # Added or replaced inside the body's lead time before the session.
        "late": sent_late(document.meeting, current.uploaded_at),
        "file_url": url_for("documents_api.document_file", document_id=document.id),
        "version_file_url": url_for("documents_api.version_file", document_id=document.id,
                                    version_id=current.id),
        "read_url": url_for("documents.read", meeting_id=document.meeting_id, document_id=document.id),
    }
    if with_versions:
        data["versions"] = [version_json(v) for v in document.versions]
    return data


def visible_documents(meeting, user):
    return [d for _item, docs in documents_in_agenda_order(meeting, user) for d in docs]


def detail_section(meeting, user):
    """Part of GET /api/v1/meetings/<id>."""
    return {"documents": [document_json(d) for d in visible_documents(meeting, user)]}


def _push(meeting_id):
    """The room hears that the list changed, once the change is committed (queue it before)."""
    realtime.broadcast(meeting_id, "documents", {"meeting_id": meeting_id})


def _one_upload():
    files = request.files.getlist("file")
    if not files or not files[0].filename:
        raise InvalidInput(_("Attach the file in the multipart field \"file\"."), code="file_missing")
    if len(files) > 1:
        raise InvalidInput(_("Send one file per request."), code="one_file_per_request")
    return files[0]


def _prepare_upload(upload):
    incoming = operations.receive_upload(upload.stream, upload.filename)
    return operations.prepare_file(incoming)


def commit_or_discard(prepared, action):
    """Run the database part; if it fails, leave no stored file behind."""
    try:
        result = action()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        operations.discard_if_unreferenced([prepared.sha256])
        raise
    return result


def document_fields(data, meeting, *, defaults=None):
    defaults = defaults or {}
    merged = {**defaults, **data}
    item_id = int_field(merged, "agenda_item_id", minimum=1) if merged.get("agenda_item_id") not in ("", 0) else None
    classification = choice_field(merged, "classification", [c.value for c in Classification])
    if classification is None:
        classification = Classification.CONFIDENTIAL.value if bool_field(merged, "confidential") \
            else Classification.NORMAL.value
    return dict(
        title=text_field(merged, "title", max_length=500),
        kind=choice_field(merged, "kind", [k.value for k in DocumentKind], default=DocumentKind.OTHER.value),
        agenda_item=load_agenda_item(meeting, item_id) if item_id else None,
        classification=classification,
        guests_allowed=bool_field(merged, "guests_allowed"),
    )


@bp.route("/meetings/<int:meeting_id>/documents", methods=["GET"])
@login_required
def list_documents(meeting_id):
    meeting = load_meeting(meeting_id)
    return jsonify({
        "meeting_id": meeting.id,
        # The reader refetches this list when it is shown again: it learns the session's end with it.
        "meeting_status": meeting.status.value,
        "documents": [document_json(d) for d in visible_documents(meeting, current_user)],
        "book_url": url_for("documents_api.book", meeting_id=meeting.id),
        "can_manage": can_manage_documents(current_user, meeting),
    })


@bp.route("/meetings/<int:meeting_id>/documents", methods=["POST"])
@login_required
def upload_document(meeting_id):
    meeting = load_meeting(meeting_id, can_manage_documents)
    upload = _one_upload()
    fields = document_fields(request.form.to_dict(), meeting)
    prepared = _prepare_upload(upload)
    if not fields["title"] and prepared.title and len(prepared.title) > 3:
        fields["title"] = None  # the file name is clearer than most embedded titles
    _push(meeting.id)
    document = commit_or_discard(prepared, lambda: operations.add_document(
        meeting, prepared, actor=current_user, **fields))
    return jsonify(document_json(document, with_versions=True)), 201


@bp.route("/documents/<int:document_id>", methods=["GET"])
@login_required
def get_document(document_id):
    return jsonify(document_json(load_document(document_id), with_versions=True))


@bp.route("/documents/<int:document_id>", methods=["PATCH"])
@login_required
def update_document(document_id):
    document = load_document(document_id, manage=True)
    current = {"title": document.title, "kind": document.kind.value, "agenda_item_id": document.agenda_item_id,
               "classification": document.classification.value, "guests_allowed": document.guests_allowed}
    operations.update_document(document, actor=current_user,
                               **document_fields(get_json(), document.meeting, defaults=current))
    _push(document.meeting_id)
    db.session.commit()
    return jsonify(document_json(document, with_versions=True))


@bp.route("/documents/<int:document_id>", methods=["DELETE"])
@login_required
def delete_document(document_id):
    document = load_document(document_id, manage=True)
    meeting_id = document.meeting_id
    shas = operations.delete_document(document, actor=current_user)
    _push(meeting_id)
    db.session.commit()
    operations.discard_if_unreferenced(shas)
    return "", 204


@bp.route("/documents/<int:document_id>/versions", methods=["POST"])
@login_required
def add_version(document_id):
    document = load_document(document_id, manage=True)
    upload = _one_upload()
    note = text_field(request.form.to_dict(), "note", max_length=500)
    prepared = _prepare_upload(upload)
    _push(document.meeting_id)
    version = commit_or_discard(prepared, lambda: operations.add_version(
        document, prepared, actor=current_user, note=note))
    return jsonify(version_json(version)), 201


@bp.route("/documents/<int:document_id>/file", methods=["GET"])
@login_required
def document_file(document_id):
    document = load_document(document_id)
    return send_version(document, document.current, current_user, immutable=False)


@bp.route("/documents/<int:document_id>/versions/<int:version_id>/file", methods=["GET"])
@login_required
def version_file(document_id, version_id):
    document = load_document(document_id)
    return send_version(document, load_version(document, version_id), current_user, immutable=True)


@bp.route("/meetings/<int:meeting_id>/book.pdf", methods=["GET"])
@login_required
def book(meeting_id):
    return send_book(load_meeting(meeting_id, can_download_book), current_user)


@bp.route("/meetings/<int:meeting_id>/offline", methods=["GET"])
@login_required
def offline_manifest(meeting_id):
    """What a tablet may keep of this session to read without the network, for this reader.

    The service worker downloads it, and at each connection asks again: a copy whose URL (the
    version) or ETag (the watermark, the reader) is no longer listed leaves the device, and a
    session that answers 404 takes all its copies with it.
    """
    meeting = load_meeting(meeting_id)
    held = [(item, d) for item, docs in documents_in_agenda_order(meeting, current_user) for d in docs]
    return jsonify({
        "meeting_id": meeting.id,
        "title": meeting.title,
        "starts_at": iso(meeting.starts_at),
        "owner": current_device_owner(),
        "documents": [{"id": d.id, "title": d.title, "size": d.current.size, "pages": d.current.page_count,
                       "version": d.current.number, "confidential": d.is_confidential,
                       "item": item.number if item else None,
                       "etag": reader_etag(d, d.current, current_user),
                       "file_url": url_for("documents.version_file", meeting_id=meeting.id, document_id=d.id,
                                           version_id=d.current.id),
                       "read_url": url_for("documents.read", meeting_id=meeting.id, document_id=d.id),
                       "notes_url": url_for("documents_api.list_notes", document_id=d.id)}
                      for item, d in held],
        "pages": [url_for("meetings.show", meeting_id=meeting.id)],
        # What the reader page loads, so it opens with the network gone.
        "assets": [url_for("static", filename=name) for name in (
            "css/fonts.css", "css/ecabinet.css", "css/documents.css", "js/ecabinet.js", "js/documents/device.js",
            "js/documents/offline.js", "js/documents/reader.js", "js/pdfview.js", "js/textsearch.js",
            "js/datepicker.js", "js/documents/offline-page.js",
            "vendor/pdfjs/pdf.min.mjs", "vendor/pdfjs/pdf.worker.min.mjs", "vendor/socket.io/socket.io.min.js")],
        "api": [url_for("documents_api.list_documents", meeting_id=meeting.id)],
    })


# -- private notes --------------------------------------------------------------


def note_json(note):
    return {"id": note.id, "document_id": note.document_id, "page": note.page, "kind": note.kind.value,
            "text": note.text, "rect": note.rect, "color": note.color, "version": note.version_number,
            "created_at": iso(note.created_at), "updated_at": iso(note.updated_at)}


@bp.route("/documents/<int:document_id>/notes", methods=["GET"])
@login_required
def list_notes(document_id):
    document = load_document(document_id)
    notes = db.session.query(DocumentNote).filter_by(document_id=document.id, user_id=current_user.id) \
        .order_by(DocumentNote.page, DocumentNote.id).all()
    return jsonify({"notes": [note_json(n) for n in notes]})


@bp.route("/documents/<int:document_id>/notes", methods=["POST"])
@login_required
def add_note(document_id):
    document = load_document(document_id)
    data = get_json()
    note = operations.add_note(
        document, user=current_user, page=int_field(data, "page", required=True),
        kind=choice_field(data, "kind", [k.value for k in NoteKind], default=NoteKind.NOTE.value),
        text=text_field(data, "text", max_length=5000), rect=data.get("rect"),
        color=choice_field(data, "color", sorted(operations.NOTE_COLORS)))
    db.session.commit()
    return jsonify(note_json(note)), 201


@bp.route("/documents/<int:document_id>/notes/<int:note_id>", methods=["PATCH"])
@login_required
def update_note(document_id, note_id):
    note = load_note(load_document(document_id), note_id)
    data = get_json()
    operations.update_note(note, text=text_field(data, "text", max_length=5000, default=note.text),
                           color=choice_field(data, "color", sorted(operations.NOTE_COLORS)))
    db.session.commit()
    return jsonify(note_json(note))


@bp.route("/documents/<int:document_id>/notes/<int:note_id>", methods=["DELETE"])
@login_required
def delete_note(document_id, note_id):
    operations.delete_note(load_note(load_document(document_id), note_id))
    db.session.commit()
    return "", 204


__all__ = ["bp", "detail_section", "document_json", "can_view_document"]
