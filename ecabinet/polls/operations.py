"""Written polls: state changes. They enforce the rules, flush and audit; the caller commits.

Two writes race by design and are settled by the database, not by the code's timing:
- closing (the deadline job in every server process, the cron tick, the chair): a conditional
  UPDATE … WHERE status = 'open' claims the poll, so exactly one of them closes it and stores
  the counts;
- answering: each answer first touches the poll row with the same condition (status open, deadline
  not passed), which serialises it against a close, then upserts against the unique constraint
  (question, member), so two tablets answering at once leave one answer.
"""
import unicodedata
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from ecabinet.audit.operations import record
from ecabinet.bodies.models import COUNTED_ROLES, DecisionRule, RosterRole, SilenceRule, TieRule
from ecabinet.bodies.operations import calendar_overrides
from ecabinet.bodies.ordering import protocol_sorted
from ecabinet.bodies.workdays import add_working_days
from ecabinet.core.db import utcnow
from ecabinet.core.errors import InvalidState, InvalidValue, NotAllowed
from ecabinet.core.timeutil import LOCAL_TZ, to_local
from ecabinet.extensions import db
from ecabinet.polls import rules
from ecabinet.polls.models import (
    CloseReason, Poll, PollAnswer, PollChoice, PollDocument, PollQuestion, PollRecipient, PollStatus,
)

MAX_QUESTIONS = 50
MAX_TEXT = 2000


def _text(value, field, *, required=False, max_length=MAX_TEXT):
    value = unicodedata.normalize("NFC", (value or "").strip())
    if required and not value:
        raise InvalidValue(_("This field is required."), field=field)
    if len(value) > max_length:
        raise InvalidValue(_("At most %(n)d characters.", n=max_length), field=field)
    return value or None


def _questions(texts):
    texts = [t for t in (_text(t, "questions") for t in (texts or [])) if t]
    if not texts:
        raise InvalidValue(_("A poll needs at least one question."), field="questions")
    if len(texts) > MAX_QUESTIONS:
        raise InvalidValue(_("At most %(n)d questions.", n=MAX_QUESTIONS), field="questions")
    return texts


def _day_ends_at():
    hours, _sep, minutes = str(current_app.config.get("POLL_DAY_ENDS_AT", "17:00")).partition(":")
    return time(int(hours), int(minutes or 0))


def default_deadline(body, start=None):
    """The end of the working day that is the body's poll_days working days after `start` (now)."""
    start = start or utcnow()
    day = add_working_days(to_local(start).date(), body.poll_days, calendar_overrides())
    return datetime.combine(day, _day_ends_at(), tzinfo=LOCAL_TZ).astimezone(start.tzinfo)


def effective_deadline(poll, now=None):
    """The stored deadline, or (a draft without one) the default it would get if sent now."""
    return poll.deadline or default_deadline(poll.body, now)


def _check_deadline(deadline, now):
    if deadline is not None and deadline <= now:
        raise InvalidValue(_("The deadline must be in the future."), code="deadline_in_past", field="deadline")
    return deadline


def _require_draft(poll):
    if poll.status != PollStatus.DRAFT:
        raise InvalidState(_("This poll has been sent; it can no longer be changed."), code="poll_not_draft")


def create_poll(body, *, title, questions, actor, description=None, deadline=None, silence_counts_as=None,
                now=None):
    """A draft poll of `body`. deadline and silence_counts_as left out follow the body's rules at send."""
    now = now or utcnow()
    poll = Poll(body=body, title=_text(title, "title", required=True, max_length=500),
                description=_text(description, "description", max_length=10000),
                deadline=_check_deadline(deadline, now),
                silence_counts_as=SilenceRule(silence_counts_as) if silence_counts_as else None,
                created_by_id=actor.id, status=PollStatus.DRAFT)
    for position, text in enumerate(_questions(questions)):
        poll.questions.append(PollQuestion(position=position, text=text))
    db.session.add(poll)
    db.session.flush()
    record("poll.created", actor=actor, obj=poll, body_id=body.id, title=poll.title)
    return poll


def update_poll(poll, *, title, questions, actor, description=None, deadline=None, silence_counts_as=None,
                now=None):
    _require_draft(poll)
    now = now or utcnow()
    poll.title = _text(title, "title", required=True, max_length=500)
    poll.description = _text(description, "description", max_length=10000)
    poll.deadline = _check_deadline(deadline, now)
    poll.silence_counts_as = SilenceRule(silence_counts_as) if silence_counts_as else None
    texts = _questions(questions)
    for question in list(poll.questions):
        poll.questions.remove(question)
    db.session.flush()
    for position, text in enumerate(texts):
        poll.questions.append(PollQuestion(position=position, text=text))
    db.session.flush()
    record("poll.updated", actor=actor, obj=poll, title=poll.title)
    return poll


