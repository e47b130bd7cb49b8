"""The live session against a real eventlet server process with real Socket.IO clients."""
import pytest
import requests
import socketio
from sqlalchemy import select

from tests.live.conftest import Tablet, api_token, wait_for

pytestmark = pytest.mark.server


def _audit_actions(app, action):
    from ecabinet.audit.models import AuditEntry
    from ecabinet.extensions import db

    with app.app_context():
        rows = db.session.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars().all()
        result = [(r.actor_id, r.meeting_id, r.details) for r in rows]
        db.session.remove()
        return result


def test_connect_needs_a_token_or_an_allowed_origin(live_server, room):
    for auth, headers in [(None, {}), ({"token": "not-a-token"}, {}), ({"display_token": "nope"}, {})]:
        client = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(live_server.url, auth=auth, headers=headers, transports=["websocket"], wait_timeout=5)
    # A browser session cookie is accepted only with an allowed Origin (polling: websocket-client
    # would add an Origin header of its own).
    web = requests.Session()
    web.headers["User-Agent"] = "tablet-browser"  # the login cookie is bound to the browser's agent
    assert web.post(f"{live_server.url}/api/v1/session",
                    json={"username": room.members[0].username, "password": "correct-horse-1"}).ok
    cookie = "; ".join(f"{c.name}={c.value}" for c in web.cookies)
    refused = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect(live_server.url, headers={"Cookie": cookie, "User-Agent": "tablet-browser"}, transports=["polling"],
                        wait_timeout=5)
    refused_foreign = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused_foreign.connect(live_server.url, headers={"Cookie": cookie, "Origin": "http://evil.example",
                                                      "User-Agent": "tablet-browser"},
                                transports=["polling"], wait_timeout=5)
    accepted = Tablet(live_server.url, headers={"Cookie": cookie, "Origin": live_server.url,
                                                       "User-Agent": "tablet-browser"},
                      transports=["polling"]).connect()
    try:
        assert accepted.join(room.meeting_id)["ok"] is True
    finally:
        accepted.close()


def test_join_admits_only_participants_of_that_session(live_server, room, tablets):
    stranger = tablets(live_server.url, room.stranger.username)
    other = tablets(live_server.url, room.other_member.username)
    for tablet, user in [(stranger, room.stranger), (other, room.other_member)]:
        ack = tablet.join(room.meeting_id)
        assert ack["ok"] is False and ack["error"]["code"] == "not_participant"
    assert tablets(live_server.url, room.other_member.username).join(room.other_id)["ok"] is True
    refused = _audit_actions(live_server.app, "live.join_refused")
    assert {(actor, meeting) for actor, meeting, _d in refused} >= {
        (room.stranger.id, room.meeting_id), (room.other_member.id, room.meeting_id)}
    # Events of a session never reach sockets that were refused.
    chair = tablets(live_server.url, room.chair.username)
    assert chair.join(room.meeting_id)["ok"]
    assert chair.call("navigate", {"meeting_id": room.meeting_id, "document_id": None, "page": 3})["ok"]
    member = tablets(live_server.url, room.members[0].username)
    member.join(room.meeting_id)
    chair.call("navigate", {"meeting_id": room.meeting_id, "document_id": None, "page": 4})
    assert member.wait_event("page", lambda p: p["page"] == 4)
    assert stranger.received("page") == [] and other.received("page") == []


