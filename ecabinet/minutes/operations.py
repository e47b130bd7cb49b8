"""State changes of the minutes: save a revision, finalise, comment. They check the rules, flush and
audit; the adapter commits."""
from flask_babel import gettext as _
from sqlalchemy import select, update

from ecabinet.accounts.models import User
from ecabinet.audit.operations import record
from ecabinet.core.db import insert_unless_exists, unique_or, utcnow
from ecabinet.core.errors import Conflict, InvalidState, InvalidValue, NotFound
from ecabinet.extensions import db
from ecabinet.meetings.models import MeetingStatus
from ecabinet.meetings.operations import refuse_if_archived
from ecabinet.minutes import facts
from ecabinet.minutes.access import minutes_open_for_writing
from ecabinet.minutes.content import compose
from ecabinet.minutes.models import Minutes, MinutesComment, MinutesRevision, MinutesStatus

MAX_COMMENT = 5000


class StaleRevision(Conflict):
    """The draft moved on since the revision the client edited: nothing was saved."""

    code = "stale_revision"

    def __init__(self, current):
        super().__init__(_("Someone saved the minutes in the meantime (revision %(n)d). Your text was not "
                           "saved: compare it with the current revision, then save again.",
                           n=current.number if current else 0))
        self.current = current


def get_minutes(meeting, *, fresh=False):
    statement = select(Minutes).where(Minutes.meeting_id == meeting.id)
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    return db.session.execute(statement).scalar_one_or_none()


def revision(minutes, number):
    if minutes is None:
        return None
    return db.session.execute(
        select(MinutesRevision).where(MinutesRevision.minutes_id == minutes.id, MinutesRevision.number == number)
    ).scalar_one_or_none()


def current_revision(minutes):
    return revision(minutes, minutes.current_number) if minutes is not None and minutes.current_number else None


def draft_content(meeting, minutes=None):
    """What the minutes say now: the current revision, or the pre-fill before the first save."""
    current = current_revision(minutes)
    return current.content if current is not None else compose(facts.build(meeting))


def _ensure_minutes(meeting):
    """The session's minutes row, created on first save (two first saves at once make one row)."""
    insert_unless_exists(db.session, Minutes, meeting_id=meeting.id, status=MinutesStatus.DRAFT,
                         current_number=0, created_at=utcnow())
    return get_minutes(meeting, fresh=True)


def ensure_minutes(meeting):
    """The session's minutes row, created if it does not exist yet (fresh from the database)."""
    return _ensure_minutes(meeting)


def _require_draft(minutes):
    if minutes is not None and minutes.is_final:
        raise InvalidState(_("The minutes are final and can no longer be changed."), code="minutes_final")


def _stale(meeting):
    minutes = get_minutes(meeting, fresh=True)
    _require_draft(minutes)
    return StaleRevision(current_revision(minutes))


def _base(base_revision):
    if base_revision is None:
        return 0
    if isinstance(base_revision, bool) or not isinstance(base_revision, int) or base_revision < 0:
        raise InvalidValue(_("base_revision must be the number of the revision you edited (0 for none)."),
                           field="base_revision")
    return base_revision


