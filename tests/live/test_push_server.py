"""Pushed at once, against a real server process with real Socket.IO clients: agenda changes from
the JSON API and from the secretariat's pages reach the tablets of a live session with the new
items, and the lifecycle (start, end) reaches every tablet, the room display included."""
import re

import pytest
import requests

from tests.live.conftest import Tablet, api_token

pytestmark = pytest.mark.server


def _ids(payload):
    return [item["id"] for item in payload["items"]]


def _with_items(tablet, predicate, timeout=10):
    return tablet.wait_event("agenda", lambda p: "items" in p and predicate(p), timeout=timeout)


def _item_pushes(tablet):
    return [p for p in tablet.received("agenda") if "items" in p]


def _csrf(web, url):
    return re.search(r'name="csrf-token" content="([^"]+)"', web.get(url, timeout=10).text).group(1)


def _page_login(base_url, username):
    web = requests.Session()
    response = web.post(f"{base_url}/login", data={"username": username, "password": "correct-horse-1",
                                                   "csrf_token": _csrf(web, f"{base_url}/login")}, timeout=10)
    assert response.ok
    return web


def test_agenda_changes_from_the_api_reach_the_tablets_at_once(live_server, room, tablets):
    url, mid, items = live_server.url, room.meeting_id, room.item_ids
    member, guest = tablets(url, room.members[0].username), tablets(url, room.director.username)
    chair = tablets(url, room.chair.username)
    for tablet in (member, guest, chair):
        assert tablet.join(mid)["ok"]
    moved = chair.call("set_item", {"meeting_id": mid, "agenda_item_id": items[1]})
    assert member.wait_event("agenda", lambda p: p["current_item_id"] == items[1])
    api = {"Authorization": f"Bearer {api_token(url, room.secretariat.username)}"}

    response = requests.post(f"{url}/api/v1/meetings/{mid}/agenda", headers=api, timeout=10,
                             json={"title": "Nội dung bổ sung: tờ trình phân bổ vốn", "duration_minutes": 10})
    assert response.status_code == 201, response.text
    new_id = response.json()["id"]
    for tablet in (member, guest, chair):
        added = _with_items(tablet, lambda p: new_id in _ids(p))
        assert added is not None, tablet.received("agenda")
        assert _ids(added) == items + [new_id] and added["items"][-1]["number"] == 4
        assert added["items"][-1]["title"] == "Nội dung bổ sung: tờ trình phân bổ vốn"
        # The session stays on its item, its timer running; the seq moved on.
        assert added["current_item_id"] == items[1] and added["item_started_at"]
        assert added["seq"] > moved["seq"]

    # Refused (an empty title): nothing is pushed, and the next change is the next push.
    refused = requests.patch(f"{url}/api/v1/meetings/{mid}/agenda/{new_id}", json={"title": " "}, headers=api,
                             timeout=10)
    assert refused.status_code == 422
    assert requests.patch(f"{url}/api/v1/meetings/{mid}/agenda/{new_id}", headers=api, timeout=10,
                          json={"title": "Tờ trình phân bổ vốn (sửa)"}).status_code == 200
    edited = _with_items(member, lambda p: p["items"][-1]["title"] == "Tờ trình phân bổ vốn (sửa)")
    assert edited is not None

    order = [new_id, items[0], items[2], items[1]]
    assert requests.put(f"{url}/api/v1/meetings/{mid}/agenda/order", json={"item_ids": order}, headers=api,
                        timeout=10).status_code == 200
    reordered = _with_items(member, lambda p: _ids(p) == order)
    assert [i["number"] for i in reordered["items"]] == [1, 2, 3, 4]

    # The item under discussion is removed: the session is on no item until the chair moves on.
    assert requests.delete(f"{url}/api/v1/meetings/{mid}/agenda/{items[1]}", headers=api,
                           timeout=10).status_code == 204
    removed = _with_items(member, lambda p: items[1] not in _ids(p))
    assert removed["current_item_id"] is None and removed["item_started_at"] is None

    pushes = _item_pushes(member)
    assert [_ids(p) for p in pushes] == [items + [new_id], items + [new_id], order, [new_id, items[0], items[2]]]
    assert [p["seq"] for p in pushes] == sorted({p["seq"] for p in pushes})  # each once, in order
    # A tablet joining now gets the same agenda.
    state = tablets(url, room.members[1].username).join(mid)["state"]
    assert state["agenda"]["items"] == removed["items"] and state["agenda"]["current_item_id"] is None
    assert chair.call("next_item", {"meeting_id": mid})["current_item_id"] == new_id


