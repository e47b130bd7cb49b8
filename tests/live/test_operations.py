"""Live operations on real rows (rolled back per test), and the handlers through Flask-SocketIO's test client."""
import pytest

from ecabinet.bodies.rules import WorkingRules
from flask import request
from sqlalchemy import select

from ecabinet.core.errors import InvalidState, InvalidValue, NotAllowed
from ecabinet.extensions import db, socketio
from ecabinet.live import operations, rows, state
from ecabinet.live.models import LiveState
from ecabinet.meetings.models import Attendance, MeetingStatus
from tests.factories import create_document, create_meeting, create_user


pytestmark = pytest.mark.usefixtures("in_request")


def test_seq_increases_with_every_change(session_live):
    meeting, _secretariat, chair, _members = session_live
    first = operations.navigate(meeting, None, 2, actor=chair)
    second = operations.set_current_item(meeting, meeting.agenda_items[1], actor=chair)
    third = operations.navigate(meeting, None, 3, actor=chair)
    assert (first["seq"], second["seq"], third["seq"]) == (1, 2, 3)
    db.session.expire_all()
    row = db.session.get(LiveState, meeting.id)
    assert (row.seq, row.page, row.current_item_id) == (3, 3, meeting.agenda_items[1].id)


def test_navigate_checks_the_page_and_the_session(session_live):
    meeting, secretariat, chair, _members = session_live
    with pytest.raises(InvalidValue):
        operations.navigate(meeting, None, 0, actor=chair)
    ended = create_meeting(status=MeetingStatus.ENDED, actor=secretariat, chair=chair)
    with pytest.raises(InvalidState):
        operations.navigate(ended, None, 1, actor=chair)


def test_presence_counts_voting_members_for_quorum(session_live):
    meeting, secretariat, chair, members = session_live
    for member in members:
        operations.check_in(meeting.participant_for(member), actor=member)
    presence = state.presence_json(meeting)
    assert (presence["present_voting"], presence["total_voting"], presence["quorum_met"]) == (3, 4, True)
    operations.set_attendance(meeting.participant_for(members[0]), "absent_excused", note="Ốm", actor=secretariat)
    presence = state.presence_json(meeting)
    assert presence["quorum_met"] is False and presence["attendance"][str(members[0].id)] == "absent_excused"


def test_stand_in_attends_for_a_member(session_live):
    meeting, secretariat, _chair, members = session_live
    stand_in = create_user()
    operations.set_attendance(meeting.participant_for(members[0]), "substituted", stand_in=stand_in,
                              actor=secretariat)
    delegate = meeting.participant_for(stand_in)
    assert delegate.role.value == "delegate" and delegate.delegate_for_id == members[0].id
    assert delegate.attendance == Attendance.PRESENT
    assert meeting.participant_for(members[0]).attendance == Attendance.SUBSTITUTED


@pytest.mark.parametrize("counted", [False, True])
def test_a_member_represented_by_a_present_stand_in_counts_toward_quorum_where_set(app,
                                                                                  session_live, counted):
    meeting, secretariat, chair, members = session_live
    # As if the body's working rules counted stand-ins (or not) when the session started.
    meeting.rules = WorkingRules(stand_ins_count=counted).as_dict()
    for member in (chair, members[1]):
        operations.check_in(meeting.participant_for(member), actor=member)
    stand_in = create_user()
    operations.set_attendance(meeting.participant_for(members[0]), "substituted", stand_in=stand_in,
                              actor=secretariat)
    presence = state.presence_json(meeting)
    assert (presence["present_voting"], presence["total_voting"]) == (3 if counted else 2, 4)
    assert presence["quorum_met"] is counted  # 3 of 4 reach two thirds; 2 do not
    assert stand_in.id in presence["present"] and members[0].id not in presence["present"]
    # The stand-in leaves: the member is no longer represented.
    operations.set_attendance(meeting.participant_for(stand_in), "absent", actor=secretariat)
    assert state.presence_json(meeting)["present_voting"] == 2


