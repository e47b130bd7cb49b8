"""Documents, their versions (one stored file each) and readers' private notes."""
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import StrEnum, UTCDateTime, enum_column, utcnow
from ecabinet.extensions import db


class DocumentKind(StrEnum):
    SUBMISSION = "submission"
    DRAFT = "draft"
    REPORT = "report"
    OTHER = "other"


KIND_LABELS = {
    DocumentKind.SUBMISSION: _l("Submission"),
    DocumentKind.DRAFT: _l("Draft"),
    DocumentKind.REPORT: _l("Report"),
    DocumentKind.OTHER: _l("Other"),
}


class Classification(StrEnum):
    NORMAL = "normal"
    CONFIDENTIAL = "confidential"
    # Văn bản mật under the State Secrets Law: only on a protected network.
    STATE_SECRET = "state_secret"


CLASSIFICATION_LABELS = {
    Classification.NORMAL: _l("Normal"),
    Classification.CONFIDENTIAL: _l("Confidential"),
    Classification.STATE_SECRET: _l("State secret"),
}


def _comparable(text):
    """Text as a reader compares it: composed, case and spacing ignored, no closing punctuation."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip().casefold()
    return text.rstrip(" .:;,-–—")


class NoteKind(StrEnum):
    NOTE = "note"
    HIGHLIGHT = "highlight"


class Document(db.Model):
    """A document of a session; its content lives in versions, the newest being current."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"),
                                                       index=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind), default=DocumentKind.OTHER)
    classification: Mapped[Classification] = mapped_column(enum_column(Classification),
                                                           default=Classification.NORMAL)
    # Guests never see a confidential document unless the secretariat allows it here.
    guests_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    meeting = relationship("Meeting")
    agenda_item = relationship("AgendaItem")
    created_by = relationship("User")
    versions = relationship("DocumentVersion", back_populates="document", cascade="all, delete-orphan",
                            order_by="DocumentVersion.number.desc()")

    @property
    def current(self):
        return self.versions[0] if self.versions else None

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def titled_with_kind(self):
        """The title with its kind before it ("Tờ trình: Phương án …"), unless the title already says
        it ("Báo cáo tình hình …", never "Báo cáo: Báo cáo tình hình …") or the kind says nothing."""
        kind = _comparable(str(self.kind_label))
        if self.kind == DocumentKind.OTHER or _comparable(self.title).startswith(kind):
            return self.title
        return f"{self.kind_label}: {self.title}"

    def repeats_title_of(self, item):
        """Whether the document bears its agenda item's own title (the usual case for the item's main
        document): listed under the item, it is named by its kind rather than by the title again."""
        return item is not None and _comparable(self.title) == _comparable(item.title)

    def title_under(self, item):
        """How the document is named in a list under its agenda item."""
        return self.kind_label if self.repeats_title_of(item) else self.title

    @property
    def classification_label(self):
        return CLASSIFICATION_LABELS[self.classification]

    @property
    def is_confidential(self):
        return self.classification != Classification.NORMAL

    @property
    def needs_watermark(self):
        """Each reader gets a stamped copy: confidential documents, or any document of a confidential session."""
        return self.is_confidential or self.meeting.is_confidential

    def __repr__(self):
        return f"<Document {self.id} {self.title!r}>"


class DocumentVersion(db.Model):
    """One uploaded file of a document. The file is stored once per SHA-256 and never changes."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    page_count: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(300))
    # Set when the version was converted from an office file (.docx ...): the original name.
    converted_from: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(String(500))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    document = relationship(Document, back_populates="versions")
    uploaded_by = relationship("User")

    @property
    def is_current(self):
        return self.document.current is self


class DocumentNote(db.Model):
    """A reader's private note or highlight on one page; only its author ever sees it."""

    __tablename__ = "document_notes"
    __table_args__ = (Index("ix_document_notes_document_id_user_id", "document_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    version_number: Mapped[int] = mapped_column(Integer)
    page: Mapped[int] = mapped_column(Integer)
    kind: Mapped[NoteKind] = mapped_column(enum_column(NoteKind), default=NoteKind.NOTE)
    text: Mapped[str | None] = mapped_column(Text)
    # For a highlight: [x, y, width, height] as fractions of the page, so any zoom redraws it.
    rect = mapped_column(JSON)
    color: Mapped[str | None] = mapped_column(String(16))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    document = relationship(Document)
