"""Ballots of a live session (biểu quyết): the question, its frozen rule, who may vote, the votes.

Open ballots store who voted what (`votes`). Secret ballots store *that* a member voted
(`ballot_voters.voted`) apart from *what* was voted (`secret_votes`), with nothing that links the
two: no user id and no timestamp on a secret vote, and random keys on both tables so that neither
their keys nor their physical order follow the order of voting (docs/security.md, "Secret ballots").
"""
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.bodies.models import DecisionRule, TieRule
from ecabinet.core.db import StrEnum, UTCDateTime, enum_column, utcnow
from ecabinet.extensions import db


class BallotStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


BALLOT_STATUS_LABELS = {
    BallotStatus.DRAFT: _l("Prepared"),
    BallotStatus.OPEN: _l("Voting"),
    BallotStatus.CLOSED: _l("Closed"),
}


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


CHOICE_LABELS = {
    Choice.YES: _l("In favour"),
    Choice.NO: _l("Against"),
    Choice.ABSTAIN: _l("Not voting"),
}


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


OUTCOME_LABELS = {Outcome.PASSED: _l("Passed"), Outcome.FAILED: _l("Not passed")}


def random_key():
    """A random 128-bit key as 32 hex digits: rows keyed by it sort in no order anyone chose."""
    return secrets.token_hex(16)


class Ballot(db.Model):
    """One question put to the vote in a session. The rule, the tie rule, the member total and the
    eligible voters are fixed when it opens; the counts and the result when it closes (never
    recomputed)."""

    __tablename__ = "ballots"
    __table_args__ = (
        # At most one ballot open per session at a time: the room votes on one question.
        Index("uq_ballots_one_open_per_meeting", "meeting_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_ballots_status_closes_at", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(Text)
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    rule: Mapped[DecisionRule] = mapped_column(enum_column(DecisionRule))
    allow_change: Mapped[bool] = mapped_column(Boolean, default=False)
    time_limit_s: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[BallotStatus] = mapped_column(enum_column(BallotStatus), default=BallotStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    # Fixed at opening.
    opened_at = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closes_at = mapped_column(UTCDateTime)  # opened_at + time_limit_s: the time limit's job closes it
    tie: Mapped[TieRule | None] = mapped_column(enum_column(TieRule))
    member_total: Mapped[int | None] = mapped_column(Integer)
    present_total: Mapped[int | None] = mapped_column(Integer)
    eligible_count: Mapped[int | None] = mapped_column(Integer)
    quorum_met: Mapped[bool | None] = mapped_column(Boolean)
    quorum_required: Mapped[int | None] = mapped_column(Integer)
    override_reason: Mapped[str | None] = mapped_column(Text)

    # Fixed at closing: stored, never recomputed.
    closed_at = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_by_time_limit: Mapped[bool] = mapped_column(Boolean, default=False)
    count_yes: Mapped[int | None] = mapped_column(Integer)
    count_no: Mapped[int | None] = mapped_column(Integer)
    count_abstain: Mapped[int | None] = mapped_column(Integer)
    count_not_voted: Mapped[int | None] = mapped_column(Integer)
    count_by_hand: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    tied: Mapped[bool | None] = mapped_column(Boolean)
    decided_by_chair: Mapped[bool | None] = mapped_column(Boolean)
    # A tied secret ballot the chair decides (the body's tie rule): the choice the chair declared when
    # closing it, since the chair's own vote cannot be read. None otherwise.
    casting_choice: Mapped[Choice | None] = mapped_column(enum_column(Choice, name="casting_choice"))

    meeting = relationship("Meeting")
    agenda_item = relationship("AgendaItem")

    @property
    def status_label(self):
        return BALLOT_STATUS_LABELS[self.status]

    @property
    def counts(self):
        """The stored counts of a closed ballot (None before)."""
        if self.status != BallotStatus.CLOSED:
            return None
        return {"yes": self.count_yes, "no": self.count_no, "abstain": self.count_abstain,
                "not_voted": self.count_not_voted}

    def __repr__(self):
        return f"<Ballot {self.id} {self.status} meeting={self.meeting_id}>"


class BallotVoter(db.Model):
    """An eligible voter of a ballot, fixed when it opens, and whether they voted (not what).

    A random primary key rather than (ballot, user): nothing about the row's key or place in the
    table tells when it was written. (ballot_id, user_id) is unique: one vote per voter, enforced
    here. `sealed_receipt` holds a secret ballot's tracking code encrypted for this voter (only the
    server's secret key opens it) until the ballot closes, when it is erased.
    """

    __tablename__ = "ballot_voters"
    __table_args__ = (UniqueConstraint("ballot_id", "user_id"), {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # A stand-in votes for the member they attend for (shown in the lists).
    for_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    voted: Mapped[bool] = mapped_column(Boolean, default=False)
    by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    sealed_receipt: Mapped[bytes | None] = mapped_column(LargeBinary(64))

    user = relationship("User", foreign_keys=[user_id])


class Vote(db.Model):
    """A vote of an open (non-secret) ballot: who, what, when, and who recorded it."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("ballot_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    choice: Mapped[Choice] = mapped_column(enum_column(Choice))
    by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    # The secretary who recorded a vote by hand (None: the voter's own tablet).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cast_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    changed_at = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])


class SecretVote(db.Model):
    """A vote of a secret ballot: the choice and its tracking code, nothing else (no voter, no time).

    Keyed by a random 128-bit id; on SQLite a table WITHOUT ROWID, so it is stored in the order of
    those random keys; when the ballot closes, its rows are written again in a fresh random order
    (voting.secrecy), which also takes the order of voting out of PostgreSQL's heap.
    """

    __tablename__ = "secret_votes"
    __table_args__ = (UniqueConstraint("ballot_id", "tracker"), {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"))
    choice: Mapped[Choice] = mapped_column(enum_column(Choice))
    tracker: Mapped[str] = mapped_column(String(16))