def test_floor_queue_in_order(session_live):
    meeting, _secretariat, chair, members = session_live
    for member in (members[2], members[0]):
        operations.request_floor(meeting, member)
    operations.request_floor(meeting, members[2])  # asking twice keeps the first place
    assert rows.floor_json(meeting)["queue"] == [members[2].id, members[0].id]
    operations.grant_floor(meeting, members[0], actor=chair)
    floor = rows.floor_json(meeting)
    assert floor["speaking"] == members[0].id and floor["queue"] == [members[2].id]
    operations.end_floor(meeting, actor=chair)
    assert rows.floor_json(meeting)["speaking"] is None


def test_socket_handlers_with_the_test_client(app, session_live, login):
    meeting, _secretariat, chair, members = session_live
    with app.app_context():
        chair_client = socketio.test_client(app, flask_test_client=login(chair),
                                            headers={"Origin": "http://localhost"})
    member_client = socketio.test_client(app, flask_test_client=login(members[0]),
                                         headers={"Origin": "http://localhost"})
    assert chair_client.is_connected() and member_client.is_connected()
    assert member_client.emit("join", {"meeting_id": meeting.id}, callback=True)["ok"]
    assert chair_client.emit("join", {"meeting_id": meeting.id}, callback=True)["ok"]
    ack = chair_client.emit("navigate", {"meeting_id": meeting.id, "page": 4}, callback=True)
    assert ack["ok"] and ack["seq"] == 1
    pages = [e["args"][0] for e in member_client.get_received() if e["name"] == "page"]
    assert pages == [{"meeting_id": meeting.id, "document_id": None, "page": 4, "seq": 1,
                      "presenter_id": chair.id}]
    assert [e for e in chair_client.get_received() if e["name"] == "page"] == []
    bad = member_client.emit("navigate", {"meeting_id": meeting.id, "page": 5}, callback=True)
    assert bad == {"ok": False, "error": {"code": "not_presenter", "message": bad["error"]["message"]}}
    assert member_client.emit("join", "nonsense", callback=True)["error"]["code"] == "invalid_payload"
    # Leave, then disconnect: a joined socket's disconnect would start the grace-period check, a
    # background task reading the database 15 s later in whatever test runs then.
    for client in (member_client, chair_client):
        assert client.emit("leave", {"meeting_id": meeting.id}, callback=True)["ok"]
        client.disconnect()


def _turn(meeting, user, page, document_id=None, **socket):
    """A page turn as a socket holding this user's browser login (or, with token_id, a token) asks it."""
    socket.setdefault("nonce", None if "token_id" in socket else user.session_nonce)
    return operations.turn_page(meeting.id, document_id, page, actor_id=user.id, **socket)


def test_only_the_presenter_turns_pages_and_a_refusal_changes_nothing(session_live):
    """The page turn's UPDATE carries the permission: a non-presenter's matches no row."""
    meeting, secretariat, chair, members = session_live
    assert _turn(meeting, members[0], 2) is None  # no state row yet
    assert operations.navigate(meeting, None, 2, actor=chair)["seq"] == 1
    assert _turn(meeting, members[0], 3) is None
    assert _turn(meeting, secretariat, 3) is None  # manages, does not present
    with pytest.raises(NotAllowed) as refused:
        operations.navigate(meeting, None, 3, actor=members[0])
    assert refused.value.code == "not_presenter"
    assert _turn(meeting, chair, 3)["seq"] == 2
    operations.set_presenter(meeting, members[1], actor=chair)  # seq 3
    assert _turn(meeting, chair, 4) is None
    assert _turn(meeting, members[1], 4) == {
        "meeting_id": meeting.id, "document_id": None, "page": 4, "seq": 4, "presenter_id": members[1].id}
    meeting.status = MeetingStatus.ENDED
    db.session.flush()
    assert _turn(meeting, members[1], 5) is None
    db.session.expire_all()
    assert (db.session.get(LiveState, meeting.id).seq, db.session.get(LiveState, meeting.id).page) == (4, 4)


