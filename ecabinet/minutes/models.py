"""Minutes of a session, every saved revision (kept forever) and the chair's comments."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
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
    # Moves with every change of the signing order and every signature (compare-and-set): an order
    # saved while someone signs, or a signature given while the order changes, loses and answers 409.
    signers_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
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


class MinutesSignature(db.Model):
    """One signature given to the final minutes: the whole signed PDF after it (each signature is an
    incremental update of the previous copy, so the newest row is the document). `step` numbers the
    signatures 1, 2, …; unique per minutes, so two signers racing for one step cannot both win."""

    __tablename__ = "minutes_signatures"
    __table_args__ = (UniqueConstraint("minutes_id", "step"), UniqueConstraint("minutes_id", "role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(32))        # the signature field: "secretary", "chair"
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64))

    minutes = relationship(Minutes)
    signer = relationship("User")


class MinutesSigner(db.Model):
    """One place in the signing order the secretary set for the session's minutes (none stored: the
    secretary, then the chair). `field` is the signature field: "secretary" and "chair" name the
    session's secretary and chair as the minutes record them (so `user_id` is empty); any other field
    is an extra signer, a participant named by `user_id`, whose block in the PDF carries `title`."""

    __tablename__ = "minutes_signers"
    __table_args__ = (UniqueConstraint("minutes_id", "position"), UniqueConstraint("minutes_id", "field"))

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    minutes = relationship(Minutes)
    user = relationship("User", foreign_keys=[user_id])
