"""Factories returning real, flushed rows. Tests read like the domain: create_meeting(...)."""
import functools
import itertools
from datetime import timedelta

from ecabinet.accounts import operations as accounts
from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus, Role

PASSWORD = "correct-horse-1"
_counter = itertools.count(1)


def create_user(username=None, full_name=None, *, password=PASSWORD, unit=None, title=None, **flags):
    n = next(_counter)
    user = accounts.create_user(username or f"user{n}", full_name or f"Nguyễn Văn Thử {n}", password,
                                title=title or "Chuyên viên",
                                unit=accounts.get_or_create_unit(unit) if unit else None, **flags)
    db.session.commit()
    return user


def create_secretariat(**kwargs):
    return create_user(is_secretariat=True, **kwargs)


def create_admin(**kwargs):
    return create_user(is_admin=True, **kwargs)


def create_meeting(title="Phiên họp UBND tỉnh thường kỳ", *, status=MeetingStatus.DRAFT, actor=None,
                   agenda=("Tờ trình về kế hoạch đầu tư công",), chair=None, secretary=None,
                   members=(), guests=(), starts_in=timedelta(days=2)):
    """A session with an agenda and participants, moved along the lifecycle to `status`."""
    actor = actor or create_secretariat()
    meeting = meetings.create_meeting(title, utcnow() + starts_in, actor=actor, location="Phòng họp số 1")
    for item in agenda:
        meetings.add_agenda_item(meeting, item, presenter="Sở Tài chính", duration_minutes=20, actor=actor)
    if chair is not None:
        meetings.invite_participant(meeting, chair, Role.CHAIR, actor=actor)
    if secretary is not None:
        meetings.invite_participant(meeting, secretary, Role.SECRETARY, actor=actor)
    for member in members:
        meetings.invite_participant(meeting, member, Role.MEMBER, actor=actor)
    for guest in guests:
        meetings.invite_participant(meeting, guest, Role.GUEST, actor=actor)
    path = [MeetingStatus.PUBLISHED, MeetingStatus.LIVE, MeetingStatus.ENDED, MeetingStatus.ARCHIVED]
    for step in path[: path.index(status) + 1] if status in path else []:
        meetings.change_status(meeting, step, actor=actor)
    db.session.commit()
    return meeting


class Cast:
    """Everyone an access sweep needs around one session."""

    def __init__(self, status=MeetingStatus.PUBLISHED):
        self.secretariat = create_secretariat(full_name="Thư Ký Văn Phòng")
        self.admin = create_admin(full_name="Quản Trị Viên")
        self.chair = create_user(full_name="Chủ Tọa")
        self.member = create_user(full_name="Thành Viên")
        self.guest = create_user(full_name="Khách Mời")
        self.stranger = create_user(full_name="Người Ngoài")
        self.other_member = create_user(full_name="Thành Viên Phiên Khác")
        self.meeting = create_meeting(status=status, actor=self.secretariat, chair=self.chair,
                                      members=[self.member], guests=[self.guest])
        self.other_meeting = create_meeting("Phiên họp khác", status=MeetingStatus.PUBLISHED,
                                            actor=self.secretariat, chair=self.chair, members=[self.other_member])

    def user(self, name):
        return None if name == "anonymous" else getattr(self, name)


@functools.lru_cache(maxsize=32)
def _pdf_bytes(pages, title):
    from tests.documents.pdfs import make_pdf

    return make_pdf(pages, title=title)  # drawing a PDF costs more than the rest of a test scene


def _stored_pdf(pages, title, data=None):
    """A real PDF in the storage, ready to be a document's version (stored directly: the upload
    checks have their own tests)."""
    import tempfile
    from pathlib import Path

    from ecabinet.documents import operations as documents
    from ecabinet.documents.storage import get_storage

    data = data if data is not None else _pdf_bytes(pages, title)
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False, dir=get_storage().scratch_dir()) as handle:
        handle.write(data)
    sha = get_storage().put(Path(handle.name))
    Path(handle.name).unlink(missing_ok=True)
    return documents.PreparedFile(sha, len(data), pages, f"{title[:40]}.pdf")


def create_document(meeting, *, actor, title="Tờ trình về kế hoạch đầu tư công", pages=4, agenda_item=None,
                    classification="normal", guests_allowed=False, kind="submission", data=None):
    """A document with one stored version of a real PDF of `pages` pages."""
    from ecabinet.documents import operations as documents

    document = documents.add_document(meeting, _stored_pdf(pages, title, data), actor=actor, title=title,
                                      kind=kind, agenda_item=agenda_item, classification=classification,
                                      guests_allowed=guests_allowed)
    db.session.commit()
    return document


def replace_document(document, *, actor, pages=4, note=None, data=None):
    """A new version of the document (a real PDF of `pages` pages); the earlier ones stay in its history."""
    from ecabinet.documents import operations as documents

    version = documents.add_version(document, _stored_pdf(pages, f"{document.title} (bản mới)", data),
                                    actor=actor, note=note)
    db.session.commit()
    return version