def save_revision(meeting, submitted, *, base_revision, actor):
    """Save the secretary's edits on top of revision `base_revision` as the next revision.

    Returns (revision, saved): an unchanged content saves nothing and returns the current revision.
    A base that is not the current revision raises StaleRevision (409), whoever won the race."""
    base = _base(base_revision)
    refuse_if_archived(meeting)
    if not minutes_open_for_writing(meeting):
        raise InvalidState(_("Minutes can be written only once the session is published and until it is "
                             "archived."), code="minutes_closed")
    minutes = _ensure_minutes(meeting)
    _require_draft(minutes)
    if base != minutes.current_number:
        raise StaleRevision(current_revision(minutes))
    current = current_revision(minutes)
    content = compose(facts.build(meeting), current.content if current else None, submitted)
    if current is not None and current.content == content:
        return current, False
    number = base + 1
    # Compare-and-set: of two saves on the same base, PostgreSQL lets the second UPDATE wait for the
    # first to commit and then match no row; SQLite serialises writers. The loser answers 409.
    moved = db.session.execute(
        update(Minutes).where(Minutes.id == minutes.id, Minutes.current_number == base,
                              Minutes.status == MinutesStatus.DRAFT)
        .values(current_number=number).execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise _stale(meeting)
    saved = MinutesRevision(minutes_id=minutes.id, number=number, content=content, author_id=actor.id,
                            saved_at=utcnow())
    with unique_or(db.session, lambda: _stale(meeting)):
        db.session.add(saved)
    db.session.refresh(minutes)
    return saved, True


def session_not_ended(meeting):
    """The refusal of finalise while the session has not ended (an InvalidState), or None: the page says it
    beside a disabled button rather than after the confirmation."""
    if meeting.status != MeetingStatus.ENDED:
        return InvalidState(_("The minutes can be finalised only after the session has ended."),
                            code="meeting_not_ended")
    return None


def finalise(meeting, *, actor, base_revision=None):
    """Freeze the content: no revision is saved after this. The session must have ended."""
    refuse_if_archived(meeting)
    minutes = get_minutes(meeting, fresh=True)
    if minutes is None or not minutes.current_number:
        raise InvalidState(_("Save the minutes before finalising them."), code="minutes_empty")
    _require_draft(minutes)
    refusal = session_not_ended(meeting)
    if refusal is not None:
        raise refusal
    base = minutes.current_number if base_revision is None else _base(base_revision)
    if base != minutes.current_number:
        raise StaleRevision(current_revision(minutes))
    now = utcnow()
    moved = db.session.execute(
        update(Minutes).where(Minutes.id == minutes.id, Minutes.current_number == base,
                              Minutes.status == MinutesStatus.DRAFT)
        .values(status=MinutesStatus.FINAL, finalised_at=now, finalised_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise _stale(meeting)
    db.session.refresh(minutes)
    record("minutes.finalised", actor=actor, obj=minutes, meeting_id=meeting.id, revision=base)
    return minutes


def add_comment(meeting, text, *, actor, revision_number=None):
    """The chair's comment on a revision of the draft (the current one by default)."""
    text = (text or "").strip() if isinstance(text, str) or text is None else None
    if text is None:
        raise InvalidValue(_("The field %(name)s must be text.", name="text"), field="text")
    if not text:
        raise InvalidValue(_("Write the comment first."), field="text")
    if len(text) > MAX_COMMENT:
        raise InvalidValue(_("The field %(name)s is too long (at most %(n)d characters).",
                             name="text", n=MAX_COMMENT), field="text")
    refuse_if_archived(meeting)
    minutes = get_minutes(meeting)
    _require_draft(minutes)
    if minutes is None or not minutes.current_number:
        raise InvalidState(_("There is no draft to comment on yet."), code="minutes_empty")
    number = minutes.current_number if revision_number is None else _base(revision_number)
    target = revision(minutes, number)
    if target is None:
        raise NotFound(_("No such revision of the minutes."), code="revision_not_found")
    comment = MinutesComment(revision_id=target.id, author_id=actor.id, text=text, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    record("minutes.commented", actor=actor, obj=minutes, meeting_id=meeting.id, revision=number)
    return comment


def comments(minutes):
    if minutes is None:
        return []
    return db.session.execute(
        select(MinutesComment).join(MinutesRevision).where(MinutesRevision.minutes_id == minutes.id)
        .order_by(MinutesComment.created_at, MinutesComment.id)
    ).scalars().all()


def revision_list(minutes):
    """(number, saved_at, author id, author name) of every revision, oldest first, without their content."""
    if minutes is None:
        return []
    return db.session.execute(
        select(MinutesRevision.number, MinutesRevision.saved_at, MinutesRevision.author_id, User.full_name)
        .outerjoin(User, User.id == MinutesRevision.author_id)
        .where(MinutesRevision.minutes_id == minutes.id).order_by(MinutesRevision.number)
    ).all()
