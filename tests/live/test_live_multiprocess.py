"""Two server processes sharing one session through the Redis message queue."""
import time

import pytest
import requests

from tests.live.conftest import api_token

pytestmark = [pytest.mark.server, pytest.mark.redis]


def test_a_page_turned_on_one_process_reaches_tablets_on_the_other(two_servers, room, tablets):
    first, second = two_servers
    chair = tablets(first.url, room.chair.username)
    near = tablets(first.url, room.members[0].username)
    far = [tablets(second.url, m.username) for m in room.members[1:]]
    for tablet in [chair, near, *far]:
        assert tablet.join(room.meeting_id)["ok"]
    seqs = [chair.call("navigate", {"meeting_id": room.meeting_id, "document_id": room.doc_ids[0],
                                    "page": page})["seq"] for page in range(1, 6)]
    for tablet in [near, *far]:
        assert tablet.wait_event("page", lambda p: p["page"] == 5, timeout=10)
        assert [p["seq"] for p in tablet.received("page")] == seqs
    # Agenda and floor changes made on the second process reach the first.
    assert far[0].call("floor_request", {"meeting_id": room.meeting_id})["ok"]
    assert chair.wait_event("floor", lambda p: p["queue"] == [room.members[1].id], timeout=10)
    assert chair.received("page") == []


def test_logout_on_one_process_disconnects_sockets_on_the_other(two_servers, room, tablets):
    first, second = two_servers
    token = api_token(first.url, room.members[0].username)
    far = tablets(second.url, token=token)
    far.join(room.meeting_id)
    response = requests.delete(f"{first.url}/api/v1/session", headers={"Authorization": f"Bearer {token}"},
                               timeout=10)
    assert response.status_code == 204
    assert far.disconnected.wait(10)


def test_a_committed_change_reaches_every_tablet_exactly_once_and_a_refused_one_nothing(two_servers, room, tablets):
    """Across two processes over Redis: each broadcast is sent once, after its commit, by the process
    that committed it, and reaches every tablet of the room once; a refused event sends nothing."""
    first, second = two_servers
    chair = tablets(first.url, room.chair.username)
    near = tablets(first.url, room.members[0].username)
    far = tablets(second.url, room.members[1].username)
    for tablet in (chair, near, far):
        assert tablet.join(room.meeting_id)["ok"]
    refused = far.call("floor_grant", {"meeting_id": room.meeting_id, "user_id": room.members[1].id})
    assert refused["error"]["code"] == "forbidden"
    assert far.call("floor_request", {"meeting_id": room.meeting_id})["ok"]  # committed on the second
    assert chair.call("set_item", {"meeting_id": room.meeting_id, "agenda_item_id": room.item_ids[1]})["ok"]
    for tablet in (chair, near, far):
        assert tablet.wait_event("agenda", timeout=10)
        assert tablet.wait_event("floor", timeout=10)
    time.sleep(1.0)  # anything sent twice, or a refusal's push, would have arrived by now
    for tablet in (chair, near, far):
        assert [f["queue"] for f in tablet.received("floor")] == [[room.members[1].id]]
        assert [a["current_item_id"] for a in tablet.received("agenda")] == [room.item_ids[1]]
