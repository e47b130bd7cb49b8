"""Pages: the session's documents panel, the upload page, the reader, and the file routes they use."""
from pathlib import Path

from flask import (
    Blueprint, current_app, flash, g, jsonify, make_response, redirect, render_template, request, send_file, url_for,
)
from flask_babel import force_locale, get_locale, gettext as _
from flask_login import current_user

from ecabinet.accounts.auth import login_required
from ecabinet.accounts.forms import ConfirmForm
from ecabinet.core.errors import DomainError
from ecabinet.core import realtime
from ecabinet.documents import operations
from ecabinet.documents.access import can_download_book, can_manage_documents
from ecabinet.documents.api import commit_or_discard, document_json
from ecabinet.documents.book import documents_in_agenda_order, send_book
from ecabinet.documents.delivery import send_version
from ecabinet.documents.forms import DocumentForm, ReplaceForm, classification_choices
from ecabinet.documents.loaders import load_document, load_version
from ecabinet.documents.models import CLASSIFICATION_LABELS, KIND_LABELS
from ecabinet.documents.validation import OFFICE_EXTENSIONS, soffice_path
from ecabinet.extensions import db
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.queries import documents_due, sent_late
from ecabinet.meetings.operations import EDITABLE_STATUSES
from ecabinet.meetings.views import AgendaPart

bp = Blueprint("documents", __name__)

ROOT = Path(__file__).resolve().parents[2]


# Whether the reader listens to the session's live room for new documents and the session's end:
# functions (user, meeting) -> bool, registered by the domain that owns the room (live.views). Without
# one that says yes, the reader opens no socket and refetches the list when it is shown again.
READER_ROOM_RULES = []


def reader_room_rule(function):
    """Register once: create_app may run many times in one process (tests)."""
    if function not in READER_ROOM_RULES:
        READER_ROOM_RULES.append(function)
    return function


def _editable(meeting):
    return meeting.status in EDITABLE_STATUSES


def _groups(meeting, user):
    return documents_in_agenda_order(meeting, user)


def documents_agenda_part(meeting, user):
    """The session's documents on its page, each under its agenda item (the rest after the agenda),
    with the meeting book and the upload beside the agenda's title."""
    can_manage = can_manage_documents(user, meeting)
    groups = _groups(meeting, user)
    return AgendaPart(
        header="documents/_agenda_header.html", item="documents/_agenda_item.html",
        after="documents/_agenda_after.html", footer="documents/_agenda_footer.html",
        context={
            "by_item": {item.id: docs for item, docs in groups if item is not None},
            "loose": next((docs for item, docs in groups if item is None), []),
            "count": sum(len(docs) for _item, docs in groups),
            "late": {d.id for _item, docs in groups for d in docs if sent_late(meeting, d.current.uploaded_at)},
            "documents_due": documents_due(meeting),
            "can_manage": can_manage,
            "editable": _editable(meeting),
            "replace_form": ReplaceForm(prefix="replace", formdata=None) if can_manage else None,
            # A refused new version (views.replace): that document's form opens again with the note
            # typed and the reason next to the file.
            "refused_replace": g.get("refused_replace"),
            "deletion_refusals": {d.id: str(refusal.message) for _item, docs in groups for d in docs
                                  if can_manage and (refusal := operations.deletion_refusal(d)) is not None},
        })


