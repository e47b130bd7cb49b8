import secrets

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import UTCDateTime, utcnow
from ecabinet.extensions import db


def new_session_nonce():
    return secrets.token_hex(8)


class Unit(db.Model):
    """A department or office (đơn vị): Sở, Ban, Văn phòng."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(50))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    users = relationship("User", back_populates="unit")

    def __repr__(self):
        return f"<Unit {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column("is_active", Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Part of the login cookie: changing it (password change, deactivation) ends
    # every browser session of the user at once.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_login_at = mapped_column(UTCDateTime)

    unit = relationship(Unit, back_populates="users")
    # Places on bodies' rosters (ecabinet.bodies): a user may sit in several bodies.
    roster = relationship("BodyMember", back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return f"{self.id}:{self.session_nonce}"

    @property
    def secretariat_body_ids(self):
        """The bodies whose secretariat (Văn phòng) this user belongs to: they prepare those sessions."""
        return {place.body_id for place in self.roster if place.role == "secretariat"}

    @property
    def is_secretariat(self):
        return bool(self.secretariat_body_ids)

    @property
    def unit_name(self):
        return self.unit.name if self.unit else None

    def __repr__(self):
        return f"<User {self.id} {self.username!r}>"


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    last_used_at = mapped_column(UTCDateTime)
    revoked_at = mapped_column(UTCDateTime)
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user = relationship(User)


class LoginFailure(db.Model):
    """One failed login, kept for the throttling window (shared by every server process)."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "created_at"),
        Index("ix_login_failures_address_at", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
