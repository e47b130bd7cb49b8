"""core.realtime: the one path of socket events, the one broadcast after the commit, the snapshot registry.

Through Flask-SocketIO's test client on the test's rolled-back transaction (commits inside it are
the session's own commits: what the after-commit sending listens to).
"""
import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from ecabinet.core import realtime
from ecabinet.core.errors import InvalidState
from ecabinet.extensions import db, socketio
from ecabinet.live import access, operations, state
from ecabinet.live.models import LiveState
from ecabinet.meetings.models import Meeting
from tests.factories import create_user
from tests.live.conftest import received

pytestmark = pytest.mark.usefixtures("in_request")


def test_a_rolled_back_change_pushes_nothing_and_a_committed_one_pushes_exactly_once(session_live, sockets):
    meeting, _secretariat, _chair, members = session_live
    meeting_id = meeting.id
    watcher = sockets(members[0], meeting_id)
    realtime.broadcast(meeting_id, "documents", {"meeting_id": meeting_id})
    db.session.rollback()
    db.session.commit()  # a later commit finds nothing left over
    assert received(watcher, "documents") == []

    realtime.broadcast(meeting_id, "documents", {"meeting_id": meeting_id})
    assert received(watcher, "documents") == []  # not before the commit
    db.session.commit()
    assert received(watcher, "documents") == [{"meeting_id": meeting_id}]
    db.session.commit()
    assert received(watcher, "documents") == []


def test_a_savepoint_rolled_back_drops_only_its_own_messages(session_live, sockets):
    meeting, _secretariat, _chair, members = session_live
    watcher = sockets(members[0], meeting.id)
    realtime.broadcast(meeting.id, "floor", {"n": 1})
    with db.session.begin_nested():
        realtime.broadcast(meeting.id, "floor", {"n": 2})  # released: waits for the real commit
    savepoint = db.session.begin_nested()
    realtime.broadcast(meeting.id, "floor", {"n": 3})
    savepoint.rollback()
    assert received(watcher, "floor") == []
    db.session.commit()
    assert received(watcher, "floor") == [{"n": 1}, {"n": 2}]


def test_a_later_broadcast_with_the_same_key_replaces_the_earlier(session_live, sockets):
    meeting, _secretariat, _chair, members = session_live
    watcher = sockets(members[0], meeting.id)
    for version in (1, 2, 3):
        realtime.broadcast(meeting.id, "participants", {"version": version}, key=("participants", meeting.id))
    db.session.commit()
    assert received(watcher, "participants") == [{"version": 3}]


def test_socket_events_push_after_their_commit_and_a_refusal_pushes_nothing(session_live, sockets):
    meeting, _secretariat, chair, members = session_live
    watcher = sockets(members[1], meeting.id)
    member = sockets(members[0])
    ack = member.emit("floor_grant", {"meeting_id": meeting.id, "user_id": members[0].id}, callback=True)
    assert ack["error"]["code"] == "forbidden"
    assert received(watcher, "floor") == []
    ack = member.emit("floor_request", {"meeting_id": meeting.id}, callback=True)
    assert ack["ok"] and ack["floor"]["queue"] == [members[0].id]
    assert received(watcher, "floor") == [ack["floor"]]


@pytest.fixture
def declared():
    """Declare socket events for one test (as another domain's events.py would) and attach them."""
    names = []

    def declare(name, **options):
        def register(handler):
            realtime.event(name, **options)(handler)
            socketio.on_event(name, realtime.handler_of(realtime.declared_events()[name]), namespace="/")
            names.append(name)
            return handler
        return register

    yield declare
    for name in names:
        realtime._EVENTS.pop(name, None)
        socketio.server.handlers["/"].pop(name, None)


