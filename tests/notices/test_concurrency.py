"""The notice under parallel requests on a real server (on PostgreSQL they really run at once): of N
saves on one version exactly one wins and the others answer 409 stale_notice; of three issues at once
exactly one signs and stores the notice, the others answer 409; never a 500, never two notices."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.server
PARALLEL = 6
PIN = "246810"


@pytest.fixture
def api(live_server):
    from ecabinet.accounts.operations import issue_token
    from ecabinet.extensions import db
    from ecabinet.minutes import operations as minutes
    from ecabinet.minutes import signatures
    from ecabinet.signing import operations as signing
    from tests.minutes.scene import build_session

    app = live_server.app
    with app.app_context(), app.test_request_context():
        signing.init_ca("CA kiểm thử")
        s = build_session()
        minutes.save_revision(s.meeting, {"items": [{"agenda_item_id": s.items[0].id, "conclusion": "Thống nhất."}]},
                              base_revision=0, actor=s.secretary)
        minutes.finalise(s.meeting, actor=s.secretary)
        for user in (s.secretary, s.chair, s.office):
            signing.issue_certificate(user, PIN)
        db.session.commit()
        for user in (s.secretary, s.chair):
            signatures.sign_minutes(s.meeting, user, PIN)
            db.session.commit()
        headers = {}
        for name in ("secretary", "office"):
            _token, raw = issue_token(getattr(s, name))
            headers[name] = {"Authorization": f"Bearer {raw}"}
        db.session.commit()
        url = f"{live_server.url}/api/v1/meetings/{s.meeting.id}/notice"
        db.session.remove()
    return url, headers


def _all_at_once(calls):
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


def _save(url, headers, base, text):
    return lambda: requests.put(url, headers=headers, timeout=60,
                                json={"base_version": base, "conclusions": [{"text": text}]})


@pytest.mark.parametrize("base", [0, 1], ids=["first save", "later save"])
def test_parallel_saves_make_one_version_and_409s(api, base):
    url, headers = api
    if base:
        assert _save(url, headers["secretary"], 0, "Bản đầu")().status_code == 200
    writers = [headers["secretary"] if n % 2 else headers["office"] for n in range(PARALLEL)]
    responses = _all_at_once([_save(url, writers[n], base, f"Kết luận số {n}") for n in range(PARALLEL)])
    assert sorted(r.status_code for r in responses) == [200] + [409] * (PARALLEL - 1), [r.text[:200] for r in responses]
    winner = next(r.json() for r in responses if r.status_code == 200)
    assert winner["version"] == base + 1
    assert all(r.json()["error"]["code"] == "stale_notice" for r in responses if r.status_code == 409)
    now = requests.get(url, headers=headers["secretary"], timeout=30).json()
    assert now["version"] == base + 1 and now["conclusions"] == winner["conclusions"]


def test_parallel_issues_sign_once(api):
    url, headers = api
    assert _save(url, headers["office"], 0, "Thống nhất thông qua.")().status_code == 200
    issuers = [headers["office"], headers["secretary"], headers["office"]]
    responses = _all_at_once([
        (lambda h: lambda: requests.post(f"{url}/signatures", headers=h, json={"pin": PIN}, timeout=120))(h)
        for h in issuers])
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409, 409], [r.text[:200] for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} <= {"notice_issued", "stale_notice"}
    issued = requests.get(url, headers=headers["secretary"], timeout=30).json()
    assert issued["status"] == "issued" and issued["sha256"] == next(r.json() for r in responses
                                                                    if r.status_code == 201)["sha256"]
