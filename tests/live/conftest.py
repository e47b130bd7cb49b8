"""Fixtures of the live-session tests: a seeded live session on a real server, socket clients."""
import threading
import time
import uuid
from dataclasses import dataclass

import pytest
import requests
import socketio

from tests import services
from tests.conftest import LiveServer
from tests.factories import PASSWORD

GRACE_SECONDS = "1"


@pytest.fixture
def in_request(app):
    """Operations translate their error messages: they run inside a request, as in the app."""
    with app.test_request_context():
        yield


@pytest.fixture
def session_live():
    """A live session in the test's transaction: the secretariat, a chair, three members, two items."""
    from ecabinet.meetings.models import MeetingStatus
    from tests.factories import create_meeting, create_secretariat, create_user

    secretariat = create_secretariat()
    chair = create_user()
    members = [create_user() for _ in range(3)]
    meeting = create_meeting(status=MeetingStatus.LIVE, actor=secretariat, chair=chair, members=members,
                             agenda=("Một", "Hai"))
    return meeting, secretariat, chair, members


@pytest.fixture(autouse=True)
def _short_grace(monkeypatch):
    """Servers started by these tests announce a lost connection after 1 s instead of 15."""
    monkeypatch.setenv("ECABINET_LIVE_GRACE_SECONDS", GRACE_SECONDS)


def wait_for(predicate, timeout=5.0, interval=0.02):
    """Poll until predicate() is truthy; returns its value or None at the deadline (never loops forever)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def api_token(base_url, username, password=PASSWORD):
    response = requests.post(f"{base_url}/api/v1/session", json={"username": username, "password": password},
                             timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["token"]


class Tablet:
    """A real python-socketio client that records every event it receives."""

    EVENTS = ("page", "agenda", "presence", "floor", "meeting", "participants")

    def __init__(self, base_url, token=None, display_token=None, headers=None, transports=("websocket",)):
        self.base_url = base_url
        self.events = {name: [] for name in self.EVENTS}
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.disconnected = threading.Event()
        for name in self.EVENTS:
            self.client.on(name, self._recorder(name))
        self.client.on("disconnect", lambda *args: self.disconnected.set())
        self.auth = {"token": token} if token else ({"display_token": display_token} if display_token else None)
        self.headers = headers or {}
        self.transports = list(transports)

    def _recorder(self, name):
        def record(payload):
            with self.lock:
                self.events[name].append(payload)
        return record

    def connect(self):
        self.disconnected.clear()
        self.client.connect(self.base_url, auth=self.auth, transports=self.transports, headers=self.headers,
                            wait_timeout=10)
        return self

    def call(self, event, data):
        return self.client.call(event, data, timeout=10)

    def join(self, meeting_id):
        return self.call("join", {"meeting_id": meeting_id})

    def received(self, name):
        with self.lock:
            return list(self.events[name])

    def wait_event(self, name, predicate=lambda payload: True, timeout=5.0):
        return wait_for(lambda: next((p for p in self.received(name) if predicate(p)), None), timeout)

    def close(self):
        if self.client.connected:
            self.client.disconnect()


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    full_name: str

    @classmethod
    def of(cls, user):
        return cls(user.id, user.username, user.full_name)


class Room:
    """A live session seeded into a server's database: chair, secretary, members, a stranger."""

    def __init__(self, app):
        from ecabinet.extensions import db
        from ecabinet.meetings.models import MeetingStatus
        from tests.factories import create_meeting, create_secretariat, create_user

        with app.app_context():
            tag = uuid.uuid4().hex[:6]
            self.secretariat = create_secretariat(username=f"vp{tag}", full_name="Trần Thị Thư Ký")
            self.chair = create_user(username=f"ct{tag}", full_name="Nguyễn Văn Chủ Tịch", title="Chủ tịch UBND")
            self.members = [create_user(username=f"tv{i}{tag}", full_name=f"Lê Văn Thành Viên {i}")
                            for i in range(1, 5)]
            self.director = create_user(username=f"gd{tag}", full_name="Phạm Giám Đốc Sở", title="Giám đốc Sở")
            self.stranger = create_user(username=f"ng{tag}", full_name="Người Ngoài")
            self.other_member = create_user(username=f"kh{tag}", full_name="Thành Viên Phiên Khác")
            self.meeting = create_meeting(
                "Phiên họp thường kỳ tháng 11", status=MeetingStatus.LIVE, actor=self.secretariat,
                chair=self.chair, members=self.members, guests=[self.director],
                agenda=("Tờ trình kế hoạch đầu tư công 2027", "Báo cáo kinh tế - xã hội", "Đề án chuyển đổi số"))
            self.other = create_meeting("Phiên họp khác", status=MeetingStatus.LIVE, actor=self.secretariat,
                                        chair=self.chair, members=[self.other_member])
            self.doc_ids = _seed_documents(self.meeting, self.secretariat)
            self.meeting_id, self.other_id = self.meeting.id, self.other.id
            self.item_ids = [i.id for i in self.meeting.agenda_items]
            for name in ("secretariat", "chair", "director", "stranger", "other_member"):
                setattr(self, name, Person.of(getattr(self, name)))
            self.members = [Person.of(m) for m in self.members]
            del self.meeting, self.other
            db.session.remove()


