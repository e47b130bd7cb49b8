"""Ballots on a real server process with real Socket.IO clients: the room hears the ballot and the
result, the counts only reach the organisers, two tablets of one member vote at once, a vote after
closing, a restart while a ballot is open, and the time limit closing a ballot by itself."""
import threading

import pytest
import requests
import sqlalchemy as sa

from tests.live.conftest import Tablet, api_token, wait_for

BALLOT_EVENTS = (*Tablet.EVENTS, "ballot", "ballot_result")


class VotingTablet(Tablet):
    EVENTS = BALLOT_EVENTS


def _tablet(base_url, username, opened):
    tablet = VotingTablet(base_url, token=api_token(base_url, username)).connect()
    opened.append(tablet)
    return tablet


def _api(base_url, username):
    return {"Authorization": f"Bearer {api_token(base_url, username)}"}


def _prepare(base_url, room, headers, **options):
    response = requests.post(f"{base_url}/api/v1/meetings/{room.meeting_id}/ballots", headers=headers,
                             json={"question": "Thông qua Tờ trình?", **options}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _checked_in(base_url, room, opened):
    """The chair and the four members on their tablets, checked in, in the session's room."""
    chair = _tablet(base_url, room.chair.username, opened)
    members = [_tablet(base_url, m.username, opened) for m in room.members]
    for tablet in (chair, *members):
        assert tablet.join(room.meeting_id)["ok"]
        assert tablet.call("check_in", {"meeting_id": room.meeting_id})["ok"]
    return chair, members


def test_a_ballot_runs_in_the_room(live_server, room):
    opened = []
    try:
        chair, members = _checked_in(live_server.url, room, opened)
        guest = _tablet(live_server.url, room.director.username, opened)
        guest.join(room.meeting_id)
        chair_api = _api(live_server.url, room.chair.username)
        ballot_id = _prepare(live_server.url, room, chair_api)
        opened_reply = requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/open", headers=chair_api,
                                     timeout=10)
        assert opened_reply.status_code == 200 and opened_reply.json()["eligible_count"] == 5
        for tablet in (*members, guest):
            shown = tablet.wait_event("ballot", lambda p: p["ballot_id"] == ballot_id and p["status"] == "open")
            assert shown and "counts" not in shown
        assert chair.wait_event("ballot", lambda p: p["ballot_id"] == ballot_id and "counts" in p)
        # The join snapshot names it too, with the caller's own position.
        snapshot = members[0].join(room.meeting_id)["state"]["open_ballots"]
        assert [(b["ballot_id"], b["eligible"], b["voted"]) for b in snapshot] == [(ballot_id, True, False)]
        for tablet, choice in zip(members[:3], ("yes", "yes", "no")):
            assert tablet.call("vote", {"ballot_id": ballot_id, "choice": choice})["ok"]
        refused = guest.call("vote", {"ballot_id": ballot_id, "choice": "yes"})
        assert refused["error"]["code"] == "not_eligible"
        assert members[3].wait_event("ballot", lambda p: p.get("voted_count") == 3)
        assert all("counts" not in p for p in members[3].received("ballot"))
        live = chair.wait_event("ballot", lambda p: "counts" in p and p["voted_count"] == 3)
        assert live["counts"] == {"yes": 2, "no": 1, "abstain": 0, "not_voted": 2}
        assert sorted(live["not_voted"]) == sorted([room.chair.id, room.members[3].id])
        closed = requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/close", headers=chair_api, timeout=10)
        assert closed.status_code == 200
        for tablet in (chair, *members, guest):
            result = tablet.wait_event("ballot_result", lambda p: p["ballot_id"] == ballot_id)
            # 2 of 5 members said yes: more than half of all members is 3.
            assert result["counts"] == {"yes": 2, "no": 1, "abstain": 0, "not_voted": 2}
            assert result["result"] == "failed" and result["member_total"] == 5
        late = members[3].call("vote", {"ballot_id": ballot_id, "choice": "yes"})
        assert late["ok"] is False and late["error"]["code"] == "ballot_not_open"
        after = members[3].join(room.meeting_id)["state"]
        assert after["open_ballots"] == [] and after["closed_ballots"][-1]["ballot_id"] == ballot_id
    finally:
        for tablet in opened:
            tablet.close()


