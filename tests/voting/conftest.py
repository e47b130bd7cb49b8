"""Fixtures of the voting tests: a live session whose members checked in, and helpers to vote."""
import pytest

from ecabinet.extensions import db
from ecabinet.live import operations as live
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus, Role
from tests.factories import create_meeting, create_secretariat, create_user
from tests.live.conftest import _short_grace, room  # noqa: F401  (the live tests' server fixtures)


@pytest.fixture
def in_request(app):
    """Operations translate their messages and read the app's secret key: inside a request, as in the app."""
    with app.test_request_context():
        yield


class Hall:
    """A live session: a chair, a secretary, `n` members (all checked in unless `absent`), a guest,
    and the body's secretariat."""

    def __init__(self, n=4, absent=0, status=MeetingStatus.LIVE):
        self.secretariat = create_secretariat(full_name="Trần Thị Văn Phòng")
        self.chair = create_user(full_name="Nguyễn Văn Chủ Tọa")
        self.secretary = create_user(full_name="Lê Thị Thư Ký")
        self.members = [create_user(full_name=f"Phạm Văn Thành Viên {i:02d}") for i in range(n)]
        self.guest = create_user(full_name="Hoàng Khách Mời")
        self.meeting = create_meeting(status=MeetingStatus.PUBLISHED, actor=self.secretariat, chair=self.chair,
                                      members=self.members, guests=[self.guest])
        meetings.invite_participant(self.meeting, self.secretary, Role.SECRETARY, actor=self.secretariat)
        present = [self.chair, *self.members[: n - absent]]
        for user in present:
            live.check_in(self.meeting.participant_for(user), actor=user)
        if status != MeetingStatus.PUBLISHED:
            meetings.change_status(self.meeting, MeetingStatus.LIVE, actor=self.secretariat)
        db.session.commit()

    @property
    def voters(self):
        return [self.chair, *self.members]


@pytest.fixture
def hall():
    return Hall()


@pytest.fixture(autouse=True)
def _no_coalesced_progress(request, monkeypatch):
    """In-process tests run on the test's one connection: the coalesced `ballot` progress is a
    background task that would read on it at any moment. Real servers send it
    (tests/voting/test_server.py); here it is left out."""
    if "live_server" in request.fixturenames:
        return
    from ecabinet.voting import events

    monkeypatch.setattr(events, "announce_progress", lambda _meeting_id: None)
