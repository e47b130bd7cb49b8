"""Integrators call the API from several clients at once: on PostgreSQL two requests really run at
the same time, so every get-or-create and uniqueness check must hold without a 500.

Real server process, real HTTP, parallel requests (threads), bounded and local.
"""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.factories import PASSWORD

pytestmark = pytest.mark.server
PARALLEL = 8


@pytest.fixture
def api(live_server):
    """(server, admin bearer headers, ids) with an admin, a secretariat, a member and a session."""
    from datetime import timedelta

    from ecabinet.accounts.operations import issue_token
    from ecabinet.core.db import utcnow
    from ecabinet.extensions import db
    from ecabinet.meetings import operations as meetings
    from tests.factories import create_admin, create_secretariat, create_user

    with live_server.app.app_context():
        admin = create_admin(username="quantri")
        office = create_secretariat(username="thuky")
        member = create_user(username="thanhvien", full_name="Lê Văn Thành")
        meeting = meetings.create_meeting("Phiên họp", utcnow() + timedelta(days=3), actor=office)
        db.session.commit()
        headers = {}
        for user in (admin, office):
            _token, raw = issue_token(user)
            headers[user.username] = {"Authorization": f"Bearer {raw}"}
        db.session.commit()
        ids = {"member": member.id, "meeting": meeting.id, "body": meeting.body_id}
        db.session.remove()
    return live_server, headers, ids


def _all_at_once(calls):
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


def test_parallel_users_naming_the_same_new_unit_share_it(api):
    server, headers, _ids = api

    def create(n):
        return lambda: requests.post(f"{server.url}/api/v1/users", headers=headers["quantri"], timeout=30, json={
            "username": f"chuyenvien{n}", "full_name": f"Nguyễn Văn {n}", "password": PASSWORD,
            "unit": "Sở Khoa học và Công nghệ"})

    responses = _all_at_once([create(n) for n in range(PARALLEL)])
    assert [r.status_code for r in responses] == [201] * PARALLEL, [r.text[:200] for r in responses]
    units = {r.json()["unit"] for r in responses}
    assert units == {"Sở Khoa học và Công nghệ"}
    from ecabinet.accounts.models import Unit
    from ecabinet.extensions import db

    with server.app.app_context():
        assert db.session.query(Unit).filter_by(name="Sở Khoa học và Công nghệ").count() == 1
        db.session.remove()


def test_the_same_username_twice_at_once_is_one_user_and_409s(api):
    server, headers, _ids = api
    call = lambda: requests.post(f"{server.url}/api/v1/users", headers=headers["quantri"], timeout=30, json={  # noqa: E731
        "username": "trung.ten", "full_name": "Trùng Tên", "password": PASSWORD})
    codes = sorted(r.status_code for r in _all_at_once([call] * PARALLEL))
    assert codes == [201] + [409] * (PARALLEL - 1)


def test_parallel_invitations_and_roster_places_never_answer_500(api):
    server, headers, ids = api
    invite = lambda: requests.post(  # noqa: E731
        f"{server.url}/api/v1/meetings/{ids['meeting']}/participants", headers=headers["thuky"], timeout=30,
        json={"user_id": ids["member"], "role": "member"})
    place = lambda: requests.post(  # noqa: E731
        f"{server.url}/api/v1/bodies/{ids['body']}/members", headers=headers["quantri"], timeout=30,
        json={"user_id": ids["member"], "role": "member", "position": "Ủy viên"})
    body = lambda: requests.post(f"{server.url}/api/v1/bodies", headers=headers["quantri"], timeout=30,  # noqa: E731
                                 json={"name": "Ủy ban nhân dân xã Mường Khoa", "kind": "commune"})
    invited = sorted(r.status_code for r in _all_at_once([invite] * PARALLEL))
    assert invited == [201] + [409] * (PARALLEL - 1)
    placed = [r.status_code for r in _all_at_once([place] * PARALLEL)]
    assert placed == [201] * PARALLEL  # setting a place twice is the same place
    created = sorted(r.status_code for r in _all_at_once([body] * PARALLEL))
    assert created == [201] + [409] * (PARALLEL - 1)