@bp.route("/sw.js")
def service_worker():
    """The service worker that keeps each user's offline copies; at the root so that it also sees the
    login page and the logout (a signed-out device must stop serving copies at once)."""
    response = send_file(ROOT / "static" / "js" / "documents" / "sw.js", mimetype="text/javascript",
                         max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


# Where tablets registered the worker before: they update to the same script, which retires itself.
bp.add_url_rule("/meetings/sw.js", "legacy_service_worker", service_worker)


def _in_asked_language(build):
    """The service worker fetches its offline page and messages without cookies (a background
    answer that set the session cookie could land after a login and undo it), so it names the
    language itself: ?lang=vi|en, else the usual choice (a browser opening the page)."""
    asked = request.args.get("lang")
    language = asked if asked in current_app.config["LANGUAGES"] else str(get_locale())
    with force_locale(language):
        response = make_response(build())
    response.headers["Content-Language"] = language
    return response


@bp.route("/offline")
def offline():
    """What the service worker shows instead of a page it cannot fetch: no user's data in it (the
    list of copies on the device is filled in by the worker for the user signed in on it)."""
    return _in_asked_language(lambda: render_template("documents/offline.html"))


@bp.route("/offline/messages")
def offline_messages():
    """The service worker's own answers without the network, in the language of the device's last
    page: it keeps this beside the offline page and fetches both again when the language changes."""
    return _in_asked_language(lambda: jsonify({
        "document": _("No connection, and this document is not stored on this device for you."),
        "other": _("No connection, and this is not stored on this device for you."),
    }))


@bp.route("/meetings/<int:meeting_id>/documents/upload")
@login_required
def upload(meeting_id):
    meeting = load_meeting(meeting_id, can_manage_documents)
    if not _editable(meeting):
        flash(_("This session has ended; its documents can no longer be changed."), "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    protected = bool(current_app.config.get("PROTECTED_NETWORK"))
    return render_template(
        "documents/upload.html", meeting=meeting,
        kinds=list(KIND_LABELS.items()),
        classifications=classification_choices(protected),
        max_mb=current_app.config["MAX_UPLOAD_MB"],
        max_pages=current_app.config["MAX_DOCUMENT_PAGES"],
        office_available=soffice_path() is not None,
        office_extensions=sorted(OFFICE_EXTENSIONS),
        groups=_groups(meeting, current_user))


@bp.route("/meetings/<int:meeting_id>/documents/<int:document_id>/read")
@login_required
def read(meeting_id, document_id):
    meeting = load_meeting(meeting_id)
    document = load_document(document_id, meeting=meeting)
    groups = _groups(meeting, current_user)
    late = {d.id for _item, docs in groups for d in docs if sent_late(meeting, d.current.uploaded_at)}
    library = [{"id": d.id, "title": d.title, "kind": str(d.kind_label), "pages": d.current.page_count,
                "version": d.current.number, "confidential": d.is_confidential, "late": d.id in late,
                "item": item.number if item else None,
                "url": url_for("documents.read", meeting_id=meeting.id, document_id=d.id)}
               for item, docs in groups for d in docs]
    return render_template(
        "documents/read.html", meeting=meeting, document=document, groups=groups, library=library, late=late,
        live_room=any(rule(current_user, meeting) for rule in READER_ROOM_RULES),
        file_url=url_for("documents.version_file", meeting_id=meeting.id, document_id=document.id,
                         version_id=document.current.id),
        document_data=document_json(document))


@bp.route("/meetings/<int:meeting_id>/documents/<int:document_id>/file")
@login_required
def document_file(meeting_id, document_id):
    document = load_document(document_id, meeting=load_meeting(meeting_id))
    return send_version(document, document.current, current_user, immutable=False)


@bp.route("/meetings/<int:meeting_id>/documents/<int:document_id>/versions/<int:version_id>/file")
@login_required
def version_file(meeting_id, document_id, version_id):
    document = load_document(document_id, meeting=load_meeting(meeting_id))
    return send_version(document, load_version(document, version_id), current_user, immutable=True)


@bp.route("/meetings/<int:meeting_id>/book.pdf")
@login_required
def book(meeting_id):
    return send_book(load_meeting(meeting_id, can_download_book), current_user)


def _back(meeting, document=None):
    """To the session page, at the document's row (the documents sit under their agenda items)."""
    anchor = f"#doc-{document.id}" if document is not None else "#agenda"
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + anchor)


@bp.route("/meetings/<int:meeting_id>/documents/<int:document_id>/replace", methods=["POST"])
@login_required
def replace(meeting_id, document_id):
    meeting = load_meeting(meeting_id, can_manage_documents)
    document = load_document(document_id, manage=True, meeting=meeting)
    form = ReplaceForm(prefix="replace")
    if not form.validate_on_submit():
        return _refused_replace(meeting, document, form, _("Choose the new PDF file."), 422)
    try:
        incoming = operations.receive_upload(form.file.data.stream, form.file.data.filename)
        prepared = operations.prepare_file(incoming)
        realtime.broadcast(meeting.id, "documents", {"meeting_id": meeting.id})
        version = commit_or_discard(prepared, lambda: operations.add_version(
            document, prepared, actor=current_user, note=form.note.data))
    except DomainError as error:
        db.session.rollback()
        return _refused_replace(meeting, document, form,
                                _("The new version was refused: %(reason)s", reason=error.message), error.status)
    flash(_("Version %(number)d of “%(title)s” is now current.", number=version.number, title=document.title),
          "success")
    return _back(meeting, document)


def _refused_replace(meeting, document, form, reason, status):
    """The session page again, the document's replace form open with the note typed and the reason."""
    from ecabinet.meetings.views import show_page

    if not _editable(load_meeting(meeting.id)):  # ended meanwhile: the page has no form to show again
        flash(str(reason), "error")
        return _back(meeting)
    g.refused_replace = {"document_id": document.id, "note": form.note.data or "", "error": str(reason)}
    return show_page(meeting, status=status)


@bp.route("/meetings/<int:meeting_id>/documents/<int:document_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id, document_id):
    meeting = load_meeting(meeting_id, can_manage_documents)
    document = load_document(document_id, manage=True, meeting=meeting)
    form = DocumentForm(obj=document, kind=document.kind.value, classification=document.classification.value,
                        agenda_item_id=document.agenda_item_id or 0)
    form.agenda_item_id.choices = [(0, _("Not tied to an agenda item"))] + [
        (item.id, f"{item.number}. {item.title}") for item in meeting.agenda_items]
    form.classification.choices = classification_choices(bool(current_app.config.get("PROTECTED_NETWORK"))
                                                          or document.classification.value == "state_secret")
    if form.validate_on_submit():
        item = next((i for i in meeting.agenda_items if i.id == form.agenda_item_id.data), None)
        try:
            operations.update_document(document, actor=current_user, title=form.title.data, kind=form.kind.data,
                                       agenda_item=item, classification=form.classification.data,
                                       guests_allowed=form.guests_allowed.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            realtime.broadcast(meeting.id, "documents", {"meeting_id": meeting.id})
            db.session.commit()
            flash(_("Document saved."), "success")
            return _back(meeting, document)
    return render_template("documents/edit.html", form=form, meeting=meeting, document=document,
                           confirm_form=ConfirmForm())


@bp.route("/meetings/<int:meeting_id>/documents/<int:document_id>/delete", methods=["POST"])
@login_required
def delete(meeting_id, document_id):
    meeting = load_meeting(meeting_id, can_manage_documents)
    document = load_document(document_id, manage=True, meeting=meeting)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Please reload the page and try again."), "error")
        return _back(meeting, document)
    title = document.title
    try:
        shas = operations.delete_document(document, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(meeting, document)
    realtime.broadcast(meeting.id, "documents", {"meeting_id": meeting.id})
    db.session.commit()
    operations.discard_if_unreferenced(shas)
    flash(_("“%(title)s” was deleted.", title=title), "success")
    return _back(meeting)


__all__ = ["bp", "documents_agenda_part", "CLASSIFICATION_LABELS"]
