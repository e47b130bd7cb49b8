"""Bodies (cơ quan): the provincial People's Committee, the commune ones, a department's board;
their rosters and their working rules (quy chế làm việc), stored as data."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import StrEnum, UTCDateTime, enum_column, utcnow
from ecabinet.extensions import db


class BodyKind(StrEnum):
    PROVINCIAL = "provincial"
    COMMUNE = "commune"
    OTHER = "other"


BODY_KIND_LABELS = {
    BodyKind.PROVINCIAL: _l("Provincial People's Committee"),
    BodyKind.COMMUNE: _l("Commune People's Committee"),
    BodyKind.OTHER: _l("Other body"),
}


class DecisionRule(StrEnum):
    MAJORITY_OF_MEMBERS = "majority_of_members"
    MAJORITY_OF_PRESENT = "majority_of_present"
    TWO_THIRDS_OF_MEMBERS = "two_thirds_of_members"


DECISION_RULE_LABELS = {
    DecisionRule.MAJORITY_OF_MEMBERS: _l("More than half of all members"),
    DecisionRule.MAJORITY_OF_PRESENT: _l("More than half of the members present"),
    DecisionRule.TWO_THIRDS_OF_MEMBERS: _l("Two thirds of all members"),
}


class TieRule(StrEnum):
    FAILS = "fails"
    CHAIR_DECIDES = "chair_decides"


TIE_RULE_LABELS = {
    TieRule.FAILS: _l("A tie does not pass"),
    TieRule.CHAIR_DECIDES: _l("A tie goes the way the chair voted"),
}


class SilenceRule(StrEnum):
    NONE = "none"
    YES = "yes"


SILENCE_RULE_LABELS = {
    SilenceRule.NONE: _l("No reply is not counted as agreement"),
    SilenceRule.YES: _l("No reply counts as agreement"),
}


class RosterRole(StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    SECRETARIAT = "secretariat"


ROSTER_ROLE_LABELS = {
    RosterRole.CHAIR: _l("Chair"),
    RosterRole.MEMBER: _l("Member"),
    RosterRole.SECRETARIAT: _l("Secretariat"),
}

# Who counts toward quorum and the member total: the chair and the members, not the secretariat.
COUNTED_ROLES = {RosterRole.CHAIR, RosterRole.MEMBER}


class Body(db.Model):
    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The body above, as the letterhead shows it ("UBND TỈNH LAI CHÂU" above a commune's name).
    parent_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind), default=BodyKind.PROVINCIAL)
    short_name: Mapped[str | None] = mapped_column(String(50))
    # For the "Lai Châu, ngày … tháng … năm …" line.
    place_name: Mapped[str | None] = mapped_column(String(100))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    # Working rules (defaults: Decrees 314/2025 and 315/2025, model working rules).
    quorum_numerator: Mapped[int] = mapped_column(Integer, default=2)
    quorum_denominator: Mapped[int] = mapped_column(Integer, default=3)
    decision_rule: Mapped[DecisionRule] = mapped_column(enum_column(DecisionRule),
                                                        default=DecisionRule.MAJORITY_OF_MEMBERS)
    tie: Mapped[TieRule] = mapped_column(enum_column(TieRule), default=TieRule.FAILS)
    stand_ins_count: Mapped[bool] = mapped_column(Boolean, default=False)
    poll_days: Mapped[int] = mapped_column(Integer, default=5)
    poll_silence_counts_as: Mapped[SilenceRule] = mapped_column(enum_column(SilenceRule), default=SilenceRule.NONE)
    lead_days_regular: Mapped[int] = mapped_column(Integer, default=3)
    lead_days_special: Mapped[int] = mapped_column(Integer, default=1)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    rules_updated_at = mapped_column(UTCDateTime)

    roster = relationship("BodyMember", back_populates="body", cascade="all, delete-orphan",
                          order_by="BodyMember.rank")

    @property
    def kind_label(self):
        return BODY_KIND_LABELS[self.kind]

    def __repr__(self):
        return f"<Body {self.id} {self.name!r}>"


class BodyMember(db.Model):
    """A user's place on a body's roster: one row per body and user."""

    __tablename__ = "body_members"
    __table_args__ = (UniqueConstraint("body_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[RosterRole] = mapped_column(enum_column(RosterRole), default=RosterRole.MEMBER)
    # Chủ tịch, Phó Chủ tịch, Ủy viên…, and the order protocol lists follow (smaller first).
    position: Mapped[str | None] = mapped_column(String(100))
    rank: Mapped[int] = mapped_column(Integer, default=100)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    body = relationship(Body, back_populates="roster")
    user = relationship("User", back_populates="roster")

    @property
    def role_label(self):
        return ROSTER_ROLE_LABELS[self.role]

    @property
    def counted(self):
        return self.role in COUNTED_ROLES


class CalendarDay(db.Model):
    """An admin's exception to the working-day calendar: a day off, or a make-up working day."""

    __tablename__ = "calendar_days"

    day = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(200))


class InvitationGroup(db.Model):
    """A body's saved group of people ("Lãnh đạo UBND", "Thủ trưởng các sở"), invited to a session in
    one action. Kept by the body's secretariat; the people need not be on the body's roster."""

    __tablename__ = "invitation_groups"
    # Unique by name_key, the name case-folded in Python: SQLite's lower() folds only ASCII, so
    # "Lãnh đạo UBND" and "LÃNH ĐẠO UBND" would both get in through two requests at once.
    __table_args__ = (UniqueConstraint("body_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(400))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    body = relationship(Body)
    members = relationship("InvitationGroupMember", back_populates="group", cascade="all, delete-orphan")

    def __repr__(self):
        return f"<InvitationGroup {self.id} {self.name!r}>"


class InvitationGroupMember(db.Model):
    __tablename__ = "invitation_group_members"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("invitation_groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    group = relationship(InvitationGroup, back_populates="members")
    user = relationship("User")