def test_a_page_turn_checks_the_sockets_login_and_the_page_in_its_statement(session_live):
    """The fast path holds every check a refused turn would explain: signed in, page in the document."""
    from datetime import timedelta

    from ecabinet.accounts import operations as accounts
    from ecabinet.accounts.models import ApiToken
    from ecabinet.core.db import utcnow
    meeting, secretariat, chair, _members = session_live
    document = create_document(meeting, actor=secretariat, title="Tờ trình", pages=12)
    other_meeting = create_meeting(status=MeetingStatus.LIVE, actor=secretariat, chair=chair)
    elsewhere = create_document(other_meeting, actor=secretariat, title="Khác", pages=12)
    operations.navigate(meeting, None, 1, actor=chair)
    assert _turn(meeting, chair, 12, document.id)["seq"] == 2
    assert _turn(meeting, chair, 13, document.id) is None  # past the last page
    assert _turn(meeting, chair, 2, elsewhere.id) is None  # another session's document
    assert _turn(meeting, chair, 2, nonce="stale") is None  # logged out since the socket connected
    raw = accounts.issue_token(chair)
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == chair.id)).one()
    assert _turn(meeting, chair, 3, token_id=token.id)["seq"] == 3
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert _turn(meeting, chair, 4, token_id=token.id) is None
    token.expires_at, token.revoked_at = utcnow() + timedelta(days=1), utcnow()
    db.session.flush()
    assert _turn(meeting, chair, 4, token_id=token.id) is None
    assert raw and _turn(meeting, chair, 4)["seq"] == 4
    chair.active = False
    db.session.flush()
    assert _turn(meeting, chair, 5) is None
    db.session.expire_all()
    assert db.session.get(LiveState, meeting.id).seq == 4


def test_presence_broadcasts_are_coalesced_and_end_on_the_latest_state(app, monkeypatch):
    """Many changes within the interval give one broadcast at once and one at its end, read then."""
    import threading
    import time

    from ecabinet.core import realtime

    sent, current = [], {"value": 0}
    lock = threading.Lock()

    def fake_send(_app, key, _read):
        with lock:
            sent.append((key[1], current["value"]))

    monkeypatch.setattr(realtime._Coalescer, "send_now", staticmethod(fake_send))
    coalescer = realtime._coalescer
    for value in range(1, 21):  # twenty check-ins in quick succession
        current["value"] = value
        coalescer.schedule(app, 7, "presence", None, 0.2)
        time.sleep(0.005)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (("presence", 7) in coalescer.pending or not sent or sent[-1][1] != 20):
        time.sleep(0.02)
    assert 2 <= len(sent) <= 3, sent
    assert sent[-1] == (7, 20)  # the room ends on the state after the last change
    assert ("presence", 7) not in coalescer.pending
    current["value"] = 21  # a later change starts a new broadcaster, sent at once
    coalescer.schedule(app, 7, "presence", None, 0.2)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and sent[-1] != (7, 21):
        time.sleep(0.02)
    assert sent[-1] == (7, 21)


