"""Written polls, their questions, documents, recipients (frozen when sent) and answers."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.bodies.models import DecisionRule, SilenceRule, TieRule
from ecabinet.core.db import StrEnum, UTCDateTime, enum_column, utcnow
from ecabinet.extensions import db


class PollStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


POLL_STATUS_LABELS = {
    PollStatus.DRAFT: _l("Draft"),
    PollStatus.OPEN: _l("Open for answers"),
    PollStatus.CLOSED: _l("Closed"),
}


class PollChoice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


CHOICE_LABELS = {
    PollChoice.YES: _l("Agree"),
    PollChoice.NO: _l("Disagree"),
    PollChoice.ABSTAIN: _l("No opinion"),
}


class CloseReason(StrEnum):
    DEADLINE = "deadline"
    CHAIR = "chair"


class Poll(db.Model):
    """A written poll of a body. Its rules, recipients and member total are frozen when it is sent;
    its counts and result are stored when it closes and never recomputed."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[PollStatus] = mapped_column(enum_column(PollStatus), default=PollStatus.DRAFT, index=True)
    # None in a draft: the body's default, counted from the moment it is sent.
    deadline = mapped_column(UTCDateTime, index=True)
    # None in a draft: the body's rule at the moment it is sent.
    silence_counts_as: Mapped[SilenceRule | None] = mapped_column(enum_column(SilenceRule))
    decision_rule: Mapped[DecisionRule | None] = mapped_column(enum_column(DecisionRule))
    tie: Mapped[TieRule | None] = mapped_column(enum_column(TieRule))
    member_total: Mapped[int | None] = mapped_column(Integer)
    remind_at = mapped_column(UTCDateTime)
    reminded_at = mapped_column(UTCDateTime)
    last_answer_at = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    sent_at = mapped_column(UTCDateTime)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    close_reason: Mapped[CloseReason | None] = mapped_column(enum_column(CloseReason))

    body = relationship("Body")
    created_by = relationship("User", foreign_keys=[created_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])
    questions = relationship("PollQuestion", back_populates="poll", cascade="all, delete-orphan",
                             order_by="PollQuestion.position")
    documents = relationship("PollDocument", back_populates="poll", cascade="all, delete-orphan",
                             order_by="PollDocument.position")
    recipients = relationship("PollRecipient", back_populates="poll", cascade="all, delete-orphan")

    @property
    def status_label(self):
        return POLL_STATUS_LABELS[self.status]

    def recipient_for(self, user):
        user_id = getattr(user, "id", None)
        return next((r for r in self.recipients if r.user_id == user_id), None)

    def __repr__(self):
        return f"<Poll {self.id} {self.status.value} {self.title!r}>"


class PollQuestion(db.Model):
    __tablename__ = "poll_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    # Stored when the poll closes; "no reply" apart from "agree" even when silence counts as agreement.
    count_yes: Mapped[int | None] = mapped_column(Integer)
    count_no: Mapped[int | None] = mapped_column(Integer)
    count_abstain: Mapped[int | None] = mapped_column(Integer)
    count_no_reply: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str | None] = mapped_column(String(16))

    poll = relationship(Poll, back_populates="questions")
    answers = relationship("PollAnswer", back_populates="question", cascade="all, delete-orphan")


class PollDocument(db.Model):
    """A PDF sent with the poll, stored by content hash like session documents."""

    __tablename__ = "poll_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    page_count: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(300))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    poll = relationship(Poll, back_populates="documents")


class PollRecipient(db.Model):
    """A member asked: the body's chair and members when the poll was sent."""

    __tablename__ = "poll_recipients"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_chair: Mapped[bool] = mapped_column(default=False)
    position: Mapped[str | None] = mapped_column(String(100))
    rank: Mapped[int] = mapped_column(Integer, default=100)
    reminder_sent_at = mapped_column(UTCDateTime)

    poll = relationship(Poll, back_populates="recipients")
    user = relationship("User")


class PollAnswer(db.Model):
    """One member's answer to one question; the database refuses a second (answers are upserted)."""

    __tablename__ = "poll_answers"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("poll_questions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    choice: Mapped[PollChoice] = mapped_column(enum_column(PollChoice))
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    question = relationship(PollQuestion, back_populates="answers")
    user = relationship("User")
