"""Bulk invitations from several clients at once (a secretariat double-clicking, two secretaries,
an integration retrying): every call answers 201, a person already invited is skipped, and the
session ends with one row per person and one chair. Real server, real HTTP, parallel requests; on
PostgreSQL (--db=postgres) the requests really run at the same time."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.server
PARALLEL = 8


@pytest.fixture
def province(live_server):
    """(server, headers of the province's office, ids): a roster of a chair and five members, a saved
    group of four heads of departments (one of them also on the roster), a draft session."""
    from datetime import timedelta

    from ecabinet.accounts.operations import issue_token
    from ecabinet.bodies import groups
    from ecabinet.bodies import operations as bodies
    from ecabinet.core.db import utcnow
    from ecabinet.extensions import db
    from ecabinet.meetings import operations as meetings
    from tests.factories import create_user

    with live_server.app.app_context():
        body = bodies.default_body()
        office = create_user(username="vp.tinh", full_name="Nguyễn Thị Minh Thư")
        bodies.set_roster_place(body, office, role="secretariat")
        roster = [create_user(full_name=f"Thành Viên {n}") for n in range(6)]
        for n, person in enumerate(roster):
            bodies.set_roster_place(body, person, role="chair" if n == 0 else "member", rank=10 + n)
        heads = [create_user(full_name=f"Giám Đốc Sở {n}", unit=f"Sở số {n}") for n in range(3)] + [roster[5]]
        group = groups.create_group(body, "Thủ trưởng các sở", heads)
        meeting = meetings.create_meeting("Phiên họp thường kỳ", utcnow() + timedelta(days=7), actor=office, body=body)
        db.session.commit()
        _token, raw = issue_token(office)
        db.session.commit()
        ids = {"meeting": meeting.id, "group": group.id, "people": len(roster) + 3}
        db.session.remove()
    return live_server, {"Authorization": f"Bearer {raw}"}, ids


def _all_at_once(calls):
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


def test_parallel_roster_and_group_invitations_skip_whoever_is_in_already(province):
    server, headers, ids = province
    base = f"{server.url}/api/v1/meetings/{ids['meeting']}/participants"
    roster = lambda: requests.post(f"{base}/roster", headers=headers, json={}, timeout=60)  # noqa: E731
    group = lambda: requests.post(f"{base}/bulk", headers=headers, json={"group_id": ids["group"]}, timeout=60)  # noqa: E731
    responses = _all_at_once([roster, group] * (PARALLEL // 2))
    assert [r.status_code for r in responses] == [201] * PARALLEL, [r.text[:200] for r in responses]
    invited = [p["user_id"] for r in responses for p in r.json()["invited"]]
    assert len(invited) == len(set(invited)) == ids["people"]  # each person invited by exactly one call
    listed = requests.get(base, headers=headers, timeout=30).json()["participants"]
    assert len(listed) == ids["people"]
    assert [p["role"] for p in listed].count("chair") == 1
    assert sorted(p["role"] for p in listed).count("guest") == 3  # the heads not on the roster
