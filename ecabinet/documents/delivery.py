"""Sending a document version to a reader: permission already checked by the caller; here
conditional and Range requests, caching headers, per-reader watermarked copies, X-Accel-Redirect."""
import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _

from ecabinet.accounts.auth import bearer_token
from ecabinet.core.db import utcnow
from ecabinet.core.formats import format_datetime
from ecabinet.documents import operations
from ecabinet.documents.pdf import DEFAULT_FONT, watermark_pdf
from ecabinet.documents.storage import get_storage, write_atomically
from ecabinet.extensions import db
from ecabinet.server import run_in_worker

IMMUTABLE = "private, max-age=31536000, immutable"
REVALIDATE = "private, no-cache"
# A browser's HTTP cache is shared by everyone who uses the tablet and outlives a logout: pages
# get document bytes uncached, and the offline copies are kept per user by the service worker.
NOT_STORED = "private, no-store"


def reader_key(user):
    """Changes when what the stamp shows about the reader changes (name, unit, the language of its footer)."""
    return hashlib.sha256(f"{user.id}|{user.full_name}|{user.unit_name or ''}|{get_locale()}".encode()).hexdigest()[:16]


def watermark_texts(user, when):
    moment = format_datetime(when)
    lines = [user.full_name]
    if user.unit_name:
        lines.append(user.unit_name)
    lines.append(moment)
    footer = _("CONFIDENTIAL · issued to %(name)s%(unit)s · %(time)s · copying or sharing is forbidden",
               name=user.full_name, unit=f" ({user.unit_name})" if user.unit_name else "", time=moment)
    return lines, footer


def stamped_copy(version, user):
    """The reader's watermarked copy of a version, built once per (version, reader) and cached."""
    storage = get_storage()
    target = storage.cache_path("watermarked", version.sha256, f"{user.id}-{reader_key(user)}.pdf")
    if not target.exists():
        lines, footer = watermark_texts(user, utcnow())
        source = storage.local_path(version.sha256)
        font = current_app.config.get("WATERMARK_FONT", DEFAULT_FONT)
        run_in_worker(write_atomically, target, lambda temp: watermark_pdf(source, temp, lines, footer, font))
    return target


def reader_etag(document, version, user):
    """The ETag of the bytes this reader gets: it changes with the version, with the watermark
    (a document that became confidential) and with what the stamp says about the reader."""
    if document.needs_watermark:
        return f"{version.sha256[:32]}-u{user.id}-{reader_key(user)}"
    return version.sha256


def reader_file(document, version, user):
    """(path, etag) of the bytes this reader gets for this version."""
    if document.needs_watermark:
        return stamped_copy(version, user), reader_etag(document, version, user)
    return get_storage().local_path(version.sha256), reader_etag(document, version, user)


def _is_first_request():
    """A new opening, not PDF.js fetching the next byte range of one already open."""
    ranges = request.range
    if ranges is None:
        return True
    return all(start == 0 for start, _end in ranges.ranges)


def send_version(document, version, user, *, immutable, download_name=None):
    path, etag = reader_file(document, version, user)
    if document.needs_watermark and _is_first_request():
        operations.record_opening(document, version, actor=user, watermarked=True)
        db.session.commit()
    name = download_name or f"{Path(version.filename).stem} (v{version.number}).pdf"
    return send_path(path, etag, name, immutable=immutable)


@dataclass(frozen=True)
class RoomDisplay:
    """The reader a room display (projector, TV) stands for: the room, not a person."""

    meeting_id: int
    full_name: str
    unit_name: str | None = None

    @property
    def id(self):
        return f"room{self.meeting_id}"


def send_to_room_display(document, meeting):
    """The current version for the room's screen; a confidential one is stamped for the room and audited."""
    version = document.current
    display = RoomDisplay(meeting.id, _("Meeting room display"), meeting.title)
    path, etag = reader_file(document, version, display)
    if document.needs_watermark and _is_first_request():
        operations.record_opening(document, version, actor=None, watermarked=True)
        db.session.commit()
    return send_path(path, etag, f"{Path(version.filename).stem}.pdf", immutable=False)


def _cache_control(immutable):
    if bearer_token() is None:
        return NOT_STORED  # a browser: see NOT_STORED
    return IMMUTABLE if immutable else REVALIDATE  # an app with its own login and its own cache


def send_path(path, etag, download_name, *, immutable):
    """The file with ETag, Range and caching headers; through nginx when configured."""
    prefix = current_app.config.get("DOCUMENTS_X_ACCEL_PREFIX")
    cache_control = _cache_control(immutable)
    if prefix:
        storage = get_storage()
        relative = Path(path).resolve().relative_to(Path(storage.root).resolve())
        response = current_app.response_class(status=200, mimetype="application/pdf")
        response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + relative.as_posix()
        response.headers["X-Accel-Buffering"] = "no"
        response.set_etag(etag)
        response.make_conditional(request)
    else:
        response = send_file(path, mimetype="application/pdf", conditional=True, etag=etag,
                             download_name=download_name, as_attachment=False, max_age=None)
    response.headers["Cache-Control"] = cache_control
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