def test_directory_version_follows_changes_of_who_takes_part(session_live):
    """participants_version moves with the directory (who, names, roles, voting rights), in the same
    flush as the change; attendance reaches tablets through presence and leaves it alone."""
    from ecabinet.live import directory
    from ecabinet.meetings import operations as meetings
    from ecabinet.meetings.models import Role

    meeting, secretariat, chair, members = session_live
    operations.get_state(meeting)
    db.session.flush()

    def version():
        return directory.version_of(meeting.id)

    start = version()
    operations.check_in(meeting.participant_for(members[0]), actor=members[0])
    operations.set_attendance(meeting.participant_for(members[1]), "absent_excused", note="Ốm", actor=secretariat)
    assert version() == start
    guest = create_user(full_name="Khách Mời Mới")
    participant = meetings.invite_participant(meeting, guest, Role.GUEST, actor=secretariat)
    db.session.flush()
    assert version() == start + 1
    assert "Khách Mời Mới" in {p["full_name"] for p in directory.directory_json(meeting)["participants"]}
    meetings.update_participant(participant, actor=secretariat, role=Role.MEMBER.value, can_vote=True)
    db.session.flush()
    assert version() == start + 2
    guest.full_name = "Khách Mời Đổi Tên"
    db.session.flush()
    assert version() == start + 3
    stand_in = create_user()
    operations.set_attendance(meeting.participant_for(members[2]), "substituted", stand_in=stand_in,
                              actor=secretariat)
    assert version() == start + 4
    entry = next(p for p in directory.directory_json(meeting)["participants"] if p["user_id"] == members[1].id)
    assert (entry["attendance"], entry["attendance_note"]) == ("absent_excused", "Ốm")
    snapshot = state.snapshot(meeting, members[0])
    assert snapshot["participants_version"] == start + 4 and "participants" not in snapshot


def test_seq_changing_events_of_a_session_run_one_at_a_time_emit_included(app, monkeypatch):
    """Two page turns handled at once must reach the room in the order they changed seq."""
    import threading
    import time

    from ecabinet.core import realtime

    log = []

    def turn(call):
        log.append(("change", call.data["meeting_id"], call.data["n"]))
        time.sleep(0.05)  # the commit or the emit waiting on I/O: another event's turn to run
        realtime.broadcast(call.data["meeting_id"], "page", {"n": call.data["n"]})

    def emit(_event, payload, to, **_kwargs):
        log.append(("emit", int(to.split(":")[1]), payload["n"]))

    monkeypatch.setattr(socketio, "emit", emit)

    def run_together(ordered, payloads):
        log.clear()
        handler = realtime.handler_of(realtime.EventSpec("turn", turn, "none", False, ordered, None, None, None))

        def one(payload):
            with app.test_request_context():
                request.sid = "sid-test"
                handler(payload)

        threads = [threading.Thread(target=one, args=(payload,)) for payload in payloads]
        for thread in threads:
            thread.start()
            time.sleep(0.01)
        for thread in threads:
            thread.join(5)
        return list(log)

    ordered = run_together(True, [{"meeting_id": 7, "n": 1}, {"meeting_id": 7, "n": 2}])
    assert [entry[0] for entry in ordered] == ["change", "emit", "change", "emit"]
    # Without ordering the two interleave (what the lock prevents), and other sessions are not held up.
    assert [entry[0] for entry in run_together(False, [{"meeting_id": 7, "n": 1}, {"meeting_id": 7, "n": 2}])] \
        == ["change", "change", "emit", "emit"]
    other = run_together(True, [{"meeting_id": 7, "n": 1}, {"meeting_id": 8, "n": 2}])
    assert [entry[0] for entry in other] == ["change", "change", "emit", "emit"]


def test_a_large_room_hears_coalesced_events_less_often(app, monkeypatch):
    """The pause after a coalesced broadcast grows with the tablets in the room on this process, so
    that the room hears at most COALESCED_MESSAGES_PER_SECOND such messages a second."""
    from ecabinet.core import realtime
    from ecabinet.extensions import socketio

    rooms = {realtime.meeting_room(7): 2000, realtime.meeting_room(8): 15}
    monkeypatch.setattr(socketio.server.manager, "get_participants",
                        lambda _namespace, room: ((f"s{i}", f"e{i}") for i in range(rooms.get(room, 0))))
    monkeypatch.setitem(app.config, "COALESCED_MESSAGES_PER_SECOND", 1000)
    assert realtime._Coalescer.pause(app, 7, 0.25) == 2.0
    assert realtime._Coalescer.pause(app, 8, 0.25) == 0.25
    assert realtime._Coalescer.pause(app, 9, 0.25) == 0.25
    monkeypatch.setitem(app.config, "COALESCED_MESSAGES_PER_SECOND", 0)  # off: the interval as configured
    assert realtime._Coalescer.pause(app, 7, 0.25) == 0.25
