"""The notice page: the secretariat edits the conclusions, previews the PDF, issues and signs it;
participants read the issued notice. Plain forms (no script needed). The session page's panel too."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts.auth import login_required
from ecabinet.core.errors import DomainError, NotFound
from ecabinet.extensions import db
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.models import MeetingStatus
from ecabinet.minutes import signatures
from ecabinet.notices import operations
from ecabinet.notices.access import can_read_notice, can_write_notice, notice_open_for_drafting

bp = Blueprint("notices", __name__)

_AFTER_THE_SESSION = {MeetingStatus.ENDED, MeetingStatus.ARCHIVED}


def notice_panel(meeting, user):
    """The session page's panel: the issued notice for whoever sees the session; the way to draft it
    for its writers once the minutes are final."""
    if meeting.status not in _AFTER_THE_SESSION:
        return None
    notice = operations.get_notice(meeting)
    issued = notice is not None and notice.is_issued
    if not can_read_notice(user, meeting, notice):
        return None
    if not issued and not (can_write_notice(user, meeting) and _minutes_final(meeting)):
        return None
    return "notices/_panel.html", {
        "notice": notice, "issued": issued, "url": url_for("notices.show", meeting_id=meeting.id),
        "pdf_url": url_for("notices_files.notice_pdf", meeting_id=meeting.id),
        "unread": issued and (row := operations.recipient_row(notice, user)) is not None and row.read_at is None,
        "writer": can_write_notice(user, meeting),
    }


def _minutes_final(meeting):
    try:
        operations.final_minutes_content(meeting)
        return True
    except DomainError:
        return False


def _load(meeting_id):
    meeting = load_meeting(meeting_id)
    notice = operations.get_notice(meeting)
    if not can_read_notice(current_user, meeting, notice):
        raise NotFound(_("No conclusions notice has been issued for this session yet."), code="notice_not_issued")
    return meeting, notice


def _render(meeting, notice, content=None, error=None, status=200, error_field=None):
    writer = can_write_notice(current_user, meeting)
    issued = notice is not None and notice.is_issued
    minutes_final = _minutes_final(meeting)
    if content is None and minutes_final:
        content = operations.notice_content(meeting, notice)
    missing = operations.missing_minutes_signers(meeting) if minutes_final else []
    editable = writer and not issued and minutes_final and notice_open_for_drafting(meeting)
    return render_template(
        "notices/show.html", meeting=meeting, notice=notice, content=content, issued=issued, writer=writer,
        editable=editable, minutes_final=minutes_final, missing=missing, error=error, error_field=error_field,
        can_issue=editable and not missing, archived=meeting.status == MeetingStatus.ARCHIVED,
        recipients=_in_protocol_order(meeting, operations.recipients(notice)) if writer and issued else [],
        item_titles={item.id: f"{item.number}. {item.title}" for item in meeting.agenda_items},
        # Whoever issues the notice waits for the minutes to be signed by everyone: the page hears it.
        follow=signatures.follow_state(meeting) if writer and not issued else None,
    ), status


def _in_protocol_order(meeting, rows):
    from ecabinet.meetings.queries import participants_in_protocol_order

    rank = {p.user_id: index for index, p in enumerate(participants_in_protocol_order(meeting))}
    return sorted(rows, key=lambda row: rank.get(row.user_id, len(rank)))


@bp.route("/meetings/<int:meeting_id>/notice")
@login_required
def show(meeting_id):
    meeting, notice = _load(meeting_id)
    return _render(meeting, notice)


def _submitted(form):
    """The draft as the form sent it (kept as typed when it is refused)."""
    conclusions = []
    for index in range(int(form.get("count") or 0) + 1):
        text = form.get(f"conclusion-{index}-text")
        if text is None:
            continue
        ident = form.get(f"conclusion-{index}-id")
        item = form.get(f"conclusion-{index}-item")
        conclusions.append({"id": int(ident) if ident and ident.isdigit() else None,
                            "agenda_item_id": int(item) if item and item.isdigit() else None, "text": text})
    return {
        "summary": form.get("summary", ""), "opening": form.get("opening", ""), "closing": form.get("closing", ""),
        "recipients": form.get("recipients", "").splitlines(), "authority_line": form.get("authority_line", ""),
        "signer_position": form.get("signer_position", ""), "conclusions": conclusions,
    }


@bp.route("/meetings/<int:meeting_id>/notice", methods=["POST"])
@login_required
def save(meeting_id):
    meeting = load_meeting(meeting_id, can_write_notice)
    submitted = _submitted(request.form)
    base = request.form.get("base_version", "")
    try:
        operations.save_draft(meeting, submitted, actor=current_user, base_version=int(base) if base.isdigit() else None)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        shown = {**submitted, "conclusions": [{**c, "number": n} for n, c in enumerate(submitted["conclusions"], 1)]}
        return _render(meeting, operations.get_notice(meeting), content=shown, error=error.message,
                       status=error.status, error_field=error.details.get("field"))
    flash(_("The draft notice was saved."), "success")
    return redirect(url_for("notices.show", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/notice/issue", methods=["POST"])
@login_required
def issue(meeting_id):
    from ecabinet.notices.delivery import email_notice
    from ecabinet.notices.events import broadcast_issued
    from ecabinet.signing.operations import WrongPin

    meeting = load_meeting(meeting_id, can_write_notice)
    try:
        notice = operations.issue(meeting, current_user._get_current_object(), request.form.get("pin") or "")
    except WrongPin as error:
        db.session.commit()  # the wrong-PIN count only
        flash(str(error.message), "error")
        return redirect(url_for("notices.show", meeting_id=meeting.id) + "#issue")
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("notices.show", meeting_id=meeting.id) + "#issue")
    broadcast_issued(notice)
    db.session.commit()
    sent = email_notice(notice)
    flash(_("The notice was signed and sent to the participants of the session.")
          + (" " + _("E-mails sent: %(n)d.", n=sent) if sent else ""), "success")
    return redirect(url_for("notices.show", meeting_id=meeting.id))
