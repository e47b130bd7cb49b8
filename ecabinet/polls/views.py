"""Pages: the polls of my bodies, the secretariat's draft (edit, documents, send), the member's answer
page, the results; the notice of polls waiting for my answer."""
from types import SimpleNamespace

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ecabinet.accounts.auth import login_required, require
from ecabinet.accounts.forms import ConfirmForm
from ecabinet.bodies.loaders import load_body
from ecabinet.bodies.models import SILENCE_RULE_LABELS, Body, SilenceRule
from ecabinet.core.db import utcnow
from ecabinet.core.errors import DomainError
from ecabinet.core.timeutil import LOCAL_TZ, to_local
from ecabinet.core.web import apply_form, form_page_status
from ecabinet.documents import operations as documents
from ecabinet.extensions import db
from ecabinet.polls import operations
from ecabinet.polls.access import (
    can_answer_poll, can_close_poll, can_create_poll, can_edit_poll, can_follow_answers, can_view_poll,
)
from ecabinet.polls.forms import PollDocumentForm, PollForm
from ecabinet.polls.loaders import load_poll, load_poll_document
from ecabinet.polls.models import CHOICE_LABELS, Poll, PollChoice, PollDocument, PollStatus

bp = Blueprint("polls", __name__)


def blob_in_use(sha256):
    """A stored file a poll still sends (documents.operations must not delete it)."""
    return bool(db.session.execute(select(func.count()).select_from(PollDocument)
                                   .where(PollDocument.sha256 == sha256)).scalar())


def pending_polls_context():
    """`pending_polls`: open polls waiting for the signed-in member's answer (the notice on the home page)."""
    if not current_user.is_authenticated or request.endpoint not in ("meetings.home", "polls.index"):
        return {}
    return {"pending_polls": operations.pending_for(current_user)}


def poll_way_back(view_args, user):
    """An error page under a poll's address leads back to the poll, if the user may see it."""
    poll_id = view_args.get("poll_id")
    if not poll_id or not getattr(user, "is_authenticated", False):
        return None
    poll = db.session.get(Poll, poll_id)
    if poll is None or not can_view_poll(user, poll):
        return None
    return _("Back to the poll"), url_for("polls.show", poll_id=poll.id)


def _my_bodies():
    ids = {place.body_id for place in current_user.roster}
    return db.session.execute(select(Body).where(Body.id.in_(ids)).order_by(Body.id)).scalars().all() if ids else []


@bp.route("/polls")
@login_required
def index():
    bodies = _my_bodies()
    polls = db.session.execute(select(Poll).where(Poll.body_id.in_([b.id for b in bodies]))
                               .order_by(Poll.id.desc())).scalars().all() if bodies else []
    polls = [p for p in polls if can_view_poll(current_user, p)]
    groups = [(_("Open for answers"), [p for p in polls if p.status == PollStatus.OPEN]),
              (_("Drafts"), [p for p in polls if p.status == PollStatus.DRAFT]),
              (_("Closed"), [p for p in polls if p.status == PollStatus.CLOSED])]
    answered = {p.id: len(operations.answers_of(p, current_user)) for p in polls if p.status == PollStatus.OPEN}
    return render_template("polls/index.html", groups=groups, answered=answered,
                           creatable=[b for b in bodies if can_create_poll(current_user, b)],
                           effective_deadline=operations.effective_deadline)


def _silence_choices(body):
    default = SILENCE_RULE_LABELS[SilenceRule(body.poll_silence_counts_as)]
    return [("", _("As the body's working rules say (%(rule)s)", rule=default))] + \
        [(rule.value, label) for rule, label in SILENCE_RULE_LABELS.items()]


def _form_values(form):
    deadline = form.deadline.data.replace(tzinfo=LOCAL_TZ) if form.deadline.data else None
    return dict(title=form.title.data, description=form.description.data,
                questions=[line for line in (form.questions.data or "").splitlines() if line.strip()],
                deadline=deadline, silence_counts_as=form.silence_counts_as.data or None)


