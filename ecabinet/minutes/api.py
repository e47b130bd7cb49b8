"""JSON API of the minutes: the draft and its revisions, saving, comparing, commenting, finalising."""
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts.auth import login_required
from ecabinet.core.api import error_response, get_json, int_field, iso, text_field
from ecabinet.core.errors import InvalidValue, NotFound
from ecabinet.extensions import db
from ecabinet.meetings.loaders import load_meeting
from ecabinet.minutes import facts, operations, signatures
from ecabinet.minutes.access import (
    can_comment_minutes, can_download_minutes_pdf, can_read_minutes, can_see_comments, can_set_signing_order,
    can_sign_minutes, can_verify_minutes, can_write_minutes, minutes_open_for_writing,
)
from ecabinet.minutes.content import compare, compose
from ecabinet.minutes.operations import StaleRevision

bp = Blueprint("minutes_api", __name__, url_prefix="/api/v1/meetings/<int:meeting_id>/minutes")
# minutes.pdf sits beside minutes/, not under it: a blueprint prefix always adds a slash.
files_bp = Blueprint("minutes_files", __name__, url_prefix="/api/v1/meetings/<int:meeting_id>")


def _author(user_id, full_name):
    return {"id": user_id, "full_name": full_name} if user_id else None


def revision_json(revision, *, with_content=True):
    data = {"number": revision.number, "saved_at": iso(revision.saved_at),
            "author": _author(revision.author_id, revision.author.full_name if revision.author else None)}
    if with_content:
        data["content"] = revision.content
    return data


def comment_json(comment):
    return {"id": comment.id, "revision": comment.revision.number, "text": comment.text,
            "created_at": iso(comment.created_at),
            "author": _author(comment.author_id, comment.author.full_name if comment.author else None)}


def minutes_json(meeting, user):
    """The draft as the caller may see it; `revision` 0 and the pre-fill before the first save."""
    minutes = operations.get_minutes(meeting)
    current = operations.current_revision(minutes)
    writer = can_write_minutes(user, meeting)
    final = bool(minutes and minutes.is_final)
    data = {
        "meeting_id": meeting.id,
        "status": minutes.status.value if minutes else "draft",
        "revision": current.number if current else 0,
        "saved_at": iso(current.saved_at) if current else None,
        "author": revision_json(current, with_content=False)["author"] if current else None,
        "content": current.content if current else compose(facts.build(meeting)),
        "revisions": [{"number": n, "saved_at": iso(at), "author": _author(uid, name)}
                      for n, at, uid, name in operations.revision_list(minutes)],
        "finalised_at": iso(minutes.finalised_at) if minutes else None,
        "finalised_by": _author(minutes.finalised_by_id, minutes.finalised_by.full_name)
        if minutes and minutes.finalised_by else None,
        "permissions": {
            "write": writer and not final and minutes_open_for_writing(meeting),
            "finalise": writer and not final and current is not None and operations.session_not_ended(meeting) is None,
            "comment": can_comment_minutes(user, meeting) and not final and current is not None,
        },
    }
    if can_see_comments(user, meeting):
        data["comments"] = [comment_json(c) for c in operations.comments(minutes)]
    if writer and not final and current is not None:
        # Whether a save now would bring in facts recorded since (a late check-in, a closed ballot).
        data["facts_changed"] = compose(facts.build(meeting), current.content) != current.content
    return data


def _stale_response(error):
    details = {"current": revision_json(error.current) if error.current else None}
    return error_response(error.code, error.message, 409, details)


@bp.route("", methods=["GET"])
@login_required
def get_minutes(meeting_id):
    meeting = load_meeting(meeting_id, can_read_minutes)
    return jsonify(minutes_json(meeting, current_user))