def _seed_documents(meeting, actor, pages=(24, 40, 12)):
    """A document of real PDF pages for each agenda item."""
    from tests.factories import create_document

    return [create_document(meeting, actor=actor, title=f"Tài liệu {n + 1}", pages=page_count,
                            agenda_item=meeting.agenda_items[n]).id
            for n, page_count in enumerate(pages)]


@pytest.fixture
def room(live_server):
    return Room(live_server.app)


@pytest.fixture
def tablets():
    """tablets(base_url, username) -> a connected Tablet; all are closed after the test."""
    opened = []

    def make(base_url, username=None, **kwargs):
        token = api_token(base_url, username) if username else kwargs.pop("token", None)
        tablet = Tablet(base_url, token=token, **kwargs).connect()
        opened.append(tablet)
        return tablet

    yield make
    for tablet in opened:
        tablet.close()


@pytest.fixture
def redis_url():
    """The CI Redis (a dedicated db number), or a skip with the reason (a failure on CI)."""
    parts = services.REDIS_URL.split("//", 1)[1].split("/", 1)[0]
    host, _sep, port = parts.partition(":")
    services.require_service(services.port_open(host, int(port or 6379)),
                             f"Redis is not reachable at {host}:{port or 6379}")
    return services.REDIS_URL


@pytest.fixture
def two_servers(live_server, redis_url, tmp_path):
    """The live server plus a second process on the same database, both on the Redis message queue."""
    channel = f"ecabinet-test-{uuid.uuid4().hex[:8]}"
    env = {"ECABINET_MESSAGE_QUEUE": redis_url, "ECABINET_MESSAGE_QUEUE_CHANNEL": channel}
    live_server.extra_env.update(env)
    live_server.restart()
    instance = tmp_path / "second-instance"
    instance.mkdir()
    second = LiveServer(live_server.database_url, live_server.storage_dir, instance, extra_env=env)
    second.app = live_server.app
    second.start()
    yield live_server, second
    second.stop()


# -- in-process sockets (Flask-SocketIO's test client) on the test's transaction --------------


@pytest.fixture
def sockets(app, bearer, login, monkeypatch):
    """sockets(user, meeting=None) -> a connected test client (in the session's room when given).

    Disconnecting a joined socket starts the grace-period check, a background task that would read
    the database 15 s later, in whatever test runs then: not for these in-process sockets."""
    from ecabinet.core import realtime
    from ecabinet.extensions import socketio
    from ecabinet.live import events

    monkeypatch.setattr(events, "_announce_if_still_lost", lambda *_args: None)
    opened = []

    def connect(user, meeting_id=None):
        token = bearer(user)["Authorization"].split()[1]
        client = socketio.test_client(app, flask_test_client=login(user), auth={"token": token})
        assert client.is_connected()
        if meeting_id is not None:
            sid = socketio.server.manager.sid_from_eio_sid(client.eio_sid, "/")
            socketio.server.enter_room(sid, realtime.meeting_room(meeting_id), namespace="/")
        client.get_received()
        opened.append(client)
        return client

    yield connect
    for client in opened:
        if client.is_connected():
            client.disconnect()


def received(client, name):
    return [event["args"][0] for event in client.get_received() if event["name"] == name]