def test_join_answers_with_the_full_snapshot(live_server, room, tablets):
    ack = tablets(live_server.url, room.members[0].username).join(room.meeting_id)
    assert ack["ok"] is True
    state = ack["state"]
    assert state["meeting"] == {"id": room.meeting_id, "title": "Phiên họp thường kỳ tháng 11", "status": "live",
                                "location": "Phòng họp số 1", "kind": "regular", "format": "in_person"}
    assert [i["id"] for i in state["agenda"]["items"]] == room.item_ids
    assert state["presentation"] == {"document_id": None, "page": 1, "seq": 0, "presenter_id": room.chair.id}
    assert state["presence"]["total_voting"] == 5 and state["presence"]["present_voting"] == 0
    assert state["presence"]["quorum_required"] == 4 and state["presence"]["quorum_met"] is False
    assert state["floor"] == {"meeting_id": room.meeting_id, "speaking": None, "speaking_since": None,
                              "queue": [], "requested_at": {}}
    assert state["open_ballots"] == []
    assert (state["can_present"], state["can_vote"], state["can_chair"]) == (False, True, False)
    chair_state = tablets(live_server.url, room.chair.username).join(room.meeting_id)["state"]
    assert (chair_state["can_present"], chair_state["can_chair"]) == (True, True)


def test_presenter_turns_pages_and_tablets_follow_with_increasing_seq(live_server, room, tablets):
    chair = tablets(live_server.url, room.chair.username)
    members = [tablets(live_server.url, m.username) for m in room.members[:3]]
    for tablet in [chair, *members]:
        assert tablet.join(room.meeting_id)["ok"]
    seqs = []
    for page in range(1, 8):
        ack = chair.call("navigate", {"meeting_id": room.meeting_id, "document_id": room.doc_ids[0], "page": page})
        assert ack["ok"], ack
        seqs.append(ack["seq"])
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    for member in members:
        assert member.wait_event("page", lambda p: p["page"] == 7)
        received = member.received("page")
        assert [p["seq"] for p in received] == seqs
        assert received[-1] == {"meeting_id": room.meeting_id, "document_id": room.doc_ids[0], "page": 7, "seq": seqs[-1],
                                "presenter_id": room.chair.id}
    # The presenter's own socket gets no echo of its turns.
    assert chair.received("page") == []
    # Members cannot turn the room's pages.
    ack = members[0].call("navigate", {"meeting_id": room.meeting_id, "document_id": room.doc_ids[0], "page": 2})
    assert ack["ok"] is False and ack["error"]["code"] == "not_presenter"
    bad = chair.call("navigate", {"meeting_id": room.meeting_id, "document_id": room.doc_ids[0], "page": 0})
    assert bad["ok"] is False and bad["error"]["code"] == "invalid_value"


def test_chair_hands_presenting_to_the_director(live_server, room, tablets):
    chair = tablets(live_server.url, room.chair.username)
    director = tablets(live_server.url, room.director.username)
    member = tablets(live_server.url, room.members[0].username)
    for tablet in (chair, director, member):
        tablet.join(room.meeting_id)
    assert director.call("navigate", {"meeting_id": room.meeting_id, "page": 2})["error"]["code"] == "not_presenter"
    ack = chair.call("set_presenter", {"meeting_id": room.meeting_id, "user_id": room.director.id})
    assert ack["ok"], ack
    assert member.wait_event("page", lambda p: p["presenter_id"] == room.director.id)
    assert director.call("navigate", {"meeting_id": room.meeting_id, "document_id": room.doc_ids[1], "page": 9})["ok"]
    assert member.wait_event("page", lambda p: p["page"] == 9 and p["presenter_id"] == room.director.id)
    assert chair.call("navigate", {"meeting_id": room.meeting_id, "page": 2})["error"]["code"] == "not_presenter"
    assert member.call("set_presenter", {"meeting_id": room.meeting_id,
                                         "user_id": room.members[0].id})["error"]["code"] == "forbidden"


def test_agenda_moves_and_everyone_sees_the_current_item(live_server, room, tablets):
    chair = tablets(live_server.url, room.chair.username)
    member = tablets(live_server.url, room.members[1].username)
    chair.join(room.meeting_id)
    member.join(room.meeting_id)
    first = chair.call("next_item", {"meeting_id": room.meeting_id})
    assert first["ok"] and first["current_item_id"] == room.item_ids[0]
    ack = chair.call("set_item", {"meeting_id": room.meeting_id, "agenda_item_id": room.item_ids[2]})
    assert ack["ok"] and ack["seq"] > first["seq"]
    event = member.wait_event("agenda", lambda p: p["current_item_id"] == room.item_ids[2])
    assert event["seq"] == ack["seq"] and event["item_started_at"]
    assert chair.call("next_item", {"meeting_id": room.meeting_id})["error"]["code"] == "agenda_end"
    assert member.call("set_item", {"meeting_id": room.meeting_id,
                                    "agenda_item_id": room.item_ids[0]})["error"]["code"] == "forbidden"
    assert chair.call("set_item", {"meeting_id": room.meeting_id, "agenda_item_id": 999999})["ok"] is False


