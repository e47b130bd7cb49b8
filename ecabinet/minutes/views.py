"""The minutes page: the secretary's editor, the chair's comments, everyone else's read-only view."""
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts.auth import login_required
from ecabinet.core.errors import DomainError
from ecabinet.documents.models import KIND_LABELS, DocumentKind
from ecabinet.extensions import db
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.models import ATTENDANCE_LABELS, Attendance, MeetingStatus
from ecabinet.minutes import operations, signatures
from ecabinet.minutes.access import can_comment_minutes, can_read_minutes
from ecabinet.minutes.api import minutes_json, signers_json

bp = Blueprint("minutes", __name__)

# Sessions whose minutes are worth opening from the session page (a published session has none yet
# for most; its secretary may start drafting, see minutes_header_action).
_STARTED = {MeetingStatus.LIVE, MeetingStatus.ENDED, MeetingStatus.ARCHIVED}


def minutes_header_action(meeting, user):
    """The way to the minutes from the session page: once the session has started, for whoever may read
    them; the writer sees "write", everyone else "read"."""
    if not can_read_minutes(user, meeting) or meeting.status not in _STARTED:
        return None
    return "minutes/_header_action.html", {"url": url_for("minutes.show", meeting_id=meeting.id)}


def minutes_to_sign_context():
    """`minutes_to_sign`: the sessions whose minutes wait for the signed-in user's signature now (the
    notice on the home page)."""
    if not current_user.is_authenticated or request.endpoint != "meetings.home":
        return {}
    return {"minutes_to_sign": signatures.awaiting_signature(current_user)}


def _strings():
    """The editor's words, for static/js/minutes/editor.js (a JSON data block: no inline script)."""
    return {
        "saved_at": _("Saved at %(time)s"),
        "saving": _("Saving…"),
        "unsaved": _("Unsaved changes"),
        "save_failed": _("Not saved: %(message)s. Your text is still here; it will be saved again."),
        "offline": _("No connection. Your text is still here; it will be saved when the connection returns."),
        "discussion": _("Discussion"),
        "conclusion": _("Conclusion"),
        "state": _("Attendance"),
        "reason": _("Reason"),
        "summary": _("Summary"),
        "place": _("Place"),
        "item": _("Item %(n)s"),
        "no_changes": _("No differences."),
        "added": _("added"),
        "removed": _("removed"),
        "changed": _("changed"),
        "revision": _("Revision %(n)s"),
        "empty": _("(empty)"),
        "mine": _("Your text (not saved)"),
        "not_saved": _("Not saved"),
        "conflict": _("%(name)s saved revision %(n)s at %(time)s on %(date)s while you were typing. Your text "
                      "has not been saved and is still on this page: compare, then choose."),
        "finalise_failed": _("The minutes could not be finalised: %(message)s"),
        # signing (static/js/minutes/signing.js)
        "pin_required": _("Enter your PIN."),
        "sign_network": _("The server could not be reached. Nothing was signed; try again."),
        "sign_failed": _("Not signed: %(message)s"),
        "signed_now": _("Signed. Checking the signatures…"),
        "move_up": _("Move up"),
        "move_down": _("Move down"),
        "remove": _("Remove"),
        "capacity": _("Capacity over the signature"),
        "order_failed": _("The signing order was not saved: %(message)s"),
        "choose_signer": _("Choose a participant to add."),
        "verdict_valid": _("Valid: every signature is intact and trusted, and nothing was changed after signing."),
        "verdict_waiting": _("The signatures given so far are valid; the minutes are not complete until everyone "
                             "has signed (still to sign: %(names)s)."),
        "verdict_invalid": _("Not valid: this copy must not be relied on."),
        "verdict_none": _("No signature yet."),
        "verification_failed": _("The signatures could not be checked: %(message)s"),
        "signer": _("Signer"),
        "subject": _("Certificate"),
        "issuer": _("Issued by"),
        "signing_time": _("Signing time"),
        "timestamp": _("Timestamp"),
        "no_timestamp": _("none (the time is the signer's computer's)"),
        "intact": _("Content intact"),
        "trusted": _("Trusted certificate"),
        "modified_after": _("Changed after signing"),
        "yes": _("Yes"),
        "no": _("No"),
        "valid": _("Valid"),
        "not_valid": _("Not valid"),
        "certifies": _("Certifies the document"),
    }


@bp.route("/meetings/<int:meeting_id>/minutes")
@login_required
def show(meeting_id):
    return _show_page(load_meeting(meeting_id, can_read_minutes))


def _show_page(meeting, comment_text=None, comment_error=None, status=200):
    """The minutes page; a refused comment comes back in its box with the reason under it."""
    data = minutes_json(meeting, current_user)
    not_ended = operations.session_not_ended(meeting)
    return render_template(
        "minutes/show.html", meeting=meeting, minutes=data, content=data["content"],
        comment_text=comment_text, comment_error=comment_error,
        finalise_refusal=str(not_ended.message) if not_ended and data["status"] != "final" else None,
        editable=data["permissions"]["write"], when=_when,
        attendance_labels={state.value: str(ATTENDANCE_LABELS[state]) for state in Attendance},
        kind_labels={kind.value: str(KIND_LABELS[kind]) for kind in DocumentKind},
        strings=_strings(), labels=_labels(data["content"]), signing=signers_json(meeting, current_user),
        follow=signatures.follow_state(meeting)), status


def _labels(content):
    """Names for the fields a comparison lists: items by number and title, people by name."""
    return {
        "items": {str(i["agenda_item_id"]): f'{i.get("number") or "–"}. {i.get("title") or ""}' for i in content["items"]},
        "people": {str(p["user_id"]): p["full_name"] for p in content["attendance"]},
        "attendance": {state.value: str(ATTENDANCE_LABELS[state]) for state in Attendance},
    }


def _when(value):
    """An ISO 8601 string of the content as an aware datetime for the date filters (None stays None)."""
    return datetime.fromisoformat(value) if value else None


@bp.route("/meetings/<int:meeting_id>/minutes/comments", methods=["POST"])
@login_required
def comment(meeting_id):
    """The chair's comment from the page's form (no script needed)."""
    meeting = load_meeting(meeting_id, can_comment_minutes)
    text = request.form.get("text") or ""
    try:
        operations.add_comment(meeting, text, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        return _show_page(load_meeting(meeting_id, can_comment_minutes), text, str(error.message), error.status)
    db.session.commit()
    flash(_("Your comment was sent to the secretary."), "success")
    return redirect(url_for("minutes.show", meeting_id=meeting.id) + "#comments")