def test_two_tablets_of_one_member_and_the_api_vote_at_once(live_server, room):
    opened = []
    try:
        chair, members = _checked_in(live_server.url, room, opened)
        second = _tablet(live_server.url, room.members[0].username, opened)
        chair_api = _api(live_server.url, room.chair.username)
        member_api = _api(live_server.url, room.members[0].username)
        ballot_id = _prepare(live_server.url, room, chair_api, secret=True)
        requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/open", headers=chair_api, timeout=10)
        replies, start = [], threading.Barrier(3)

        def by_socket(tablet, choice):
            start.wait()
            replies.append(tablet.call("vote", {"ballot_id": ballot_id, "choice": choice}))

        def by_api():
            start.wait()
            response = requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/votes", headers=member_api,
                                     json={"choice": "abstain"}, timeout=10)
            replies.append(response.json() if response.status_code == 201 else response.json() | {"ok": False})

        threads = [threading.Thread(target=by_socket, args=(members[0], "yes")),
                   threading.Thread(target=by_socket, args=(second, "no")), threading.Thread(target=by_api)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert sorted(r["ok"] for r in replies) == [False, False, True]
        assert {r["error"]["code"] for r in replies if not r["ok"]} == {"already_voted"}
        receipt = next(r["receipt"] for r in replies if r["ok"])
        requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/close", headers=chair_api, timeout=10)
        result = requests.get(f"{live_server.url}/api/v1/ballots/{ballot_id}", headers=member_api, timeout=10).json()
        assert sum(result["counts"][c] for c in ("yes", "no", "abstain")) == 1
        assert [t["tracker"] for t in result["trackers"]] == [receipt]
    finally:
        for tablet in opened:
            tablet.close()


def test_a_replay_is_refused_as_already_voted_only_while_the_tablet_is_still_signed_in(live_server, room):
    """A replay is refused in the vote's own statement on PostgreSQL; the sign-in is still checked
    first: a tablet whose token was revoked meanwhile hears it is signed out, not how it voted."""
    from ecabinet.accounts.models import ApiToken
    from ecabinet.core.db import utcnow
    from ecabinet.extensions import db

    opened = []
    try:
        chair, members = _checked_in(live_server.url, room, opened)
        chair_api = _api(live_server.url, room.chair.username)
        ballot_id = _prepare(live_server.url, room, chair_api)
        requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/open", headers=chair_api, timeout=10)
        first, second = members[0], members[1]
        for tablet in (first, second):
            assert tablet.call("vote", {"ballot_id": ballot_id, "choice": "yes"})["ok"]
        assert first.call("vote", {"ballot_id": ballot_id, "choice": "no"})["error"]["code"] == "already_voted"
        with live_server.app.app_context():  # revoked behind the server's back, as by another process
            db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == room.members[1].id)
                               .values(revoked_at=utcnow()))
            db.session.commit()
            db.session.remove()
        refused = second.call("vote", {"ballot_id": ballot_id, "choice": "no"})
        assert refused["ok"] is False and refused["error"]["code"] == "not_authenticated"
        counts = requests.get(f"{live_server.url}/api/v1/ballots/{ballot_id}", headers=chair_api,
                              timeout=10).json()["counts"]
        assert (counts["yes"], counts["no"]) == (2, 0)
    finally:
        for tablet in opened:
            tablet.close()


def test_a_restart_while_a_ballot_is_open_keeps_it_and_every_acknowledged_vote(live_server, room):
    opened = []
    try:
        chair, members = _checked_in(live_server.url, room, opened)
        chair_api = _api(live_server.url, room.chair.username)
        ballot_id = _prepare(live_server.url, room, chair_api, secret=True)
        requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/open", headers=chair_api, timeout=10)
        receipts = [members[i].call("vote", {"ballot_id": ballot_id, "choice": "yes"})["receipt"] for i in range(2)]
        live_server.restart()
        assert wait_for(lambda: not members[0].client.connected, timeout=10)
        back = [_tablet(live_server.url, m.username, opened) for m in room.members]
        states = [tablet.join(room.meeting_id)["state"] for tablet in back]
        for index, state in enumerate(states):
            (ballot,) = state["open_ballots"]
            assert ballot["ballot_id"] == ballot_id and ballot["voted_count"] == 2
            assert ballot["voted"] == (index < 2)
        # The voter's receipt is still theirs alone; the others go on voting; nobody votes twice.
        assert back[0].call("vote", {"ballot_id": ballot_id, "choice": "no"})["error"]["code"] == "already_voted"
        assert back[2].call("vote", {"ballot_id": ballot_id, "choice": "no"})["ok"]
        mine = requests.get(f"{live_server.url}/api/v1/ballots/{ballot_id}",
                            headers=_api(live_server.url, room.members[0].username), timeout=10).json()
        assert mine["my_vote"] == {"receipt": receipts[0]}
        chair_api = _api(live_server.url, room.chair.username)
        closed = requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/close", headers=chair_api,
                               timeout=10).json()
        assert closed["counts"] == {"yes": 2, "no": 1, "abstain": 0, "not_voted": 2}
        assert {t["tracker"] for t in closed["trackers"]} >= set(receipts)
    finally:
        for tablet in opened:
            tablet.close()