@bp.route("/bodies/<int:body_id>/polls/new", methods=["GET", "POST"])
@login_required
def new_poll(body_id):
    body = load_body(body_id)
    require(can_create_poll, body)
    form = PollForm()
    form.silence_counts_as.choices = _silence_choices(body)
    if form.validate_on_submit():
        poll, refusal = apply_form(form, lambda: operations.create_poll(body, actor=current_user,
                                                                         **_form_values(form)))
        if refusal is None:
            flash(_("Draft saved. Attach the documents, then send it to the members."), "success")
            return redirect(url_for("polls.edit", poll_id=poll.id))
    return render_template("polls/form.html", form=form, body=body, poll=None,
                           default_deadline=operations.default_deadline(body))


@bp.route("/polls/<int:poll_id>/edit", methods=["GET", "POST"])
@login_required
def edit(poll_id):
    poll = load_poll(poll_id, can_edit_poll)
    if poll.status != PollStatus.DRAFT:
        return redirect(url_for("polls.show", poll_id=poll.id))
    form, refusal = _edit_form(poll), None
    if form.validate_on_submit():
        _done, refusal = apply_form(form, lambda: operations.update_poll(poll, actor=current_user,
                                                                         **_form_values(form)))
        if refusal is None:
            flash(_("Draft saved."), "success")
            return redirect(url_for("polls.edit", poll_id=poll.id))
        poll = load_poll(poll_id)
    status = form_page_status(form, refusal)
    return _edit_page(poll, form, PollDocumentForm(formdata=None), status)


def _edit_form(poll, **options):
    form = PollForm(data=dict(
        title=poll.title, description=poll.description, questions="\n".join(q.text for q in poll.questions),
        deadline=to_local(poll.deadline).replace(tzinfo=None) if poll.deadline else None,
        silence_counts_as=poll.silence_counts_as.value if poll.silence_counts_as else ""), **options)
    form.silence_counts_as.choices = _silence_choices(poll.body)
    return form


def _edit_page(poll, form, document_form, status=200):
    """The draft's page; a refused form of it (the draft, an attachment) comes back filled in. Sending
    is offered with a confirmation only when nothing refuses it (operations.send_refusal)."""
    refusal = operations.send_refusal(poll)
    return render_template("polls/form.html", form=form, body=poll.body, poll=poll,
                           document_form=document_form, confirm_form=ConfirmForm(),
                           default_deadline=operations.effective_deadline(poll),
                           roster=operations.voting_roster(poll.body),
                           send_refusal=str(refusal.message) if refusal else None), status


@bp.route("/polls/<int:poll_id>/documents/upload", methods=["POST"])
@login_required
def upload_document(poll_id):
    poll = load_poll(poll_id, can_edit_poll)
    form = PollDocumentForm()
    if not form.validate_on_submit():
        return _edit_page(poll, _edit_form(poll, formdata=None), form, 422)
    prepared = None
    try:
        prepared = documents.prepare_file(documents.receive_upload(form.file.data.stream, form.file.data.filename))
        operations.add_document(poll, prepared, actor=current_user, title=form.title.data)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if prepared is not None:
            documents.discard_if_unreferenced([prepared.sha256])
        poll = load_poll(poll_id)
        if poll.status != PollStatus.DRAFT:  # sent meanwhile: no draft page to show again
            flash(str(error.message), "error")
            return redirect(url_for("polls.show", poll_id=poll.id))
        form.file.errors.append(str(error.message))  # the file was refused: the title typed stays
        return _edit_page(poll, _edit_form(poll, formdata=None), form, error.status)
    flash(_("Document attached."), "success")
    return redirect(url_for("polls.edit", poll_id=poll.id) + "#documents")


