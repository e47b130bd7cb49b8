"""Writing and verifying the audit chain."""
import hashlib
import json

from flask import has_request_context, request
from sqlalchemy import select, text

from ecabinet.audit.models import AuditEntry
from ecabinet.core.db import utcnow
from ecabinet.extensions import db

GENESIS_HASH = "0" * 64
_CHAIN_LOCK_ID = 0xEC_AB_01  # PostgreSQL advisory lock serialising appends across processes


def _entry_digest(prev_hash, entry):
    body = json.dumps(
        {
            "prev": prev_hash,
            "at": entry.created_at.isoformat(),
            "actor": entry.actor_id,
            "action": entry.action,
            "object": [entry.object_type, entry.object_id],
            "meeting": entry.meeting_id,
            "address": entry.address,
            "details": entry.details,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(action, *, actor=None, obj=None, meeting_id=None, **details):
    """Append an entry to the chain in the current transaction (flushed, not committed)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _CHAIN_LOCK_ID})
    last = db.session.execute(
        select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar()
    entry = AuditEntry(
        created_at=utcnow().replace(microsecond=0),
        actor_id=getattr(actor, "id", actor),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else None,
        object_id=getattr(obj, "id", None),
        meeting_id=meeting_id,
        address=request.remote_addr if has_request_context() else None,
        details=details,
    )
    entry.prev_hash = last or GENESIS_HASH
    entry.entry_hash = _entry_digest(entry.prev_hash, entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def verify_chain():
    """Walk the chain; return (number of entries checked, id of the first bad entry or None)."""
    prev = GENESIS_HASH
    count = 0
    for entry in db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        if entry.prev_hash != prev or _entry_digest(prev, entry) != entry.entry_hash:
            return count, entry.id
        prev = entry.entry_hash
        count += 1
    return count, None
