from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import StrEnum, UTCDateTime, enum_column, utcnow
from ecabinet.extensions import db


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    LIVE = "live"
    ENDED = "ended"
    ARCHIVED = "archived"


MEETING_STATUS_LABELS = {
    MeetingStatus.DRAFT: _l("Draft"),
    MeetingStatus.PUBLISHED: _l("Published"),
    MeetingStatus.LIVE: _l("In session"),
    MeetingStatus.ENDED: _l("Ended"),
    MeetingStatus.ARCHIVED: _l("Archived"),
}


class MeetingKind(StrEnum):
    REGULAR = "regular"
    THEMATIC = "thematic"
    EXTRAORDINARY = "extraordinary"


MEETING_KIND_LABELS = {
    MeetingKind.REGULAR: _l("Regular session"),
    MeetingKind.THEMATIC: _l("Thematic session"),
    MeetingKind.EXTRAORDINARY: _l("Extraordinary session"),
}


# The short form badges and headers show ("Thường kỳ", "Chuyên đề", "Bất thường").
MEETING_KIND_SHORT_LABELS = {
    MeetingKind.REGULAR: _l("Regular"),
    MeetingKind.THEMATIC: _l("Thematic"),
    MeetingKind.EXTRAORDINARY: _l("Extraordinary"),
}


# Special sessions (chuyên đề, bất thường) have the shorter lead time for their documents.
SPECIAL_KINDS = {MeetingKind.THEMATIC, MeetingKind.EXTRAORDINARY}


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


MEETING_FORMAT_LABELS = {
    MeetingFormat.IN_PERSON: _l("In person"),
    MeetingFormat.ONLINE: _l("Online"),
    MeetingFormat.HYBRID: _l("In person and online"),
}


class Confidentiality(StrEnum):
    NORMAL = "normal"
    CONFIDENTIAL = "confidential"


class Role(StrEnum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    GUEST = "guest"
    DELEGATE = "delegate"


ROLE_LABELS = {
    Role.CHAIR: _l("Chair"),
    Role.SECRETARY: _l("Secretary"),
    Role.MEMBER: _l("Member"),
    Role.GUEST: _l("Guest"),
    Role.DELEGATE: _l("Stand-in"),
}

# Roles that vote unless the secretariat says otherwise.
VOTING_ROLES = {Role.CHAIR, Role.MEMBER}


class Attendance(StrEnum):
    UNKNOWN = "unknown"
    PRESENT = "present"
    PRESENT_ONLINE = "present_online"
    ABSENT_EXCUSED = "absent_excused"
    ABSENT = "absent"
    SUBSTITUTED = "substituted"


ATTENDANCE_LABELS = {
    Attendance.UNKNOWN: _l("Not checked in"),
    Attendance.PRESENT: _l("Present"),
    Attendance.PRESENT_ONLINE: _l("Present online"),
    Attendance.ABSENT_EXCUSED: _l("Absent with reason"),
    Attendance.ABSENT: _l("Absent"),
    Attendance.SUBSTITUTED: _l("Represented by a stand-in"),
}

PRESENT_STATES = {Attendance.PRESENT, Attendance.PRESENT_ONLINE}


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    # Whose session it is: its secretariat prepares it, its working rules apply.
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind), default=MeetingKind.REGULAR)
    format: Mapped[MeetingFormat] = mapped_column(enum_column(MeetingFormat), default=MeetingFormat.IN_PERSON)
    starts_at = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus), default=MeetingStatus.DRAFT,
                                                  index=True)
    confidentiality: Mapped[Confidentiality] = mapped_column(enum_column(Confidentiality),
                                                             default=Confidentiality.NORMAL)
    # Whether stand-ins (dự họp thay) may vote for the member they replace.
    delegates_may_vote: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    published_at = mapped_column(UTCDateTime)
    started_at = mapped_column(UTCDateTime)
    ended_at = mapped_column(UTCDateTime)
    # The body's working rules as they were when the session started: a later change of the rules
    # never alters a session already live (bodies.rules.WorkingRules.as_dict()).
    rules = mapped_column(JSON)

    body = relationship("Body")
    agenda_items = relationship("AgendaItem", back_populates="meeting", order_by="AgendaItem.position",
                                cascade="all, delete-orphan")
    participants = relationship("Participant", back_populates="meeting", cascade="all, delete-orphan",
                                foreign_keys="Participant.meeting_id")
    created_by = relationship("User")

    @property
    def status_label(self):
        return MEETING_STATUS_LABELS[self.status]

    @property
    def kind_label(self):
        return MEETING_KIND_LABELS[self.kind]

    @property
    def kind_short_label(self):
        return MEETING_KIND_SHORT_LABELS[self.kind]

    @property
    def format_label(self):
        return MEETING_FORMAT_LABELS[self.format]

    @property
    def is_special(self):
        return self.kind in SPECIAL_KINDS

    @property
    def is_confidential(self):
        return self.confidentiality == Confidentiality.CONFIDENTIAL

    def participant_for(self, user):
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        if "participants" not in sa_inspect(self).unloaded:
            return next((p for p in self.participants if p.user_id == user.id), None)
        # One row by the unique (meeting, user) key rather than loading every participant: access
        # checks run per vote and per event, in sessions of hundreds of members.
        return db.session.execute(select(Participant).where(
            Participant.meeting_id == self.id, Participant.user_id == user.id)).scalar_one_or_none()

    def __repr__(self):
        return f"<Meeting {self.id} {self.status} {self.title!r}>"


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    presenter: Mapped[str | None] = mapped_column(String(300))
    presenter_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    meeting = relationship(Meeting, back_populates="agenda_items")
    presenter_user = relationship("User")

    @property
    def number(self):
        return self.position + 1


class Participant(db.Model):
    """A user's part in one session; the role belongs here, not to the user."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.MEMBER)
    can_vote: Mapped[bool] = mapped_column(Boolean, default=True)
    # For a stand-in: the member they attend for.
    delegate_for_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    attendance: Mapped[Attendance] = mapped_column(enum_column(Attendance), default=Attendance.UNKNOWN)
    attendance_note: Mapped[str | None] = mapped_column(String(300))
    checked_in_at = mapped_column(UTCDateTime)
    invited_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    meeting = relationship(Meeting, back_populates="participants", foreign_keys=[meeting_id])
    user = relationship("User", foreign_keys=[user_id])
    delegate_for = relationship("User", foreign_keys=[delegate_for_id])

    @property
    def role_label(self):
        return ROLE_LABELS[self.role]

    @property
    def attendance_label(self):
        return ATTENDANCE_LABELS[self.attendance]

    @property
    def is_present(self):
        return self.attendance in PRESENT_STATES