def test_presence_quorum_and_connection_lost(live_server, room, tablets):
    secretariat = tablets(live_server.url, room.secretariat.username)
    assert secretariat.join(room.meeting_id)["ok"]
    members = [tablets(live_server.url, m.username) for m in room.members]
    for tablet in members:
        tablet.join(room.meeting_id)
        assert tablet.call("check_in", {"meeting_id": room.meeting_id})["ok"]
    presence = secretariat.wait_event("presence", lambda p: p["present_voting"] == 4)
    assert presence["quorum_met"] is True and presence["total_voting"] == 5
    assert set(presence["present"]) == {m.id for m in room.members}
    # The secretariat records the chair absent with a reason, then replaced by a stand-in.
    ack = secretariat.call("set_attendance", {"meeting_id": room.meeting_id, "user_id": room.chair.id,
                                              "attendance": "absent_excused"})
    assert ack["ok"] is False and ack["error"]["details"]["field"] == "note"
    ack = secretariat.call("set_attendance", {"meeting_id": room.meeting_id, "user_id": room.chair.id,
                                              "attendance": "absent_excused", "note": "Đi công tác"})
    assert ack["ok"] and ack["presence"]["attendance"][str(room.chair.id)] == "absent_excused"
    ack = secretariat.call("set_attendance", {"meeting_id": room.meeting_id, "user_id": room.chair.id,
                                              "attendance": "substituted", "stand_in_user_id": room.stranger.id})
    assert ack["ok"], ack
    assert ack["presence"]["attendance"][str(room.stranger.id)] == "present"
    # The stand-in is a new participant: the room hears the directory's new version and fetches it.
    bumped = members[0].wait_event("participants", lambda p: p["version"] > 0)
    assert bumped and set(bumped) == {"meeting_id", "version"}
    directory = members[0].call("participants", {"meeting_id": room.meeting_id})
    assert directory["ok"] and directory["version"] == bumped["version"]
    assert any(x["user_id"] == room.stranger.id and x["role"] == "delegate" for x in directory["participants"])
    assert members[0].call("set_attendance", {"meeting_id": room.meeting_id, "user_id": room.members[1].id,
                                              "attendance": "absent"})["error"]["code"] == "forbidden"
    # A tablet that drops is shown as connection-lost after the grace period, still present.
    members[3].close()
    lost = secretariat.wait_event("presence", lambda p: room.members[3].id in p["connection_lost"], timeout=10)
    assert lost and room.members[3].id in lost["present"]
    back = tablets(live_server.url, room.members[3].username)
    state = back.join(room.meeting_id)["state"]
    assert room.members[3].id not in state["presence"]["connection_lost"]
    assert secretariat.wait_event("presence", lambda p: room.members[3].id not in p["connection_lost"]
                                  and p is not lost)


