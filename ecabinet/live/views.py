"""Pages of the live session: the member tablet, the chair/secretariat console, the room display."""
from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts.auth import login_required
from ecabinet.core.errors import NotAllowed, NotFound
from ecabinet.extensions import db
from ecabinet.live import access, directory, operations, rows, state
from ecabinet.live.strings import client_strings
from ecabinet.meetings import access as meetings_access
from ecabinet.meetings import views as meetings_views
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.operations import invitable_users, status_change_refusal
from ecabinet.meetings.models import Meeting, MeetingStatus

bp = Blueprint("live", __name__)


def _config(meeting, mode, **extra):
    return {
        "meeting_id": meeting.id,
        "mode": mode,
        "status": meeting.status.value,
        "user_id": getattr(current_user, "id", None),
        "strings": client_strings(),
        "pdfjs": url_for("static", filename="vendor/pdfjs/pdf.min.mjs"),
        "pdfjs_worker": url_for("static", filename="vendor/pdfjs/pdf.worker.min.mjs"),
        "meeting_url": url_for("meetings.show", meeting_id=meeting.id),
        # The status badge in the words of those who attend (the secretariat's: the workflow's).
        "status_words": None if mode == "display" else meetings_views.session_status_words(meeting),
        # The reader's private notes, for the document on screen ({id}: its id); not on the display.
        "notes_url": None if mode == "display" else
        url_for("documents_api.list_notes", document_id=0).replace("/0/", "/{id}/"),
        **extra,
    }


def _load_room(meeting_id, check=access.can_join):
    meeting = load_meeting(meeting_id)
    if not check(current_user, meeting):
        raise NotAllowed(_("The meeting room is open only to the session's participants while it is "
                           "published or in progress."), code="not_participant")
    return meeting


@bp.route("/meetings/<int:meeting_id>/live")
@login_required
def tablet(meeting_id):
    meeting = _load_room(meeting_id)
    return render_template("live/tablet.html", meeting=meeting, config=_config(meeting, "tablet"),
                           can_console=access.can_use_console(current_user, meeting))


@bp.route("/meetings/<int:meeting_id>/live/console")
@login_required
def console(meeting_id):
    meeting = _load_room(meeting_id)
    if not access.can_use_console(current_user, meeting):
        raise NotAllowed(_("The console is for the chair and the secretariat."))
    secretariat = access.can_mark_attendance(current_user, meeting)
    candidates = invitable_users(meeting) if secretariat else []
    return render_template("live/console.html", meeting=meeting, secretariat=secretariat,
                           standin_candidates=candidates,
                           can_change_status=meetings_access.can_change_status(current_user, meeting),
                           start_refusal=_start_refusal(meeting),
                           config=_config(meeting, "console", secretariat=secretariat))


def _start_refusal(meeting):
    """Why the console's Start cannot succeed now, if it cannot (said instead of asking to confirm)."""
    if meeting.status != MeetingStatus.PUBLISHED:
        return None
    refusal = status_change_refusal(meeting, MeetingStatus.LIVE)
    return str(refusal.message) if refusal else None


@bp.route("/meetings/<int:meeting_id>/live/display-token", methods=["POST"])
@login_required
def issue_display_token(meeting_id):
    meeting = load_meeting(meeting_id)
    if not access.can_issue_display_token(current_user, meeting):
        raise NotAllowed()
    raw = operations.issue_display_token(meeting, actor=current_user)
    db.session.commit()
    link = url_for("live.display", meeting_id=meeting.id, _external=True) + "#" + raw
    return render_template("live/display_link.html", meeting=meeting, link=link)


@bp.route("/live/display/<int:meeting_id>")
def display(meeting_id):
    """The projector/TV page; it authenticates its socket with the token in the URL fragment."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return render_template("live/display.html", meeting=meeting, config=_config(meeting, "display"))


@bp.route("/live/display/<int:meeting_id>/documents/<int:document_id>/file")
def display_document(meeting_id, document_id):
    """The document on screen, for the room display: its token in X-Display-Token, and only
    the document being presented right now (the display has no reading rights of its own)."""
    from ecabinet.documents.delivery import send_to_room_display
    from ecabinet.documents.models import Document

    meeting = operations.meeting_for_display_token(request.headers.get("X-Display-Token"))
    document = db.session.get(Document, document_id)
    if (meeting is None or meeting.id != meeting_id or document is None or document.meeting_id != meeting_id
            or operations.peek_state(meeting).document_id != document_id):
        raise NotFound(_("This document is not on the room display."), code="not_presented")
    return send_to_room_display(document, meeting)


def register_hooks():
    """The meetings domain's hooks (the entry button, the live part of GET /api/v1/meetings/<id>) and
    the documents reader's: whether it listens to the room."""
    from ecabinet.documents import views as documents_views
    from ecabinet.meetings import api as meetings_api

    documents_views.reader_room_rule(access.can_follow_from_reader)
    meetings_views.header_action(enter_button, order=10)
    meetings_views.manage_item(room_tools, order=10)
    meetings_api.detail_section(live_detail)
    meetings_api.participants_section(participants_version)


def _room_open(meeting, user):
    return meeting.status in (MeetingStatus.PUBLISHED, MeetingStatus.LIVE) and access.can_join(user, meeting)


def enter_button(meeting, user):
    """"Enter the meeting room": the console for whoever runs the session, the tablet for the others."""
    if not _room_open(meeting, user):
        return None
    console = access.can_use_console(user, meeting)
    return "live/_enter_button.html", {
        "url": url_for("live.console" if console else "live.tablet", meeting_id=meeting.id),
        # The main action: for a member always; for whoever starts the session, once it is live.
        "is_primary": meeting.status == MeetingStatus.LIVE
        or not meetings_access.can_change_status(user, meeting),
    }


def room_tools(meeting, user):
    """In the session page's "Manage" menu: what members see (for the console's users) and the link
    for the room's screen."""
    if not _room_open(meeting, user):
        return None
    console = access.can_use_console(user, meeting)
    display = access.can_issue_display_token(user, meeting)
    if not (console or display):
        return None
    return "live/_manage_items.html", {
        "tablet_url": url_for("live.tablet", meeting_id=meeting.id) if console else None,
        "can_issue_display": display,
        "display_url": url_for("live.issue_display_token", meeting_id=meeting.id),
    }


def participants_version(meeting, user):
    """GET /api/v1/meetings/<id>/participants also names the directory's version (see live.directory)."""
    return {"version": directory.version_of(meeting.id)}


def live_detail(meeting, user):
    if not access.can_join(user, meeting):
        return {}
    live_state = operations.peek_state(meeting)
    return {"live": {
        "presentation": {"document_id": live_state.document_id, "page": live_state.page, "seq": live_state.seq,
                         "presenter_id": access.presenter_id(meeting, live_state)},
        "current_item_id": live_state.current_item_id,
        "item_started_at": live_state.item_started_at.isoformat() if live_state.item_started_at else None,
        "presence": state.presence_json(meeting),
        "floor": rows.floor_json(meeting),
    }}