@bp.route("", methods=["PUT"])
@login_required
def save_minutes(meeting_id):
    """Save a revision: {base_revision, content}; 409 stale_revision (with the current one) when the
    draft moved on since base_revision."""
    meeting = load_meeting(meeting_id, can_write_minutes)
    data = get_json()
    if "content" not in data:
        raise InvalidValue(_("The field %(name)s is required.", name="content"), field="content")
    try:
        _revision, saved = operations.save_revision(meeting, data["content"], base_revision=data.get("base_revision"),
                                                    actor=current_user)
    except StaleRevision as error:
        db.session.rollback()
        return _stale_response(error)
    db.session.commit()
    return jsonify({**minutes_json(meeting, current_user), "saved": saved})


@bp.route("/finalise", methods=["POST"])
@login_required
def finalise_minutes(meeting_id):
    meeting = load_meeting(meeting_id, can_write_minutes)
    data = get_json() if request.data else {}
    try:
        operations.finalise(meeting, actor=current_user,
                            base_revision=int_field(data, "base_revision", minimum=0))
    except StaleRevision as error:
        db.session.rollback()
        return _stale_response(error)
    signatures.announce_changed(meeting)
    db.session.commit()
    return jsonify(minutes_json(meeting, current_user))


def _revision_or_404(meeting, number):
    found = operations.revision(operations.get_minutes(meeting), number)
    if found is None:
        raise NotFound(_("No such revision of the minutes."), code="revision_not_found")
    return found


@bp.route("/revisions/<int:number>", methods=["GET"])
@login_required
def get_revision(meeting_id, number):
    meeting = load_meeting(meeting_id, can_read_minutes)
    return jsonify(revision_json(_revision_or_404(meeting, number)))


@bp.route("/compare", methods=["GET"])
@login_required
def compare_revisions(meeting_id):
    """Per-field changes from revision a to revision b."""
    meeting = load_meeting(meeting_id, can_read_minutes)
    numbers = {name: int_field(request.args, name, required=True, minimum=1) for name in ("a", "b")}
    before, after = (_revision_or_404(meeting, numbers[name]) for name in ("a", "b"))
    return jsonify({"a": revision_json(before, with_content=False), "b": revision_json(after, with_content=False),
                    "changes": compare(before.content, after.content)})


@bp.route("/comments", methods=["POST"])
@login_required
def add_comment(meeting_id):
    meeting = load_meeting(meeting_id, can_comment_minutes)
    data = get_json()
    comment = operations.add_comment(meeting, text_field(data, "text", required=True, max_length=operations.MAX_COMMENT),
                                     actor=current_user, revision_number=int_field(data, "revision", minimum=1))
    db.session.commit()
    return jsonify(comment_json(comment)), 201


@files_bp.route("/minutes.pdf", methods=["GET"])
@login_required
def minutes_pdf(meeting_id):
    """The current minutes as a PDF: the newest signed copy once signing began, else the final
    revision, or the draft's latest (the pre-fill before the first save) marked DỰ THẢO."""
    from flask import send_file

    from ecabinet.minutes.pdf import minutes_pdf as rendered

    import io

    from ecabinet.minutes.signatures import latest_signed_pdf

    meeting = load_meeting(meeting_id, can_download_minutes_pdf)
    minutes = operations.get_minutes(meeting)
    signed = latest_signed_pdf(minutes)
    if signed is not None:
        return send_file(io.BytesIO(signed), mimetype="application/pdf", as_attachment=False,
                         download_name=f"bien-ban-phien-hop-{meeting.id}-da-ky.pdf", max_age=0)
    from ecabinet.minutes.signatures import blocks_for, signing_order

    current = operations.current_revision(minutes)
    final = bool(minutes and minutes.is_final)
    content = operations.draft_content(meeting, minutes)
    path = rendered(meeting, content, draft=not final, revision=current.number if current else None,
                    signers=blocks_for(signing_order(meeting, minutes, content), content))
    suffix = "" if final else f"-du-thao-{current.number if current else 0}"
    return send_file(path, mimetype="application/pdf", as_attachment=False,
                     download_name=f"bien-ban-phien-hop-{meeting.id}{suffix}.pdf", max_age=0)