def test_floor_queue_grant_and_end(live_server, room, tablets):
    chair = tablets(live_server.url, room.chair.username)
    a, b, c = (tablets(live_server.url, m.username) for m in room.members[:3])
    for tablet in (chair, a, b, c):
        tablet.join(room.meeting_id)
    for tablet in (b, a, c):
        assert tablet.call("floor_request", {"meeting_id": room.meeting_id})["ok"]
    assert a.call("floor_request", {"meeting_id": room.meeting_id})["floor"]["queue"] == \
        [room.members[1].id, room.members[0].id, room.members[2].id]
    ack = c.call("floor_withdraw", {"meeting_id": room.meeting_id})
    assert ack["floor"]["queue"] == [room.members[1].id, room.members[0].id]
    assert a.call("floor_grant", {"meeting_id": room.meeting_id,
                                  "user_id": room.members[0].id})["error"]["code"] == "forbidden"
    ack = chair.call("floor_grant", {"meeting_id": room.meeting_id, "user_id": room.members[1].id})
    assert ack["floor"]["speaking"] == room.members[1].id and ack["floor"]["queue"] == [room.members[0].id]
    event = c.wait_event("floor", lambda p: p["speaking"] == room.members[1].id)
    assert event["speaking_since"]
    chair.call("floor_grant", {"meeting_id": room.meeting_id, "user_id": room.members[0].id})
    ack = chair.call("floor_end", {"meeting_id": room.meeting_id})
    assert ack["floor"] == {"meeting_id": room.meeting_id, "speaking": None, "speaking_since": None, "queue": [],
                            "requested_at": {}}
    assert chair.call("floor_end", {"meeting_id": room.meeting_id})["error"]["code"] == "nobody_speaking"


def test_rejoin_after_a_drop_gets_the_current_state(live_server, room, tablets):
    chair = tablets(live_server.url, room.chair.username)
    chair.join(room.meeting_id)
    member = tablets(live_server.url, room.members[0].username)
    member.join(room.meeting_id)
    member.close()
    for page in (2, 3, 4):
        last = chair.call("navigate", {"meeting_id": room.meeting_id, "document_id": room.doc_ids[1], "page": page})
    again = tablets(live_server.url, room.members[0].username)
    state = again.join(room.meeting_id)["state"]
    assert state["presentation"] == {"document_id": room.doc_ids[1], "page": 4, "seq": last["seq"], "presenter_id": room.chair.id}


def test_restart_mid_session_gives_back_the_same_state(live_server, room, tablets):
    chair = tablets(live_server.url, room.chair.username)
    chair.join(room.meeting_id)
    member = tablets(live_server.url, room.members[0].username)
    member.join(room.meeting_id)
    member.call("check_in", {"meeting_id": room.meeting_id})
    member.call("floor_request", {"meeting_id": room.meeting_id})
    chair.call("set_item", {"meeting_id": room.meeting_id, "agenda_item_id": room.item_ids[1]})
    chair.call("navigate", {"meeting_id": room.meeting_id, "document_id": room.doc_ids[1], "page": 17})
    before = member.join(room.meeting_id)["state"]
    live_server.restart()
    assert wait_for(lambda: not member.client.connected, timeout=10)
    member2 = tablets(live_server.url, room.members[0].username)
    after = member2.join(room.meeting_id)["state"]
    for key in ("meeting", "agenda", "presentation", "seq", "floor", "participants_version"):
        assert after[key] == before[key], key
    for key in ("present", "present_voting", "total_voting", "quorum_met", "attendance"):
        assert after["presence"][key] == before["presence"][key], key
    assert after["presentation"]["page"] == 17 and after["agenda"]["current_item_id"] == room.item_ids[1]
    # The sequence continues after the restart.
    chair2 = tablets(live_server.url, room.chair.username)
    chair2.join(room.meeting_id)
    assert chair2.call("navigate", {"meeting_id": room.meeting_id, "document_id": room.doc_ids[1], "page": 18})["seq"] == \
        before["seq"] + 1


def _csrf(web, url):
    import re

    return re.search(r'name="csrf-token" content="([^"]+)"', web.get(url, timeout=10).text).group(1)


def _browser_login(base_url, username):
    web = requests.Session()
    response = web.post(f"{base_url}/login", data={"username": username, "password": "correct-horse-1",
                                                   "csrf_token": _csrf(web, f"{base_url}/login")}, timeout=10)
    assert response.ok
    return web


