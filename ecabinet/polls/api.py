"""JSON API of written polls: /api/v1/bodies/<id>/polls and /api/v1/polls/<id>/…"""
from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ecabinet.accounts.auth import login_required, require
from ecabinet.bodies.loaders import load_body
from ecabinet.bodies.models import SilenceRule
from ecabinet.core.api import choice_field, datetime_field, get_json, int_field, iso, text_field
from ecabinet.core.errors import InvalidInput, InvalidState, InvalidValue
from ecabinet.documents import operations as documents
from ecabinet.documents.storage import get_storage
from ecabinet.extensions import db
from ecabinet.polls import operations
from ecabinet.polls.access import (
    can_answer_poll, can_close_poll, can_create_poll, can_edit_poll, can_follow_answers, can_view_poll,
)
from ecabinet.polls.loaders import load_poll, load_poll_document
from ecabinet.polls.models import Poll, PollChoice, PollStatus
from ecabinet.polls.report import report_pdf

bp = Blueprint("polls_api", __name__, url_prefix="/api/v1")


def _tally_json(tally):
    return None if tally is None else {**tally.as_dict(), "result": tally.result}


def poll_json(poll, user):
    """What `user` may know of the poll: counts and comments once closed (the secretariat and the
    chair also while open), who has not answered to the secretariat and the chair."""
    follow = can_follow_answers(user, poll)
    closed = poll.status == PollStatus.CLOSED
    live = operations.current_tallies(poll) if poll.status == PollStatus.OPEN and follow else {}
    mine = operations.answers_of(poll, user)
    answers = operations.all_answers(poll) if closed or follow else []
    names = {r.user_id: r.user.full_name for r in poll.recipients}
    questions = []
    for question in poll.questions:
        data = {"id": question.id, "position": question.position, "text": question.text}
        if closed:
            data["counts"] = _tally_json(operations.stored_tally(question))
        elif question.id in live:
            data["counts"] = _tally_json(live[question.id])
        if closed or follow:
            data["comments"] = [{"user_id": a.user_id, "full_name": names.get(a.user_id), "choice": a.choice.value,
                                 "comment": a.comment} for a in answers if a.question_id == question.id and a.comment]
        if question.id in mine:
            data["my_answer"] = {"choice": mine[question.id].choice.value, "comment": mine[question.id].comment,
                                 "updated_at": iso(mine[question.id].updated_at)}
        questions.append(data)
    data = {
        "id": poll.id, "body_id": poll.body_id, "title": poll.title, "description": poll.description,
        "status": poll.status.value, "deadline": iso(operations.effective_deadline(poll)),
        "deadline_is_default": poll.deadline is None,
        "silence_counts_as": (poll.silence_counts_as or SilenceRule(poll.body.poll_silence_counts_as)).value,
        "decision_rule": (poll.decision_rule or poll.body.decision_rule).value,
        "member_total": poll.member_total, "sent_at": iso(poll.sent_at), "closed_at": iso(poll.closed_at),
        "close_reason": poll.close_reason.value if poll.close_reason else None,
        "questions": questions,
        "documents": [{"id": d.id, "title": d.title, "filename": d.filename, "page_count": d.page_count,
                       "size": d.size, "sha256": d.sha256,
                       "url": url_for("polls_api.document_file", poll_id=poll.id, document_id=d.id)}
                      for d in poll.documents],
        "can_answer": poll.status == PollStatus.OPEN and can_answer_poll(user, poll),
        "may_change_answer": True,
        "permissions": {"edit": can_edit_poll(user, poll),
                        "close": poll.status == PollStatus.OPEN and can_close_poll(user, poll),
                        "follow": follow},
    }
    if poll.status != PollStatus.DRAFT and follow:
        data["answered_count"] = poll.member_total - len(operations.not_answered(poll))
        data["not_answered"] = [r.user_id for r in operations.not_answered(poll)]
    if closed:
        data["report_url"] = url_for("polls_api.report", poll_id=poll.id)
    return data


def _poll_fields(data):
    questions = data.get("questions")
    if not isinstance(questions, list) or not all(isinstance(q, (dict, str)) for q in questions):
        raise InvalidValue(_("questions must be a list of {\"text\": …}."), field="questions")
    texts = [q if isinstance(q, str) else text_field(q, "text", max_length=operations.MAX_TEXT) for q in questions]
    return dict(title=text_field(data, "title", required=True, max_length=500),
                description=text_field(data, "description", max_length=10000),
                questions=texts, deadline=datetime_field(data, "deadline"),
                silence_counts_as=choice_field(data, "silence_counts_as", [r.value for r in SilenceRule]))


def _documents_from_sessions(poll, ids):
    """Attach the current version of session documents of the same body the caller may read."""
    from ecabinet.documents.loaders import load_document

    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise InvalidValue(_("document_ids must be a list of document ids."), field="document_ids")
    for document_id in ids:
        document = load_document(document_id)
        if document.meeting.body_id != poll.body_id:
            raise InvalidValue(_("The document belongs to a session of another body."), field="document_ids")
        version = document.current
        prepared = documents.PreparedFile(version.sha256, version.size, version.page_count, version.filename)
        operations.add_document(poll, prepared, actor=current_user, title=document.title)


