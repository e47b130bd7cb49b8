"""Every notice and archive route × every role, against ecabinet/notices/access.py and
ecabinet/archive/access.py, from outside.

The scene: an ended session (chair, the session's secretary, a member represented by a stand-in, a
guest) whose minutes are final, not yet signed. The notice is then a draft: only its writers (the
session's secretary, the body's secretariat) see it; everyone else in the session gets 404 as if there
were none, and a POST they may not make 403. Issuing reaches the rule (409 minutes_not_signed) and
signs nothing. Not logged in: 302 to the login page or 401. Outside the session: 404. A second test
issues the notice and checks who reads it then.
"""
import pytest
from sqlalchemy import func, select

from ecabinet.extensions import db
from ecabinet.minutes import operations as minutes
from ecabinet.notices.models import ConclusionsNotice
from tests.minutes.test_access import ROLES, VISIBLE, MinutesCast
from tests.sweep import assert_api_outcome, blueprint_endpoints, case_id, run_case

WRITERS = {"secretary", "secretariat"}


def expected(rule, role, success, *, api):
    if role == "anonymous":
        return 401 if api else "login"
    if rule == "any":
        return success
    if rule == "archive":
        return success if role in VISIBLE else 404
    if role in WRITERS:
        return success
    if rule == "draft":  # a draft notice is invisible to everyone but its writers
        return 404
    return 403 if role in VISIBLE else 404


class Scene:
    def __init__(self):
        self.cast = MinutesCast()
        minutes.finalise(self.cast.meeting, actor=self.cast.secretary)
        db.session.commit()
        self.ids = {"meeting": self.cast.meeting.id}

    def saved(self):
        db.session.expire_all()
        return db.session.scalar(select(func.count(ConclusionsNotice.id))) == 1


FORM = {"summary": "Kết luận của Chủ tịch UBND tỉnh", "opening": "Ngày 05/12/2026, UBND tỉnh họp.",
        "count": "1", "conclusion-0-text": "Giao Sở Tài chính hoàn thiện hồ sơ.", "closing": "",
        "authority_line": "TL. CHỦ TỊCH", "signer_position": "CHÁNH VĂN PHÒNG", "recipients": "Lưu: VT."}

PAGES = [
    ("notices.show", "GET", "/meetings/{meeting}/notice", None, "draft", 200, None),
    ("notices.save", "POST", "/meetings/{meeting}/notice", FORM, "write", "ok-redirect", lambda s: s.saved()),
    # The minutes are not signed: a writer is sent back with the reason; nothing is issued.
    ("notices.issue", "POST", "/meetings/{meeting}/notice/issue", {"pin": "246810"}, "write", "ok-redirect", None),
]

API = [
    ("notices_api.get_notice", "GET", "/api/v1/meetings/{meeting}/notice", None, "draft", 200, None),
    ("notices_api.save_notice", "PUT", "/api/v1/meetings/{meeting}/notice",
     {"conclusions": [{"text": "Giao Sở Tài chính hoàn thiện hồ sơ."}]}, "write", 200, lambda s: s.saved()),
    ("notices_api.issue_notice", "POST", "/api/v1/meetings/{meeting}/notice/signatures", {"pin": "246810"},
     "write", 409, None),
    ("notices_api.verify_notice", "GET", "/api/v1/meetings/{meeting}/notice/verification", None, "draft", 409, None),
    ("notices_files.notice_pdf", "GET", "/api/v1/meetings/{meeting}/notice.pdf", None, "draft", 200, None),
    ("notices_files.my_notices", "GET", "/api/v1/notices", None, "any", 200, None),
]

ARCHIVE_API = [
    ("archive_api.archive_zip", "GET", "/api/v1/meetings/{meeting}/archive.zip", None, "archive", 200, None),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", PAGES, ids=case_id)
def test_pages(app, route, role):
    run_case(app, Scene(), route, role, expected, api=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API, ids=case_id)
def test_api(app, bearer, route, role):
    run_case(app, Scene(), route, role, expected, api=True, bearer=bearer)


@pytest.mark.parametrize("role", ROLES)
def test_archive(app, bearer, role):
    scene = Scene()
    user = scene.cast.user(role)
    response = app.test_client().get(f"/api/v1/meetings/{scene.ids['meeting']}/archive.zip",
                                     headers=bearer(user) if user else {})
    outcome = expected("archive", role, 200, api=True)
    assert response.status_code == outcome, (role, response.status_code)
    if outcome == 200:
        assert response.mimetype == "application/zip"
    else:
        assert_api_outcome(response, outcome)


def test_the_sweep_covers_every_notice_and_archive_route(app):
    swept = {(endpoint, method) for endpoint, method, *_rest in PAGES + API + ARCHIVE_API}
    assert blueprint_endpoints(app, "notices", "notices_api", "notices_files", "archive_api") == swept


def test_once_issued_everyone_in_the_session_reads_it_and_nobody_else(fully_signed, app, bearer, login):
    """The issued notice: the reading routes for the participants of the session, the body's office,
    and people outside it (a member who is not in the session, another body's secretariat)."""
    from tests.factories import create_user

    s = fully_signed
    assert s.issue(s.office).status_code == 201
    outsider = create_user(full_name="Người Ngoài Phiên Họp")
    db.session.commit()
    readers = {"chair": s.chair, "secretary": s.secretary, "member": s.present, "stand_in": s.stand_in,
               "guest": s.guest, "office": s.office}
    for path in ("/notice", "/notice.pdf", "/notice/verification"):
        for name, user in {**readers, "outsider": outsider}.items():
            response = app.test_client().get(f"/api/v1/meetings/{s.meeting.id}{path}", headers=bearer(user))
            assert response.status_code == (200 if name in readers else 404), (path, name, response.status_code)
        anonymous = app.test_client().get(f"/api/v1/meetings/{s.meeting.id}{path}")
        assert anonymous.status_code == 401
    for name, user in {**readers, "outsider": outsider}.items():
        page = login(user).get(f"/meetings/{s.meeting.id}/notice")
        assert page.status_code == (200 if name in readers else 404), (name, page.status_code)
