"""The conclusions notice of a session, its numbered conclusions and who it was sent to."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import StrEnum, UTCDateTime, enum_column, utcnow
from ecabinet.extensions import db


class NoticeStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"


NOTICE_STATUS_LABELS = {
    NoticeStatus.DRAFT: _l("Draft"),
    NoticeStatus.ISSUED: _l("Issued"),
}


class ConclusionsNotice(db.Model):
    """One per session. `version` counts the saves of the draft: a save names the version it edited
    and moves it with a conditional UPDATE, so two editors cannot overwrite each other unseen. Once
    issued, `pdf` holds the signed document and nothing changes any more."""

    __tablename__ = "conclusions_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    status: Mapped[NoticeStatus] = mapped_column(enum_column(NoticeStatus), default=NoticeStatus.DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    summary: Mapped[str] = mapped_column(String(500))
    opening: Mapped[str] = mapped_column(Text)
    closing: Mapped[str] = mapped_column(Text)
    recipients = mapped_column(JSON, nullable=False)          # the lines after "Nơi nhận:"
    authority_line: Mapped[str] = mapped_column(String(200))  # "TL. CHỦ TỊCH"
    signer_position: Mapped[str] = mapped_column(String(200))  # "CHÁNH VĂN PHÒNG"
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(String(64))

    meeting = relationship("Meeting")
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    conclusions = relationship("NoticeConclusion", back_populates="notice", order_by="NoticeConclusion.number",
                               cascade="all, delete-orphan")

    @property
    def is_issued(self):
        return self.status == NoticeStatus.ISSUED

    @property
    def status_label(self):
        return NOTICE_STATUS_LABELS[self.status]


class NoticeConclusion(db.Model):
    """One numbered conclusion. Its id and `number` never change once the notice is issued: the
    follow-up of tasks (giao việc) refers to "conclusion 2 of notice N"."""

    __tablename__ = "notice_conclusions"
    __table_args__ = (UniqueConstraint("notice_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("conclusions_notices.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)

    notice = relationship(ConclusionsNotice, back_populates="conclusions")


class NoticeRecipient(db.Model):
    """A participant the issued notice was sent to: in the app at once, by e-mail when configured;
    `read_at` when they first opened it."""

    __tablename__ = "notice_recipients"
    __table_args__ = (UniqueConstraint("notice_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("conclusions_notices.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    delivered_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    emailed_at = mapped_column(UTCDateTime)
    read_at = mapped_column(UTCDateTime)

    notice = relationship(ConclusionsNotice)
    user = relationship("User")