def test_logout_and_deactivation_disconnect_open_sockets(live_server, room, tablets):
    token = api_token(live_server.url, room.members[0].username)
    tablet = tablets(live_server.url, token=token)
    other_device = tablets(live_server.url, room.members[0].username)
    bystander = tablets(live_server.url, room.members[1].username)
    response = requests.delete(f"{live_server.url}/api/v1/session",
                               headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 204
    assert tablet.disconnected.wait(5) and other_device.disconnected.wait(5)
    assert bystander.client.connected
    # Deactivation by an administrator.
    from ecabinet.accounts import operations as accounts
    from ecabinet.extensions import db

    victim = tablets(live_server.url, room.members[2].username)
    with live_server.app.app_context():

        admin = accounts.create_user("admin-live", "Quản Trị", "correct-horse-1", is_admin=True)
        db.session.commit()
        admin_id = admin.id
        db.session.remove()
    admin = _browser_login(live_server.url, "admin-live")
    response = admin.post(f"{live_server.url}/admin/users/{room.members[2].id}/active",
                          data={"csrf_token": _csrf(admin, f"{live_server.url}/admin/users")}, timeout=10)
    assert response.status_code in (200, 302), response.text[:300]
    assert victim.disconnected.wait(5)
    assert bystander.client.connected and admin_id


def test_room_display_follows_with_its_own_token(live_server, room, tablets):
    from ecabinet.extensions import db
    from ecabinet.live import operations
    from ecabinet.meetings.models import Meeting

    with live_server.app.app_context():
        meeting = db.session.get(Meeting, room.meeting_id)
        raw = operations.issue_display_token(meeting, actor=room.secretariat.id)
        db.session.commit()
        db.session.remove()
    display = Tablet(live_server.url, display_token=raw).connect()
    try:
        assert display.join(room.other_id)["ok"] is False
        state = display.join(room.meeting_id)["state"]
        assert state["me"]["display"] is True and state["can_present"] is False
        assert display.call("check_in", {"meeting_id": room.meeting_id})["error"]["code"] == "not_authenticated"
        # The room's names for its screen, and no other session's.
        assert display.call("participants", {"meeting_id": room.meeting_id})["ok"] is True
        assert display.call("participants", {"meeting_id": room.other_id})["error"]["code"] == "forbidden"
        chair = tablets(live_server.url, room.chair.username)
        chair.join(room.meeting_id)
        chair.call("navigate", {"meeting_id": room.meeting_id, "document_id": room.doc_ids[0], "page": 5})
        assert display.wait_event("page", lambda p: p["page"] == 5)
    finally:
        display.close()


# -- the participant directory, out of the join snapshot ------------------------------------------


def test_snapshot_names_the_directory_version_and_the_directory_is_fetched_apart(live_server, room, tablets):
    member = tablets(live_server.url, room.members[0].username)
    state = member.join(room.meeting_id)["state"]
    assert "participants" not in state and isinstance(state["participants_version"], int)
    # The snapshot keeps what the protocol requires of presence.
    assert {"present", "present_voting", "total_voting", "quorum_met"} <= set(state["presence"])
    member.call("check_in", {"meeting_id": room.meeting_id})
    ack = member.call("participants", {"meeting_id": room.meeting_id})
    assert ack["ok"] and ack["meeting_id"] == room.meeting_id and ack["version"] == state["participants_version"]
    people = {p["user_id"]: p for p in ack["participants"]}
    assert set(people) == {room.chair.id, room.director.id, *(m.id for m in room.members)}
    assert people[room.chair.id] | {"attendance": None} == {
        "user_id": room.chair.id, "full_name": "Nguyễn Văn Chủ Tịch", "title": "Chủ tịch UBND",
        "unit": people[room.chair.id]["unit"], "role": "chair", "can_vote": True, "delegate_for_id": None,
        "attendance": None, "attendance_note": None}
    assert people[room.members[0].id]["attendance"] == "present"
    # Over HTTP too, with the same version; refused (404) to someone outside the session.
    token = api_token(live_server.url, room.members[1].username)
    response = requests.get(f"{live_server.url}/api/v1/meetings/{room.meeting_id}/participants",
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == state["participants_version"]
    by_id = {p["user_id"]: p for p in body["participants"]}
    assert by_id[room.members[0].id]["attendance"] == "present"
    assert by_id[room.chair.id]["full_name"] == "Nguyễn Văn Chủ Tịch" and by_id[room.chair.id]["user"]["id"]
    stranger = api_token(live_server.url, room.stranger.username)
    refused = requests.get(f"{live_server.url}/api/v1/meetings/{room.meeting_id}/participants",
                           headers={"Authorization": f"Bearer {stranger}"}, timeout=10)
    assert refused.status_code == 404
    outsider = tablets(live_server.url, room.stranger.username)
    assert outsider.call("participants", {"meeting_id": room.meeting_id})["error"]["code"] == "meeting_not_found"


def test_a_tablet_with_a_stale_directory_version_refetches_after_reconnecting(live_server, room, tablets):
    member = tablets(live_server.url, room.members[0].username)
    cached = member.join(room.meeting_id)["state"]["participants_version"]
    member.close()
    # While the tablet is away, a stand-in joins the session (a change of the directory).
    secretariat = tablets(live_server.url, room.secretariat.username)
    secretariat.join(room.meeting_id)
    assert secretariat.call("set_attendance", {"meeting_id": room.meeting_id, "user_id": room.members[2].id,
                                               "attendance": "substituted",
                                               "stand_in_user_id": room.stranger.id})["ok"]
    back = tablets(live_server.url, room.members[0].username)
    state = back.join(room.meeting_id)["state"]
    assert state["participants_version"] != cached  # the client's rule: refetch
    directory = back.call("participants", {"meeting_id": room.meeting_id})
    assert directory["version"] == state["participants_version"]
    assert room.stranger.id in {p["user_id"] for p in directory["participants"]}


def test_join_rechecks_the_sign_in_and_the_room_hears_a_tablet_come_back(live_server, room, tablets):
    """The join reads the caller's token, user and other open tablets with the session in one query:
    a token revoked behind the server's back (no disconnect sent) is refused at join, and a member
    whose last tablet returns is shown online again; a second tablet of theirs changes nothing."""
    from sqlalchemy import update

    from ecabinet.accounts.models import ApiToken
    from ecabinet.core.db import utcnow
    from ecabinet.extensions import db

    secretariat = tablets(live_server.url, room.secretariat.username)
    assert secretariat.join(room.meeting_id)["ok"]
    member = tablets(live_server.url, room.members[0].username)
    assert member.join(room.meeting_id)["ok"] and member.call("check_in", {"meeting_id": room.meeting_id})["ok"]
    secretariat.wait_event("presence", lambda p: room.members[0].id in p["present"])

    doomed = tablets(live_server.url, token=api_token(live_server.url, room.members[1].username))
    with live_server.app.app_context():
        db.session.execute(update(ApiToken).where(ApiToken.user_id == room.members[1].id).values(revoked_at=utcnow()))
        db.session.commit()
        db.session.remove()
    refused = doomed.join(room.meeting_id)
    assert refused["ok"] is False and refused["error"]["code"] == "not_authenticated"

    def presence_after(count, predicate, timeout=10.0):
        return wait_for(lambda: next((p for p in secretariat.received("presence")[count:] if predicate(p)), None),
                        timeout)

    # The member's tablet drops past the grace period, then a tablet of theirs comes back.
    heard = len(secretariat.received("presence"))
    member.close()
    assert presence_after(heard, lambda p: room.members[0].id in p["connection_lost"])
    heard = len(secretariat.received("presence"))
    back = tablets(live_server.url, room.members[0].username)
    assert back.join(room.meeting_id)["ok"]
    assert presence_after(heard, lambda p: room.members[0].id not in p["connection_lost"])
    # A second tablet while the first is open, or the same socket joining again: no one was lost,
    # so the room hears nothing.
    heard = len(secretariat.received("presence"))
    assert tablets(live_server.url, room.members[0].username).join(room.meeting_id)["ok"]
    assert back.join(room.meeting_id)["ok"]
    assert presence_after(heard, lambda p: True, timeout=1.5) is None
