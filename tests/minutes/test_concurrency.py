"""Two secretaries (or two tabs) saving at once: on PostgreSQL the requests really run in parallel.
Of N saves on the same base exactly one wins; the others answer 409 stale_revision with the winner,
never a 500, and no revision is lost or numbered twice."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.server
PARALLEL = 8


@pytest.fixture
def api(live_server):
    from ecabinet.accounts.operations import issue_token
    from ecabinet.extensions import db
    from tests.minutes.scene import build_session

    with live_server.app.app_context():
        s = build_session()
        headers = {}
        for name in ("secretary", "office"):
            _token, raw = issue_token(getattr(s, name))
            headers[name] = {"Authorization": f"Bearer {raw}"}
        db.session.commit()
        ids = {"meeting": s.meeting.id, "item": s.items[0].id}
        db.session.remove()
    return live_server, headers, ids


def _all_at_once(calls):
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


def _put(server, headers, ids, base, text):
    return lambda: requests.put(f"{server.url}/api/v1/meetings/{ids['meeting']}/minutes", headers=headers, timeout=60,
                                json={"base_revision": base,
                                      "content": {"items": [{"agenda_item_id": ids["item"], "discussion": text}]}})


@pytest.mark.parametrize("base", [0, 1], ids=["first save", "later save"])
def test_parallel_saves_on_one_base_make_one_revision_and_409s(api, base):
    server, headers, ids = api
    if base:
        assert _put(server, headers["secretary"], ids, 0, "Bản đầu")().status_code == 200
    writers = [headers["secretary"] if n % 2 else headers["office"] for n in range(PARALLEL)]
    responses = _all_at_once([_put(server, writers[n], ids, base, f"Bản số {n}") for n in range(PARALLEL)])
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * (PARALLEL - 1), [r.text[:200] for r in responses]
    winner = next(r.json() for r in responses if r.status_code == 200)
    assert winner["revision"] == base + 1
    for loser in (r.json() for r in responses if r.status_code == 409):
        assert loser["error"]["code"] == "stale_revision"
        assert loser["error"]["details"]["current"]["number"] == base + 1
        assert (loser["error"]["details"]["current"]["content"]["items"][0]["discussion"]
                == winner["content"]["items"][0]["discussion"])
    listed = requests.get(f"{server.url}/api/v1/meetings/{ids['meeting']}/minutes", headers=headers["secretary"],
                          timeout=30).json()
    assert [r["number"] for r in listed["revisions"]] == list(range(1, base + 2))


def test_parallel_finalise_and_save_never_answer_500(api):
    server, headers, ids = api
    assert _put(server, headers["secretary"], ids, 0, "Bản đầu")().status_code == 200
    url = f"{server.url}/api/v1/meetings/{ids['meeting']}/minutes"
    finalise = lambda: requests.post(f"{url}/finalise", headers=headers["office"], json={"base_revision": 1},  # noqa: E731
                                     timeout=60)
    calls = [finalise] * 3 + [_put(server, headers["secretary"], ids, 1, f"Sửa {n}") for n in range(5)]
    responses = _all_at_once(calls)
    assert all(r.status_code in (200, 409) for r in responses), [r.text[:200] for r in responses]
    assert sum(r.status_code == 200 for r in responses) == 1
    final = requests.get(url, headers=headers["secretary"], timeout=30).json()
    assert final["revision"] in (1, 2)
    assert (final["status"] == "final") == any(r.status_code == 200 for r in responses[:3])


def test_parallel_signatures_by_one_signer_store_one(live_server):
    """The secretary signs from three tabs at once: one signature is stored, the others answer 409
    (already signed, or the step taken by the parallel one), never a 500."""
    from sqlalchemy import func, select

    from ecabinet.accounts.operations import issue_token
    from ecabinet.extensions import db
    from ecabinet.minutes import operations
    from ecabinet.minutes.models import MinutesSignature
    from ecabinet.signing import operations as signing
    from tests.minutes.scene import build_session
    from tests.signing.conftest import PIN

    with live_server.app.app_context(), live_server.app.test_request_context():
        if not signing.ca_exists():
            signing.init_ca("E-Cabinet CA kiểm thử")
        s = build_session()
        operations.save_revision(s.meeting, {"summary": "Biên bản"}, base_revision=0, actor=s.secretary)
        operations.finalise(s.meeting, actor=s.secretary, base_revision=1)
        signing.issue_certificate(s.secretary, PIN)
        _token, raw = issue_token(s.secretary)
        db.session.commit()
        meeting_id = s.meeting.id
        db.session.remove()
    url = f"{live_server.url}/api/v1/meetings/{meeting_id}/minutes/signatures"
    responses = _all_at_once([lambda: requests.post(url, headers={"Authorization": f"Bearer {raw}"},
                                                    json={"pin": PIN}, timeout=120) for _ in range(3)])
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409, 409], [r.text[:200] for r in responses]
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count(MinutesSignature.id))) == 1
        db.session.remove()


def test_order_changes_racing_the_first_signature_never_answer_500_and_the_pdf_matches_the_order(live_server):
    """The Văn phòng changes the signing order from two tabs while the secretary signs: every answer is
    a 200/201 or a 409, never a 500; and the signed PDF's fields are exactly the stored order's."""
    import io

    from pypdf import PdfReader

    from ecabinet.accounts.operations import issue_token
    from ecabinet.extensions import db
    from ecabinet.minutes import operations, signatures
    from ecabinet.signing import operations as signing
    from tests.minutes.scene import build_session
    from tests.signing.conftest import PIN

    with live_server.app.app_context(), live_server.app.test_request_context():
        if not signing.ca_exists():
            signing.init_ca("E-Cabinet CA kiểm thử")
        s = build_session()
        operations.save_revision(s.meeting, {"summary": "Biên bản"}, base_revision=0, actor=s.secretary)
        operations.finalise(s.meeting, actor=s.secretary, base_revision=1)
        signing.issue_certificate(s.secretary, PIN)
        tokens = {name: issue_token(getattr(s, name))[1] for name in ("secretary", "office")}
        db.session.commit()
        meeting_id, extra = s.meeting.id, s.present.id
        db.session.remove()
    base = f"{live_server.url}/api/v1/meetings/{meeting_id}/minutes"
    office = {"Authorization": f"Bearer {tokens['office']}"}
    orders = [[{"role": "secretary"}, {"user_id": extra, "title": "Phó Chủ tịch UBND tỉnh"}, {"role": "chair"}],
              [{"role": "secretary"}, {"role": "chair"}, {"user_id": extra}]]
    calls = [lambda: requests.post(f"{base}/signatures", headers={"Authorization": f"Bearer {tokens['secretary']}"},
                                   json={"pin": PIN}, timeout=120)]
    calls += [lambda order=order: requests.put(f"{base}/signers", headers=office, json={"signers": order}, timeout=60)
              for order in orders]
    responses = _all_at_once(calls)
    assert all(r.status_code in (200, 201, 409) for r in responses), [(r.status_code, r.text[:200]) for r in responses]
    signed = requests.get(f"{base}.pdf", headers=office, timeout=60)
    with live_server.app.app_context(), live_server.app.test_request_context():
        from ecabinet.meetings.models import Meeting

        stored = [slot.field for slot in signatures.signing_order(db.session.get(Meeting, meeting_id))]
        db.session.remove()
    if responses[0].status_code == 201:
        reader = PdfReader(io.BytesIO(signed.content))
        fields = [str(f) for f in reader.get_fields() or {} if reader.get_fields()[f].get("/FT") == "/Sig"]
        assert sorted(fields) == sorted(stored)