def test_agenda_changes_from_the_pages_reach_the_tablets_at_once(live_server, room, tablets):
    url, mid, items = live_server.url, room.meeting_id, room.item_ids
    member = tablets(url, room.members[0].username)
    assert member.join(mid)["ok"]
    web = _page_login(url, room.secretariat.username)
    token = _csrf(web, f"{url}/meetings/{mid}")

    response = web.post(f"{url}/meetings/{mid}/agenda", timeout=10, data={
        "csrf_token": token, "item-title": "Báo cáo công tác phòng chống lụt bão", "item-presenter": "Sở NN&PTNT",
        "item-duration_minutes": "15", "item-description": ""})
    assert response.ok
    added = _with_items(member, lambda p: len(p["items"]) == 4)
    assert added is not None, member.received("agenda")
    new_id = added["items"][-1]["id"]
    assert added["items"][-1]["title"] == "Báo cáo công tác phòng chống lụt bão"

    response = web.post(f"{url}/meetings/{mid}/agenda/{new_id}", timeout=10, data={
        "csrf_token": token, "title": "Báo cáo phòng chống lụt bão năm 2026", "presenter": "Sở NN&PTNT",
        "duration_minutes": "20", "description": ""})
    assert response.ok
    assert _with_items(member, lambda p: p["items"][-1]["title"] == "Báo cáo phòng chống lụt bão năm 2026")

    assert web.post(f"{url}/meetings/{mid}/agenda/{new_id}/move/up", data={"csrf_token": token}, timeout=10).ok
    assert _with_items(member, lambda p: _ids(p) == [items[0], items[1], new_id, items[2]])

    assert web.post(f"{url}/meetings/{mid}/agenda/{items[0]}/delete", data={"csrf_token": token}, timeout=10).ok
    removed = _with_items(member, lambda p: _ids(p) == [items[1], new_id, items[2]])
    assert [i["number"] for i in removed["items"]] == [1, 2, 3]
    assert len(_item_pushes(member)) == 4


def test_the_lifecycle_reaches_every_tablet_and_the_room_display(live_server, tablets):
    from ecabinet.extensions import db
    from ecabinet.live import operations
    from ecabinet.meetings.models import MeetingStatus
    from tests.factories import create_meeting, create_secretariat, create_user

    with live_server.app.app_context():
        secretariat = create_secretariat(username="vp-lifecycle")
        chair = create_user(username="ct-lifecycle")
        members = [create_user(username=f"tv{n}-lifecycle") for n in range(2)]
        meeting = create_meeting("Phiên họp chuyên đề", status=MeetingStatus.PUBLISHED, actor=secretariat,
                                 chair=chair, members=members)
        display_token = operations.issue_display_token(meeting, actor=secretariat)
        db.session.commit()
        mid = meeting.id
        db.session.remove()
    url = live_server.url
    people = [tablets(url, name) for name in ("tv0-lifecycle", "tv1-lifecycle", "ct-lifecycle", "vp-lifecycle")]
    display = Tablet(url, display_token=display_token).connect()
    try:
        room = people + [display]
        for tablet in room:
            ack = tablet.join(mid)
            assert ack["ok"] and ack["state"]["meeting"]["status"] == "published"
        chair_api = {"Authorization": f"Bearer {api_token(url, 'ct-lifecycle')}"}
        assert requests.post(f"{url}/api/v1/meetings/{mid}/start", headers=chair_api, timeout=10).ok
        for tablet in room:
            assert tablet.wait_event("meeting", lambda p: p == {"meeting_id": mid, "status": "live"}), tablet.received
        speaker, chair_tablet = people[0], people[2]
        assert speaker.call("floor_request", {"meeting_id": mid})["ok"]
        assert chair_tablet.call("floor_grant", {"meeting_id": mid, "user_id": speaker.join(mid)["state"]["me"]
                                                 ["user_id"]})["ok"]
        assert people[1].call("floor_request", {"meeting_id": mid})["ok"]

        # The secretariat ends it from the session's page.
        web = _page_login(url, "vp-lifecycle")
        assert web.post(f"{url}/meetings/{mid}/status/end", timeout=10,
                        data={"csrf_token": _csrf(web, f"{url}/meetings/{mid}")}).ok
        for tablet in room:
            assert tablet.wait_event("meeting", lambda p: p == {"meeting_id": mid, "status": "ended"})
            closed = tablet.wait_event("floor", lambda p: p["speaking"] is None and p["queue"] == [])
            assert closed is not None, tablet.received("floor")
        # A tablet coming back (a reload) reads the same from the snapshot.
        state = people[0].join(mid)["state"]
        assert state["meeting"]["status"] == "ended"
        assert state["floor"]["speaking"] is None and state["floor"]["queue"] == []
        assert people[0].call("floor_request", {"meeting_id": mid})["error"]["code"] == "meeting_not_live"
    finally:
        display.close()