def test_another_domain_declares_an_event_through_the_one_path(session_live, sockets, declared):
    """A domain's event gets the payload check, the re-checked sign-in, its own access rule, the
    commit and the broadcast after it, and errors as acks, without a line in the live package."""
    meeting, _secretariat, chair, members = session_live
    watcher = sockets(members[1], meeting.id)

    def ballot_meeting(call):
        return db.session.get(Meeting, call.int("meeting_id"))

    @declared("test_open_ballot", target=ballot_meeting, allow=access.can_manage_floor)
    def open_ballot(call, target):
        if call.data.get("fail"):
            realtime.broadcast(target.id, "ballot", {"status": "open"})
            raise InvalidState("ballot already open", code="ballot_open")
        realtime.broadcast(target.id, "ballot", {"status": "open", "by": call.user.id})
        return {"ballot_id": 1}

    chair_socket, member_socket = sockets(chair), sockets(members[0])
    assert chair_socket.emit("test_open_ballot", "nope", callback=True)["error"]["code"] == "invalid_payload"
    assert chair_socket.emit("test_open_ballot", {"meeting_id": "x"}, callback=True)["error"]["code"] \
        == "invalid_payload"
    assert member_socket.emit("test_open_ballot", {"meeting_id": meeting.id}, callback=True)["error"]["code"] \
        == "forbidden"
    failed = chair_socket.emit("test_open_ballot", {"meeting_id": meeting.id, "fail": True}, callback=True)
    assert failed == {"ok": False, "error": {"code": "ballot_open", "message": "ballot already open"}}
    assert received(watcher, "ballot") == []
    assert chair_socket.emit("test_open_ballot", {"meeting_id": meeting.id}, callback=True) == {"ok": True,
                                                                                              "ballot_id": 1}
    assert received(watcher, "ballot") == [{"status": "open", "by": chair.id}]
    # The sign-in is re-checked on every event: a deactivated chair is refused at once.
    chair.active = False
    db.session.commit()
    assert chair_socket.emit("test_open_ballot", {"meeting_id": meeting.id}, callback=True)["error"]["code"] \
        == "not_authenticated"
    assert received(watcher, "ballot") == []


def test_an_event_that_checks_the_sign_in_itself_must_do_so(session_live, sockets, declared):
    meeting, _secretariat, chair, _members = session_live

    @declared("test_forgetful", auth="inline")
    def forgetful(call):
        realtime.broadcast(meeting.id, "page", {})

    assert sockets(chair).emit("test_forgetful", {}, callback=True)["error"]["code"] == "internal_error"


# -- the snapshot registry ----------------------------------------------------------------------


def test_a_domain_adds_a_snapshot_section_and_what_changes_it_without_touching_live(session_live):
    """As a future domain would: its section in every join snapshot, built once per room version and
    shaped per caller; the rows it watches change the room version, so every process rebuilds."""
    from ecabinet.audit.models import AuditEntry
    from ecabinet.audit.operations import record

    meeting, secretariat, _chair, members = session_live
    operations.get_state(meeting)
    db.session.commit()
    builds = []

    def shared(room_meeting):
        builds.append(room_meeting.id)
        return db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.meeting_id == room_meeting.id))

    def personal(count, seen, user, display):
        return {"entries": count, "for": getattr(user, "id", None)}

    realtime.snapshot_section("test_audit", shared=shared, personal=personal, watch=(AuditEntry,))
    try:
        first = state.snapshot(meeting, members[0])["test_audit"]
        again = state.snapshot(meeting, members[1])["test_audit"]
        assert (first["for"], again["for"]) == (members[0].id, members[1].id)
        assert first["entries"] == again["entries"] and len(builds) == 1
        record("test.entry", actor=secretariat, meeting_id=meeting.id)
        db.session.commit()
        after = state.snapshot(meeting, members[0])["test_audit"]
        assert after["entries"] == first["entries"] + 1 and len(builds) == 2
    finally:
        realtime._SECTIONS.pop("test_audit", None)
        realtime._WATCHED.pop(AuditEntry, None)


