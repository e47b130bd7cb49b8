"""A session whose minutes carry conclusions on both agenda items, finalised, with certificates for
the secretary and the chair (and the body's office) under PIN; `sign_minutes` signs them in turn."""
import pytest

from ecabinet.extensions import db
from ecabinet.signing import operations as signing
from tests.minutes.test_pdf import session_  # noqa: F401  (a session with a closed ballot)
from tests.signing.conftest import PIN, _no_stray_fetching, internal_ca  # noqa: F401

CONCLUSIONS = (
    "Thống nhất thông qua kế hoạch đầu tư công năm 2027.\nGiao Sở Tài chính chủ trì, phối hợp với các sở, ngành "
    "hoàn thiện hồ sơ trước ngày 15/12/2026.",
    "Yêu cầu các huyện đẩy nhanh tiến độ giải ngân vốn đầu tư công; Sở Xây dựng kiểm tra chất lượng công trình.",
)


@pytest.fixture
def signed_scene(session_, internal_ca, app, bearer):  # noqa: F811
    s = session_
    saved = s.put(s.secretary, json={"base_revision": 0, "content": {
        "summary": "Phiên họp thường kỳ tháng 11 năm 2026",
        "items": [{"agenda_item_id": item.id, "conclusion": text} for item, text in zip(s.items, CONCLUSIONS)]}})
    assert saved.status_code == 200, saved.get_json()
    assert s.put(s.secretary, "/finalise", method="POST", json={"base_revision": 1}).status_code == 200
    for user in (s.secretary, s.chair, s.office):
        signing.issue_certificate(user, PIN)
    db.session.commit()
    s.sign_minutes = lambda user: s.put(user, "/signatures", method="POST", json={"pin": PIN})
    s.notice_url = f"/api/v1/meetings/{s.meeting.id}/notice"
    s.api = lambda user, path="", method="GET", **kw: app.test_client().open(
        s.notice_url + path, method=method, headers=bearer(user), **kw)
    s.issue = lambda user, pin=PIN: s.api(user, "/signatures", "POST", json={"pin": pin})
    s.conclusions = CONCLUSIONS
    return s


@pytest.fixture
def fully_signed(signed_scene):
    s = signed_scene
    assert s.sign_minutes(s.secretary).status_code == 201
    assert s.sign_minutes(s.chair).status_code == 201
    return s