@bp.route("/bodies/<int:body_id>/polls", methods=["GET"])
@login_required
def list_polls(body_id):
    body = load_body(body_id)
    polls = db.session.execute(select(Poll).where(Poll.body_id == body.id).order_by(Poll.id.desc())).scalars()
    return jsonify({"polls": [{"id": p.id, "title": p.title, "status": p.status.value,
                               "deadline": iso(operations.effective_deadline(p))}
                              for p in polls if can_view_poll(current_user, p)]})


@bp.route("/bodies/<int:body_id>/polls", methods=["POST"])
@login_required
def create_poll(body_id):
    body = load_body(body_id)
    require(can_create_poll, body)
    data = get_json()
    poll = operations.create_poll(body, actor=current_user, **_poll_fields(data))
    if data.get("document_ids"):
        _documents_from_sessions(poll, data["document_ids"])
    db.session.commit()
    return jsonify(poll_json(poll, current_user)), 201


@bp.route("/polls/<int:poll_id>", methods=["GET"])
@login_required
def get_poll(poll_id):
    return jsonify(poll_json(load_poll(poll_id), current_user))


@bp.route("/polls/<int:poll_id>", methods=["PATCH"])
@login_required
def update_poll(poll_id):
    poll = load_poll(poll_id, can_edit_poll)
    current = {"title": poll.title, "description": poll.description, "questions": [q.text for q in poll.questions],
               "deadline": iso(poll.deadline),
               "silence_counts_as": poll.silence_counts_as.value if poll.silence_counts_as else None}
    operations.update_poll(poll, actor=current_user, **_poll_fields({**current, **get_json()}))
    db.session.commit()
    return jsonify(poll_json(poll, current_user))


@bp.route("/polls/<int:poll_id>/send", methods=["POST"])
@login_required
def send_poll(poll_id):
    poll = load_poll(poll_id, can_edit_poll)
    operations.send_poll(poll, actor=current_user)
    db.session.commit()
    return jsonify(poll_json(poll, current_user))


@bp.route("/polls/<int:poll_id>/close", methods=["POST"])
@login_required
def close_poll(poll_id):
    poll = load_poll(poll_id, can_close_poll)
    operations.close_poll(poll, actor=current_user)
    db.session.commit()
    return jsonify(poll_json(poll, current_user))


def parse_answers(data):
    answers = data.get("answers")
    if not isinstance(answers, list) or not answers or not all(isinstance(a, dict) for a in answers):
        raise InvalidValue(_("answers must be a non-empty list of {question_id, choice, comment?}."), field="answers")
    return [(int_field(a, "question_id", required=True, minimum=1),
             choice_field(a, "choice", [c.value for c in PollChoice], required=True),
             text_field(a, "comment", max_length=operations.MAX_TEXT)) for a in answers]


@bp.route("/polls/<int:poll_id>/answers", methods=["POST"])
@login_required
def answer_poll(poll_id):
    poll = load_poll(poll_id, can_answer_poll)
    operations.answer_poll(poll, current_user, parse_answers(get_json()))
    db.session.commit()
    db.session.expire_all()
    return jsonify({"ok": True, "poll": poll_json(db.session.get(Poll, poll_id), current_user)}), 201


@bp.route("/polls/<int:poll_id>/documents", methods=["POST"])
@login_required
def upload_document(poll_id):
    poll = load_poll(poll_id, can_edit_poll)
    if poll.status != PollStatus.DRAFT:
        raise InvalidState(_("This poll has been sent; it can no longer be changed."), code="poll_not_draft")
    files = request.files.getlist("file")
    if len(files) != 1 or not files[0].filename:
        raise InvalidInput(_("Attach the file in the multipart field \"file\"."), code="file_missing")
    prepared = documents.prepare_file(documents.receive_upload(files[0].stream, files[0].filename))
    try:
        document = operations.add_document(poll, prepared, actor=current_user, title=request.form.get("title"))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        documents.discard_if_unreferenced([prepared.sha256])
        raise
    return jsonify({"id": document.id, "title": document.title, "sha256": document.sha256,
                    "page_count": document.page_count, "size": document.size}), 201


@bp.route("/polls/<int:poll_id>/documents/<int:document_id>", methods=["DELETE"])
@login_required
def delete_document(poll_id, document_id):
    poll = load_poll(poll_id, can_edit_poll)
    document = load_poll_document(poll, document_id)
    operations.remove_document(poll, document, actor=current_user)
    db.session.commit()
    documents.discard_if_unreferenced([document.sha256])
    return "", 204


@bp.route("/polls/<int:poll_id>/documents/<int:document_id>/file", methods=["GET"])
@login_required
def document_file(poll_id, document_id):
    from ecabinet.documents.delivery import send_path

    poll = load_poll(poll_id)
    document = load_poll_document(poll, document_id)
    return send_path(get_storage().local_path(document.sha256), document.sha256, document.filename, immutable=True)


@bp.route("/polls/<int:poll_id>/report.pdf", methods=["GET"])
@login_required
def report(poll_id):
    from flask import send_file

    poll = load_poll(poll_id)
    if poll.status != PollStatus.CLOSED:
        raise InvalidState(_("The summary report exists once the poll is closed."), code="poll_not_closed")
    return send_file(report_pdf(poll), mimetype="application/pdf", as_attachment=False,
                     download_name=f"bao-cao-phieu-lay-y-kien-{poll.id}.pdf", max_age=0)