def test_the_live_package_names_no_other_domains_section():
    """documents and open_ballots come from their domains' registrations, not from live."""
    import pathlib

    import ecabinet.live

    keys = [section.key for section in realtime.snapshot_sections()]
    assert {"documents", "open_ballots"} <= set(keys)
    # strings.py is the pages' text table (its "documents" is a panel's title, not the section).
    source = "".join(path.read_text() for path in pathlib.Path(ecabinet.live.__file__).parent.glob("*.py")
                     if path.name != "strings.py")
    for key in keys:
        assert f'"{key}"' not in source, key


# -- reading never writes -----------------------------------------------------------------------


@pytest.fixture
def statements():
    """The SQL statements the test's connection runs."""
    seen = []
    connection = db.session.connection()

    def capture(_conn, _cursor, statement, *_args):
        seen.append(statement.strip().split()[0].upper())

    sa_event.listen(connection, "before_cursor_execute", capture)
    yield seen
    sa_event.remove(connection, "before_cursor_execute", capture)


def test_reading_the_snapshot_and_the_live_detail_never_writes(app, session_live, statements, bearer):
    """A session nobody has joined yet has no live state row: reading its snapshot, presence or the
    live part of GET /api/v1/meetings/<id> shows it as it starts, and writes nothing."""
    meeting, _secretariat, chair, members = session_live
    headers = bearer(members[0])
    statements.clear()
    snapshot = state.snapshot(meeting, members[0])
    assert snapshot["presentation"] == {"document_id": None, "page": 1, "seq": 0, "presenter_id": chair.id}
    assert snapshot["participants_version"] == 0 and snapshot["open_ballots"] == []
    state.presence_of(meeting.id)
    with app.test_client() as client:
        detail = client.get(f"/api/v1/meetings/{meeting.id}", headers=headers)
    assert detail.status_code == 200 and detail.get_json()["live"]["presentation"]["seq"] == 0
    writes = [s for s in statements if s not in {"SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "WITH"}]
    assert writes == []
    assert db.session.get(LiveState, meeting.id) is None


def test_a_first_join_creates_the_live_state_row_and_reads_the_same_snapshot(session_live, sockets):
    meeting, _secretariat, _chair, members = session_live
    member = sockets(members[0])
    before = state.snapshot(meeting, members[0])
    ack = member.emit("join", {"meeting_id": meeting.id}, callback=True)
    assert ack["ok"] and db.session.get(LiveState, meeting.id) is not None
    for key in ("agenda", "presentation", "floor", "documents", "open_ballots", "can_present", "can_chair"):
        assert ack["state"][key] == before[key], key


def test_a_stranger_is_refused_by_every_session_event_and_nothing_is_pushed(session_live, sockets):
    meeting, _secretariat, _chair, members = session_live
    watcher = sockets(members[0], meeting.id)
    stranger = sockets(create_user())
    for name in sorted(realtime.declared_events()):
        if name.startswith("test_") or name == "leave":
            continue
        ack = stranger.emit(name, {"meeting_id": meeting.id, "user_id": members[0].id, "agenda_item_id": 1,
                                   "document_id": 1, "page": 1, "attendance": "present", "ballot_id": 1,
                                   "choice": "yes"}, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] in {"meeting_not_found", "not_participant",
                                                               "not_presenter", "ballot_not_found"}, (name, ack)
    assert [event for event in watcher.get_received() if event["name"] != "presence"] == []


def test_only_a_transaction_closed_without_commit_or_rollback_warns(session_live, caplog):
    meeting = session_live[0]
    with caplog.at_level("WARNING", logger="ecabinet.core.realtime"):
        realtime.broadcast(meeting.id, "floor", {})
        db.session.rollback()
        assert caplog.records == []
        realtime.broadcast(meeting.id, "floor", {})
        db.session.close()
    assert [r.getMessage() for r in caplog.records] == [
        "1 broadcast(s) dropped: their transaction ended without a commit"]
