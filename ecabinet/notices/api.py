"""JSON API of the conclusions notice: the draft, saving it, issuing (signing) it, the PDF, the
verification report, and the list of notices sent to the caller."""
import io

from flask import Blueprint, jsonify, send_file
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts.auth import login_required
from ecabinet.core.api import error_response, get_json, iso, text_field
from ecabinet.core.db import utcnow
from ecabinet.core.errors import InvalidState, NotFound
from ecabinet.core.timeutil import to_local
from ecabinet.extensions import db
from ecabinet.meetings.loaders import load_meeting
from ecabinet.notices import operations
from ecabinet.notices.access import can_read_notice, can_see_notices_of, can_write_notice, notice_open_for_drafting
from ecabinet.notices.operations import StaleNotice

bp = Blueprint("notices_api", __name__, url_prefix="/api/v1/meetings/<int:meeting_id>/notice")
# notice.pdf sits beside notice/, and the caller's own list is not under a session.
files_bp = Blueprint("notices_files", __name__, url_prefix="/api/v1")


def _person(user_id, user):
    return {"id": user_id, "full_name": user.full_name} if user_id and user is not None else None


def notice_json(meeting, notice, user):
    """The notice as the caller may see it: the saved draft or the pre-fill for its writers, the issued
    notice for everyone who sees the session."""
    writer = can_write_notice(user, meeting)
    content = operations.notice_content(meeting, notice)
    issued = bool(notice and notice.is_issued)
    data = {
        "meeting_id": meeting.id,
        "status": notice.status.value if notice else "draft",
        "saved": notice is not None,
        "version": notice.version if notice else 0,
        **content,
        "updated_at": iso(notice.updated_at) if notice else None,
        "issued_at": iso(notice.issued_at) if issued else None,
        "issued_by": _person(notice.issued_by_id, notice.issued_by) if issued else None,
        "sha256": notice.sha256 if issued else None,
        "pdf_url": f"/api/v1/meetings/{meeting.id}/notice.pdf",
    }
    if writer:
        missing = operations.missing_minutes_signers(meeting)
        open_ = not issued and notice_open_for_drafting(meeting)
        data["missing_minutes_signers"] = missing
        data["permissions"] = {"write": open_, "issue": open_ and not missing}
        if issued:
            data["recipients_delivered"] = [
                {"user_id": r.user_id, "full_name": r.user.full_name, "emailed_at": iso(r.emailed_at),
                 "read_at": iso(r.read_at)} for r in operations.recipients(notice)]
    else:
        data["permissions"] = {"write": False, "issue": False}
    return data


def load_notice(meeting_id):
    """(meeting, notice) for the caller: 404 unless they see the session and (for a draft) write it."""
    meeting = load_meeting(meeting_id, can_see_notices_of)
    notice = operations.get_notice(meeting)
    if not can_read_notice(current_user, meeting, notice):
        raise NotFound(_("No conclusions notice has been issued for this session yet."), code="notice_not_issued")
    return meeting, notice


@bp.route("", methods=["GET"])
@login_required
def get_notice(meeting_id):
    meeting, notice = load_notice(meeting_id)
    return jsonify(notice_json(meeting, notice, current_user))


@bp.route("", methods=["PUT"])
@login_required
def save_notice(meeting_id):
    """Save the draft: any of {summary, opening, closing, recipients, authority_line, signer_position,
    conclusions: [{id?, agenda_item_id?, text}]} with `base_version`; 409 stale_notice when it moved on."""
    meeting = load_meeting(meeting_id, can_write_notice)
    data = get_json()
    try:
        notice = operations.save_draft(meeting, data, actor=current_user, base_version=data.get("base_version"))
    except StaleNotice as error:
        db.session.rollback()
        return error_response(error.code, error.message, 409, {"current_version": error.current_version})
    db.session.commit()
    return jsonify(notice_json(meeting, notice, current_user))


@bp.route("/signatures", methods=["POST"])
@login_required
def issue_notice(meeting_id):
    """{pin}: the caller signs and issues the notice; it goes to the session's participants (in the
    app, and by e-mail where SMTP is configured). Wrong PIN 403; minutes not signed, already issued 409."""
    from ecabinet.notices.delivery import email_notice
    from ecabinet.notices.events import broadcast_issued
    from ecabinet.signing.operations import WrongPin

    meeting = load_meeting(meeting_id, can_write_notice)
    pin = text_field(get_json(), "pin", required=True, max_length=128)
    try:
        notice = operations.issue(meeting, current_user._get_current_object(), pin)
    except WrongPin:
        db.session.commit()  # the wrong-PIN count only: nothing else was written
        raise
    broadcast_issued(notice)
    db.session.commit()
    email_notice(notice)
    return jsonify(notice_json(meeting, notice, current_user)), 201


@bp.route("/verification", methods=["GET"])
@login_required
def verify_notice(meeting_id):
    """The strict verifier's report on the signed notice."""
    from ecabinet.signing.operations import verify
    from ecabinet.signing.report import report_json

    meeting, notice = load_notice(meeting_id)
    if notice is None or not notice.is_issued:
        raise InvalidState(_("The notice has not been issued yet."), code="notice_not_issued")
    return jsonify({**report_json(verify(notice.pdf)), "sha256": notice.sha256})


@files_bp.route("/meetings/<int:meeting_id>/notice.pdf", methods=["GET"])
@login_required
def notice_pdf(meeting_id):
    """The signed notice once issued (opening it marks it read); before that, to its writers, the draft
    as it would be issued today, marked DỰ THẢO."""
    from ecabinet.notices.delivery import file_name
    from ecabinet.notices.notice_pdf import preview

    meeting, notice = load_notice(meeting_id)
    if notice is not None and notice.is_issued:
        operations.mark_read(notice, current_user)
        db.session.commit()
        return send_file(io.BytesIO(notice.pdf), mimetype="application/pdf", download_name=file_name(meeting),
                         max_age=0)
    data = preview(meeting, operations.notice_content(meeting, notice), signer_name=current_user.full_name,
                   day=to_local(utcnow()).date())
    return send_file(io.BytesIO(data), mimetype="application/pdf", max_age=0,
                     download_name=f"thong-bao-ket-luan-phien-hop-{meeting.id}-du-thao.pdf")


@files_bp.route("/notices", methods=["GET"])
@login_required
def my_notices():
    """The conclusions notices sent to the caller, newest first, with whether they opened each."""
    return jsonify({"notices": [
        {"meeting_id": meeting.id, "meeting_title": meeting.title, "body": meeting.body.name,
         "issued_at": iso(notice.issued_at), "delivered_at": iso(row.delivered_at), "read_at": iso(row.read_at),
         "conclusions": len(notice.conclusions), "pdf_url": f"/api/v1/meetings/{meeting.id}/notice.pdf",
         "page_url": f"/meetings/{meeting.id}/notice"}
        for notice, row, meeting in operations.notices_for(current_user)]})