def add_document(poll, prepared, *, actor, title=None):
    """Attach a stored PDF (documents.operations.prepare_file checked and stored it)."""
    _require_draft(poll)
    title = _text(title, "title", max_length=500) or prepared.filename.rsplit(".", 1)[0]
    document = PollDocument(poll=poll, position=len(poll.documents), title=title, sha256=prepared.sha256,
                            size=prepared.size, page_count=prepared.page_count, filename=prepared.filename,
                            uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    record("poll.document_added", actor=actor, obj=poll, document_id=document.id, sha256=prepared.sha256)
    return document


def remove_document(poll, document, *, actor):
    _require_draft(poll)
    db.session.delete(document)
    db.session.flush()
    record("poll.document_removed", actor=actor, obj=poll, sha256=document.sha256)


def voting_roster(body):
    """The body's members who answer polls (chair and members), in protocol order."""
    places = [p for p in body.roster if p.role in COUNTED_ROLES and p.user.active]
    return protocol_sorted(places, group=lambda p: 0 if p.role == RosterRole.CHAIR else 1,
                           rank=lambda p: p.rank, name=lambda p: p.user.full_name)


def send_refusal(poll, now=None):
    """Why the draft cannot be sent now (an InvalidState), or None: the page asks to confirm only when
    nothing refuses, and send_poll raises the same."""
    now = now or utcnow()
    if not poll.questions:
        return InvalidState(_("A poll needs at least one question."), code="no_questions")
    if not voting_roster(poll.body):
        return InvalidState(_("The body has no members to ask."), code="no_members")
    if (poll.deadline or default_deadline(poll.body, now)) <= now:
        return InvalidState(_("The deadline has already passed; set a new one before sending."),
                            code="deadline_in_past")
    return None


def send_poll(poll, *, actor, now=None):
    """Send to the body's chair and members: recipients, member total, rules and deadline are frozen."""
    _require_draft(poll)
    now = now or utcnow()
    refusal = send_refusal(poll, now)
    if refusal is not None:
        raise refusal
    places = voting_roster(poll.body)
    deadline = poll.deadline or default_deadline(poll.body, now)
    body = poll.body
    poll.deadline = deadline
    poll.silence_counts_as = poll.silence_counts_as or SilenceRule(body.poll_silence_counts_as)
    poll.decision_rule = DecisionRule(body.decision_rule)
    poll.tie = TieRule(body.tie)
    poll.member_total = len(places)
    remind_at = deadline - timedelta(hours=current_app.config.get("POLL_REMIND_BEFORE_HOURS", 24))
    poll.remind_at = remind_at if remind_at > now else None
    for place in places:
        poll.recipients.append(PollRecipient(user_id=place.user_id, is_chair=place.role == RosterRole.CHAIR,
                                             position=place.position, rank=place.rank))
    poll.status, poll.sent_at, poll.sent_by_id = PollStatus.OPEN, now, actor.id
    db.session.flush()
    record("poll.sent", actor=actor, obj=poll, member_total=poll.member_total, deadline=deadline.isoformat(),
           silence_counts_as=poll.silence_counts_as.value, decision_rule=poll.decision_rule.value)
    return poll


def _insert(session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def answer_poll(poll, user, answers, *, now=None):
    """Store (or change) `user`'s answers: [(question_id, choice, comment)]. Until the deadline a
    member may change an answer; one row per member and question, whatever the concurrency."""
    now = now or utcnow()
    if poll.recipient_for(user) is None:
        raise NotAllowed(_("This poll was not sent to you."), code="not_a_recipient")
    questions = {q.id for q in poll.questions}
    cleaned = {}
    for question_id, choice, comment in answers:
        if question_id not in questions:
            raise InvalidValue(_("No such question in this poll."), code="question_not_found", field="question_id")
        try:
            choice = PollChoice(choice)
        except ValueError:
            raise InvalidValue(_("The choice must be one of: yes, no, abstain."), field="choice") from None
        cleaned[question_id] = (choice, _text(comment, "comment"))
    if not cleaned:
        raise InvalidValue(_("Answer at least one question."), field="answers")
    claimed = db.session.execute(
        update(Poll).where(Poll.id == poll.id, Poll.status == PollStatus.OPEN, Poll.deadline > now)
        .values(last_answer_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise InvalidState(_("This poll is closed; answers are no longer accepted."), code="poll_closed")
    insert = _insert(db.session)
    for question_id, (choice, comment) in cleaned.items():
        statement = insert(PollAnswer).values(poll_id=poll.id, question_id=question_id, user_id=user.id,
                                              choice=choice.value, comment=comment, answered_at=now, updated_at=now)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["question_id", "user_id"],
            set_={"choice": statement.excluded.choice, "comment": statement.excluded.comment,
                  "updated_at": statement.excluded.updated_at}))
    db.session.flush()
    record("poll.answered", actor=user, obj=poll, questions=sorted(cleaned))
    return cleaned


def answers_of(poll, user):
    """{question_id: PollAnswer} of one member."""
    rows = db.session.execute(select(PollAnswer).where(PollAnswer.poll_id == poll.id,
                                                       PollAnswer.user_id == getattr(user, "id", None))).scalars()
    return {a.question_id: a for a in rows}


def all_answers(poll):
    return db.session.execute(select(PollAnswer).where(PollAnswer.poll_id == poll.id)).scalars().all()


def current_tallies(poll):
    """{question_id: Tally} from the answers as they stand (open poll); a closed poll uses stored_tally."""
    answers = all_answers(poll)
    recipients = {r.user_id: r for r in poll.recipients}
    chair = next((r for r in poll.recipients if r.is_chair), None)
    silence = (poll.silence_counts_as or SilenceRule(poll.body.poll_silence_counts_as)).value
    result = {}
    for question in poll.questions:
        mine = [a for a in answers if a.question_id == question.id and a.user_id in recipients]
        chair_choice = None
        if chair is not None:
            chair_answer = next((a for a in mine if a.user_id == chair.user_id), None)
            chair_choice = chair_answer.choice.value if chair_answer else ("yes" if silence == "yes" else None)
        result[question.id] = rules.tally(
            [a.choice.value for a in mine], member_total=poll.member_total or len(recipients),
            silence_counts_as=silence, decision_rule=(poll.decision_rule or DecisionRule.MAJORITY_OF_MEMBERS).value,
            tie=(poll.tie or TieRule.FAILS).value, chair_choice=chair_choice)
    return result


def stored_tally(question):
    if question.result is None:
        return None
    return rules.Tally(question.count_yes, question.count_no, question.count_abstain, question.count_no_reply,
                       question.result == "passed")


def close_poll(poll, *, actor=None, reason=CloseReason.CHAIR, now=None):
    """Close the poll and store each question's counts and result, once. Whoever claims it first
    (the chair, or the deadline job in any process) closes it; everyone else gets 409."""
    now = now or utcnow()
    if reason == CloseReason.CHAIR and poll.deadline is not None and poll.deadline <= now:
        reason = CloseReason.DEADLINE  # past its deadline, the chair only does what the job would: not "early"
    condition = [Poll.id == poll.id, Poll.status == PollStatus.OPEN]
    if reason == CloseReason.DEADLINE:
        condition.append(Poll.deadline <= now)
    claimed = db.session.execute(
        update(Poll).where(*condition)
        .values(status=PollStatus.CLOSED, closed_at=now, closed_by_id=getattr(actor, "id", None),
                close_reason=CloseReason(reason)).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise InvalidState(_("This poll is not open."), code="poll_not_open")
    db.session.refresh(poll)
    tallies = current_tallies(poll)
    for question in poll.questions:
        counted = tallies[question.id]
        question.count_yes, question.count_no = counted.yes, counted.no
        question.count_abstain, question.count_no_reply = counted.abstain, counted.no_reply
        question.result = counted.result
    db.session.flush()
    record("poll.closed", actor=actor, obj=poll, reason=CloseReason(reason).value,
           results={q.id: q.result for q in poll.questions})
    return poll


def due_poll_ids(now=None):
    """Open polls past their deadline (candidates: close_poll decides who really closes each)."""
    now = now or utcnow()
    return db.session.execute(select(Poll.id).where(Poll.status == PollStatus.OPEN, Poll.deadline <= now)
                              .order_by(Poll.id)).scalars().all()


def claim_reminder(poll_id, now=None):
    """Take the poll's one reminder (True for exactly one caller, in any process)."""
    now = now or utcnow()
    return db.session.execute(
        update(Poll).where(Poll.id == poll_id, Poll.status == PollStatus.OPEN, Poll.reminded_at.is_(None),
                           Poll.remind_at.is_not(None), Poll.remind_at <= now, Poll.deadline > now)
        .values(reminded_at=now).execution_options(synchronize_session=False)).rowcount == 1


def due_reminder_ids(now=None):
    now = now or utcnow()
    return db.session.execute(select(Poll.id).where(
        Poll.status == PollStatus.OPEN, Poll.reminded_at.is_(None), Poll.remind_at.is_not(None),
        Poll.remind_at <= now, Poll.deadline > now).order_by(Poll.id)).scalars().all()


def not_answered(poll):
    """Recipients who have not answered every question, in protocol order."""
    counts = {}
    for answer in all_answers(poll):
        counts[answer.user_id] = counts.get(answer.user_id, 0) + 1
    total = len(poll.questions)
    return [r for r in recipients_in_order(poll) if counts.get(r.user_id, 0) < total]


def recipients_in_order(poll):
    return protocol_sorted(poll.recipients, group=lambda r: 0 if r.is_chair else 1, rank=lambda r: r.rank,
                           name=lambda r: r.user.full_name)


def pending_for(user, now=None):
    """Open polls sent to `user` that they have not fully answered, soonest deadline first."""
    now = now or utcnow()
    polls = db.session.execute(
        select(Poll).join(PollRecipient, PollRecipient.poll_id == Poll.id)
        .where(PollRecipient.user_id == user.id, Poll.status == PollStatus.OPEN, Poll.deadline > now)
        .order_by(Poll.deadline)).scalars().all()
    return [p for p in polls if len(answers_of(p, user)) < len(p.questions)]
