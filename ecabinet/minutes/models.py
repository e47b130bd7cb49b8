"""Minutes of a session, every saved revision (kept forever) and the chair's comments."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import StrEnum, UTCDateTime, enum_column, utcnow
from ecabinet.extensions import db


class MinutesStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


MINUTES_STATUS_LABELS = {
    MinutesStatus.DRAFT: _l("Draft"),
    MinutesStatus.FINAL: _l("Final"),
}


class Minutes(db.Model):
    """One per session. `current_number` is the newest revision (0 before the first save); a save
    moves it with a conditional UPDATE, so two saves on the same base cannot both win."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    status: Mapped[MinutesStatus] = mapped_column(enum_column(MinutesStatus), default=MinutesStatus.DRAFT)
    current_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finalised_at = mapped_column(UTCDateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting = relationship("Meeting")
    finalised_by = relationship("User")
    revisions = relationship("MinutesRevision", back_populates="minutes", order_by="MinutesRevision.number",
                             cascade="all, delete-orphan")

    @property
    def is_final(self):
        return self.status == MinutesStatus.FINAL

    @property
    def status_label(self):
        return MINUTES_STATUS_LABELS[self.status]


class MinutesRevision(db.Model):
    """One save of the draft: the whole structured content as it was (ecabinet.minutes.content)."""

    __tablename__ = "minutes_revisions"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content = mapped_column(JSON, nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    minutes = relationship(Minutes, back_populates="revisions")
    author = relationship("User")


class MinutesComment(db.Model):
    """The chair's remark on one revision of the draft."""

    __tablename__ = "minutes_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("minutes_revisions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    revision = relationship(MinutesRevision)
    author = relationship("User")
