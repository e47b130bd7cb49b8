"""Live state as rows, so that every server process and every restart sees the same session."""
from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import UTCDateTime, utcnow
from ecabinet.extensions import db


class LiveState(db.Model):
    """What the room sees now: one row per session, changed with one small UPDATE."""

    __tablename__ = "live_states"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    current_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    item_started_at = mapped_column(UTCDateTime)
    # No foreign key: documents is its own domain; navigate validates the id when it exists.
    document_id: Mapped[int | None] = mapped_column(Integer)
    page: Mapped[int] = mapped_column(Integer, default=1)
    # Increases with every page or agenda change, atomically (UPDATE ... seq = seq + 1).
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # Version of the session's participant directory (who takes part: names, titles, units, roles,
    # voting rights, stand-ins). Bumped in the same transaction as any change of it (live.directory);
    # tablets fetch the directory only when the version they hold differs.
    participants_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Version of what every tablet's join snapshot shares (agenda, attendance, floor, documents),
    # bumped with any change of those rows (live.versions); each process builds that part once
    # per version (live.room).
    room_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # SHA-256 of the room display's token (projector / TV); reissuing replaces it.
    display_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    current_item = relationship("AgendaItem")
    presenter = relationship("User")


class FloorRequest(db.Model):
    """A request for the floor (đăng ký phát biểu): queued, then granted, then ended (or withdrawn)."""

    __tablename__ = "floor_requests"
    __table_args__ = (Index("ix_floor_requests_meeting_open", "meeting_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The agenda item under discussion when the floor was given (the minutes list who spoke on each).
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    requested_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    granted_at = mapped_column(UTCDateTime)
    # Set when the floor ends, or when the request is withdrawn before it was granted.
    ended_at = mapped_column(UTCDateTime)
    withdrawn: Mapped[bool] = mapped_column(default=False)

    user = relationship("User")


class LiveConnection(db.Model):
    """One Socket.IO connection: who, which process, which session it joined, and when it left."""

    __tablename__ = "live_connections"
    __table_args__ = (
        Index("ix_live_connections_user_open", "user_id", "left_at"),
        Index("ix_live_connections_meeting_user", "meeting_id", "user_id"),
        Index("ix_live_connections_process_open", "process_id", "left_at"),
    )

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    # host:port of the server process holding the socket; its rows are closed when it restarts.
    process_id: Mapped[str] = mapped_column(String(100))
    is_display: Mapped[bool] = mapped_column(default=False)
    connected_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    joined_at = mapped_column(UTCDateTime)
    left_at = mapped_column(UTCDateTime)
