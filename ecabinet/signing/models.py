"""Signing certificates (each user's key, encrypted under their PIN) and trusted roots."""
from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import UTCDateTime, utcnow
from ecabinet.extensions import db


class SigningCertificate(db.Model):
    """A user's signing certificate with its key in a PKCS#12 encrypted under the user's PIN.

    The PIN itself is never stored: it is the PKCS#12's password. Certificates issued by the
    internal CA (`internal`) are listed in its CRL when revoked; imported ones are only barred here.
    """

    __tablename__ = "signing_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    serial: Mapped[str] = mapped_column(String(64))  # hex
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the DER
    subject: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(500))
    not_before = mapped_column(UTCDateTime, nullable=False)
    not_after = mapped_column(UTCDateTime, nullable=False)
    certificate_der: Mapped[bytes] = mapped_column(LargeBinary)
    pkcs12: Mapped[bytes] = mapped_column(LargeBinary)
    internal: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Wrong PINs in a row; after too many the key is locked for a while (the adapter commits them).
    failed_pins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])

    @property
    def revoked(self):
        return self.revoked_at is not None

    def expired(self, now=None):
        now = now or utcnow()
        return now > self.not_after or now < self.not_before

    def expires_soon(self, now=None, days=30):
        from datetime import timedelta

        now = now or utcnow()
        return not self.expired(now) and self.not_after - now <= timedelta(days=days)


class TrustRoot(db.Model):
    """A root certificate admins trust for verification (Vietnam has two chains, maybe more)."""

    __tablename__ = "signing_trust_roots"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(500))
    not_after = mapped_column(UTCDateTime, nullable=False)
    certificate_der: Mapped[bytes] = mapped_column(LargeBinary)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