def test_the_time_limit_closes_the_ballot_by_itself_even_across_a_restart(live_server, room):
    opened = []
    try:
        chair, members = _checked_in(live_server.url, room, opened)
        chair_api = _api(live_server.url, room.chair.username)
        ballot_id = _prepare(live_server.url, room, chair_api, time_limit_s=10)
        requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/open", headers=chair_api, timeout=10)
        assert members[0].call("vote", {"ballot_id": ballot_id, "choice": "yes"})["ok"]
        live_server.restart()
        watcher = _tablet(live_server.url, room.members[1].username, opened)
        watcher.join(room.meeting_id)
        result = watcher.wait_event("ballot_result", lambda p: p["ballot_id"] == ballot_id, timeout=60)
        assert result and result["closed_by_time_limit"] and result["counts"]["yes"] == 1
    finally:
        for tablet in opened:
            tablet.close()


def test_a_vote_that_gets_no_database_connection_in_time_is_busy_and_changes_nothing(request, live_server, room):
    """A storm larger than the pool: a vote that waits longer than ECABINET_DB_POOL_TIMEOUT for a
    connection answers `busy` (503 on the API) with nothing written, and the same vote sent again
    afterwards counts. The pool is one connection, held by a vote waiting on a lock the test takes."""
    if request.config.getoption("--db") != "postgres":
        pytest.skip("the connection pool's timeout applies to PostgreSQL (SQLite has no server pool)")
    live_server.extra_env.update({"ECABINET_DB_POOL_SIZE": "1", "ECABINET_DB_MAX_OVERFLOW": "0",
                                  "ECABINET_DB_POOL_TIMEOUT": "1"})
    live_server.restart()
    opened = []
    locker = sa.create_engine(live_server.database_url)
    try:
        chair, members = _checked_in(live_server.url, room, opened)
        chair_api = _api(live_server.url, room.chair.username)
        ballot_id = _prepare(live_server.url, room, chair_api)
        requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/open", headers=chair_api, timeout=10)
        first_api, third_api = _api(live_server.url, room.members[0].username), _api(live_server.url,
                                                                                       room.members[2].username)
        holding, replies = locker.connect(), {}
        lock = holding.begin()
        holding.execute(sa.text("SELECT id FROM ballots WHERE id = :id FOR UPDATE"), {"id": ballot_id})

        def first_vote():  # takes the pool's one connection, then waits on the test's lock
            replies["first"] = requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/votes",
                                             headers=first_api, json={"choice": "yes"}, timeout=20)

        waiting = threading.Thread(target=first_vote)
        waiting.start()
        assert wait_for(lambda: holding.execute(sa.text(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype IN ('tuple', 'transactionid')")).scalar())
        by_socket = members[1].call("vote", {"ballot_id": ballot_id, "choice": "no"})
        by_api = requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/votes", headers=third_api,
                               json={"choice": "no"}, timeout=20)
        lock.rollback()
        holding.close()
        waiting.join(20)
        assert by_socket == {"ok": False, "error": {"code": "busy", "message": by_socket["error"]["message"]}}
        assert by_api.status_code == 503 and by_api.json()["error"]["code"] == "busy"
        assert replies["first"].status_code == 201
        # Nothing of the refused votes was written: sent again, both count.
        assert members[1].call("vote", {"ballot_id": ballot_id, "choice": "no"})["ok"]
        again = requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/votes", headers=third_api,
                              json={"choice": "no"}, timeout=10)
        assert again.status_code == 201
        closed = requests.post(f"{live_server.url}/api/v1/ballots/{ballot_id}/close", headers=chair_api, timeout=10)
        assert closed.json()["counts"] == {"yes": 1, "no": 2, "abstain": 0, "not_voted": 2}
    finally:
        locker.dispose()
        for tablet in opened:
            tablet.close()