def signature_json(row):
    return {"step": row.step, "role": row.role, "signed_at": iso(row.signed_at), "sha256": row.sha256,
            "signer": _author(row.signer_id, row.signer.full_name if row.signer else None)}


@bp.route("/signatures", methods=["POST"])
@login_required
def sign_minutes(meeting_id):
    """{pin}: the caller signs the final minutes in their turn. Wrong PIN 403, out of turn 409; nothing
    is stored then (only the wrong-PIN count, which locks the key after too many)."""
    from ecabinet.signing.operations import WrongPin

    meeting = load_meeting(meeting_id, can_sign_minutes)
    pin = text_field(get_json(), "pin", required=True, max_length=128)
    try:
        row = signatures.sign_minutes(meeting, current_user._get_current_object(), pin)
    except WrongPin:
        db.session.commit()  # the wrong-PIN count only: sign() wrote nothing else
        raise
    signatures.announce_changed(meeting)
    db.session.commit()
    return jsonify(signature_json(row)), 201


@bp.route("/verification", methods=["GET"])
@login_required
def verify_minutes(meeting_id):
    """The strict verifier's report on the signed minutes, and the signers still missing."""
    from ecabinet.signing.report import report_json

    meeting = load_meeting(meeting_id, can_verify_minutes)
    report, extra = signatures.verification(meeting)
    rows = signatures.signatures(operations.get_minutes(meeting))
    return jsonify({**report_json(report), **extra, "stored": [signature_json(r) for r in rows]})


def signers_json(meeting, user):
    """The signing order with who has signed and whose turn it is; for whoever may change it, whether
    they can now and the participants they may add."""
    minutes = operations.get_minutes(meeting)
    state = signatures.signing_state(meeting, minutes)
    started = any(entry["signed_at"] is not None for entry in state)
    data = {
        "final": bool(minutes and minutes.is_final),
        "signers_version": minutes.signers_version if minutes is not None else 0,
        "started": started,
        "complete": bool(state) and all(entry["signed_at"] is not None for entry in state),
        "signers": [{
            "position": position, "field": entry["slot"].field, "kind": entry["slot"].kind,
            "user_id": entry["slot"].user_id, "full_name": entry["slot"].full_name, "title": entry["slot"].title,
            "capacity": entry["slot"].capacity, "signs_as": entry["slot"].signs_as,
            "signed": entry["signed_at"] is not None, "signed_at": iso(entry["signed_at"]),
            "turn": entry["turn"],
        } for position, entry in enumerate(state, start=1)],
    }
    data["your_turn"] = any(entry["turn"] and entry["slot"].user_id == user.id for entry in state)
    if can_set_signing_order(user, meeting):
        content = operations.draft_content(meeting, minutes)
        data["can_change"] = not started and minutes_open_for_writing(meeting)
        data["candidates"] = [{"user_id": u.id, "full_name": u.full_name, "title": u.title}
                              for u in signatures.candidates(meeting, content)]
    return data


@bp.route("/signers", methods=["GET"])
@login_required
def get_signers(meeting_id):
    meeting = load_meeting(meeting_id, can_read_minutes)
    return jsonify(signers_json(meeting, current_user))


@bp.route("/signers", methods=["PUT"])
@login_required
def set_signers(meeting_id):
    """{signers: [{role: "secretary"} | {role: "chair"} | {user_id, title?}, …]} in signing order; 409
    signing_started once the first signature is given."""
    meeting = load_meeting(meeting_id, can_set_signing_order)
    data = get_json()
    if "signers" not in data:
        raise InvalidValue(_("The field %(name)s is required.", name="signers"), field="signers")
    signatures.set_signing_order(meeting, data["signers"], actor=current_user)
    signatures.announce_changed(meeting)
    db.session.commit()
    return jsonify(signers_json(meeting, current_user))