@bp.route("/polls/<int:poll_id>/documents/<int:document_id>/delete", methods=["POST"])
@login_required
def delete_document(poll_id, document_id):
    poll = load_poll(poll_id, can_edit_poll)
    document = load_poll_document(poll, document_id)
    if ConfirmForm().validate_on_submit():
        try:
            operations.remove_document(poll, document, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            documents.discard_if_unreferenced([document.sha256])
            flash(_("Document removed."), "success")
    return redirect(url_for("polls.edit", poll_id=poll.id) + "#documents")


def _post_action(poll, action, done_message):
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Please reload the page and try again."), "error")
        return
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(done_message, "success")


@bp.route("/polls/<int:poll_id>/send", methods=["POST"])
@login_required
def send(poll_id):
    poll = load_poll(poll_id, can_edit_poll)
    _post_action(poll, lambda: operations.send_poll(poll, actor=current_user),
                 _("The poll was sent to the members."))
    return redirect(url_for("polls.show", poll_id=poll.id))


@bp.route("/polls/<int:poll_id>/close", methods=["POST"])
@login_required
def close(poll_id):
    poll = load_poll(poll_id, can_close_poll)
    _post_action(poll, lambda: operations.close_poll(poll, actor=current_user),
                 _("The poll was closed; its result is final."))
    return redirect(url_for("polls.show", poll_id=poll.id))


@bp.route("/polls/<int:poll_id>")
@login_required
def show(poll_id):
    return _show_page(load_poll(poll_id))


def _show_page(poll, typed=None, answer_error=None, status=200):
    """The poll's page. `typed` ({question id: (choice, comment)}) are refused answers, shown again as they
    were given, with `answer_error` at the top of the answer form."""
    follow = can_follow_answers(current_user, poll)
    closed = poll.status == PollStatus.CLOSED
    tallies = ({q.id: operations.stored_tally(q) for q in poll.questions} if closed
               else operations.current_tallies(poll) if poll.status == PollStatus.OPEN and follow else {})
    answers = operations.all_answers(poll) if closed or follow else []
    return render_template(
        "polls/show.html", poll=poll, tallies=tallies, answers=answers, follow=follow,
        mine=operations.answers_of(poll, current_user), typed=_typed_answers(typed), answer_error=answer_error,
        can_answer=poll.status == PollStatus.OPEN and can_answer_poll(current_user, poll)
        and operations.effective_deadline(poll) > utcnow(),
        can_close=poll.status == PollStatus.OPEN and can_close_poll(current_user, poll),
        can_edit=poll.status == PollStatus.DRAFT and can_edit_poll(current_user, poll),
        recipients=operations.recipients_in_order(poll),
        answered_counts=_answered_counts(answers),
        choices=list(CHOICE_LABELS.items()), choice_labels={c.value: label for c, label in CHOICE_LABELS.items()},
        confirm_form=ConfirmForm()), status


def _typed_answers(typed):
    """{question id: answer-like (choice, comment)} of refused answers, to show them again as given."""
    shown = {}
    for question_id, (choice, comment) in (typed or {}).items():
        try:
            choice = PollChoice(choice) if choice else None
        except ValueError:
            choice = None
        shown[question_id] = SimpleNamespace(choice=choice, comment=comment)
    return shown


def _answered_counts(answers):
    """{user_id: how many questions they answered}."""
    counts = {}
    for answer in answers:
        counts[answer.user_id] = counts.get(answer.user_id, 0) + 1
    return counts


@bp.route("/polls/<int:poll_id>/answer", methods=["POST"])
@login_required
def answer(poll_id):
    poll = load_poll(poll_id, can_answer_poll)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Please reload the page and try again."), "error")
        return redirect(url_for("polls.show", poll_id=poll.id))
    given, typed = [], {}
    for question in poll.questions:
        choice = request.form.get(f"choice-{question.id}")
        comment = request.form.get(f"comment-{question.id}") or ""
        if choice or comment.strip():
            typed[question.id] = (choice, comment)
        if choice in {c.value for c in PollChoice}:
            given.append((question.id, choice, comment))
    if not given:
        return _show_page(poll, typed, _("Choose an answer for at least one question."), 422)
    try:
        operations.answer_poll(poll, current_user, given)
    except DomainError as error:
        db.session.rollback()
        return _show_page(load_poll(poll_id), typed, str(error.message), error.status)
    db.session.commit()
    flash(_("Your answers were recorded. You may change them until the deadline."), "success")
    return redirect(url_for("polls.show", poll_id=poll.id))
