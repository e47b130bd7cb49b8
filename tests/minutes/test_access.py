"""Every minutes page and API route × every role, against the rules of ecabinet/minutes/access.py.

An ended session with a chair, the session's secretary, a member represented by a stand-in, a guest,
and a first revision saved by the secretary. Seen from outside: no login → 302 to the login page
(pages) or 401 (API); anyone who does not see the session (a stranger, a member of another session,
the secretariat of another body, an admin who is not in it) → 404, never 403; in the session but not
allowed → 403; allowed → 200/201, or a redirect back for the page form. Each route also checks that
the change happened exactly when allowed.
"""
import pytest
from sqlalchemy import func, select

from ecabinet.bodies import operations as bodies
from ecabinet.extensions import db
from ecabinet.live import operations as live
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus, Role
from ecabinet.minutes import operations
from ecabinet.minutes.models import MinutesComment, MinutesRevision, MinutesSigner, MinutesStatus
from tests.factories import Cast, create_user
from tests.sweep import blueprint_endpoints, case_id, run_case

ROLES = ("anonymous", "stranger", "guest", "member", "stand_in", "other_member", "other_body", "chair",
         "secretary", "secretariat", "admin")
VISIBLE = {"guest", "member", "stand_in", "chair", "secretary", "secretariat"}
ALLOWED = {
    "read": VISIBLE,
    "write": {"secretary", "secretariat"},
    "comment": {"chair"},
    "sign": {"chair", "secretary"},
}


def expected(rule, role, success, *, api):
    if role == "anonymous":
        return 401 if api else "login"
    if role in ALLOWED[rule]:
        return success
    return 403 if role in VISIBLE else 404


class MinutesCast(Cast):
    """The Cast, with the session's secretary, a stand-in and the secretariat of another body."""

    def __init__(self):
        super().__init__(status=MeetingStatus.LIVE)
        meeting = self.meeting
        self.secretary = create_user(full_name="Thư Ký Phiên Họp")
        self.stand_in = create_user(full_name="Người Dự Thay")
        self.other_body = create_user(full_name="Văn Phòng Xã Khác")
        commune = bodies.create_body("Ủy ban nhân dân xã Tân Uyên", parent_name="Tỉnh Lai Châu")
        bodies.set_roster_place(commune, self.other_body, role="secretariat")
        meetings.invite_participant(meeting, self.secretary, Role.SECRETARY, actor=self.secretariat)
        live.set_attendance(meeting.participant_for(self.member), "substituted", stand_in=self.stand_in,
                            actor=self.secretariat)
        meetings.change_status(meeting, MeetingStatus.ENDED, actor=self.secretariat)
        operations.save_revision(meeting, {"summary": "Biên bản phiên họp"}, base_revision=0, actor=self.secretary)
        db.session.commit()


class Scene:
    def __init__(self):
        self.cast = MinutesCast()
        self.ids = {"meeting": self.cast.meeting.id}

    def revisions(self):
        db.session.expire_all()
        return db.session.scalar(select(func.count(MinutesRevision.id)))

    def status(self):
        db.session.expire_all()
        return operations.get_minutes(self.cast.meeting).status

    def comments(self):
        db.session.expire_all()
        return db.session.scalar(select(func.count(MinutesComment.id)))

    def signing_order(self):
        db.session.expire_all()
        return db.session.scalars(select(MinutesSigner.field).order_by(MinutesSigner.position)).all()


# (endpoint, method, url, body(ids) or None, rule, success, changed(scene) -> bool or None)
PAGES = [
    ("minutes.show", "GET", "/meetings/{meeting}/minutes", None, "read", 200, None),
    ("minutes.comment", "POST", "/meetings/{meeting}/minutes/comments", lambda i: {"text": "Bổ sung kết luận."},
     "comment", "ok-redirect", lambda s: s.comments() == 1),
]

API = [
    ("minutes_api.get_minutes", "GET", "/api/v1/meetings/{meeting}/minutes", None, "read", 200, None),
    ("minutes_api.save_minutes", "PUT", "/api/v1/meetings/{meeting}/minutes",
     lambda i: {"base_revision": 1, "content": {"summary": "Biên bản phiên họp thường kỳ"}}, "write", 200,
     lambda s: s.revisions() == 2),
    ("minutes_api.finalise_minutes", "POST", "/api/v1/meetings/{meeting}/minutes/finalise",
     lambda i: {"base_revision": 1}, "write", 200, lambda s: s.status() == MinutesStatus.FINAL),
    ("minutes_api.get_revision", "GET", "/api/v1/meetings/{meeting}/minutes/revisions/1", None, "read", 200, None),
    ("minutes_api.compare_revisions", "GET", "/api/v1/meetings/{meeting}/minutes/compare?a=1&b=1", None, "read",
     200, None),
    ("minutes_api.add_comment", "POST", "/api/v1/meetings/{meeting}/minutes/comments",
     lambda i: {"text": "Bổ sung kết luận."}, "comment", 201, lambda s: s.comments() == 1),
    ("minutes_files.minutes_pdf", "GET", "/api/v1/meetings/{meeting}/minutes.pdf", None, "read", 200, None),
    ("minutes_api.verify_minutes", "GET", "/api/v1/meetings/{meeting}/minutes/verification", None, "read", 200, None),
    ("minutes_api.get_signers", "GET", "/api/v1/meetings/{meeting}/minutes/signers", None, "read", 200, None),
    ("minutes_api.set_signers", "PUT", "/api/v1/meetings/{meeting}/minutes/signers",
     lambda i: {"signers": [{"role": "chair"}, {"role": "secretary"}]}, "write", 200,
     lambda s: s.signing_order() == ["chair", "secretary"]),
    # Draft minutes: an allowed signer reaches the rule (409 minutes_not_final); nobody signs anything.
    ("minutes_api.sign_minutes", "POST", "/api/v1/meetings/{meeting}/minutes/signatures",
     lambda i: {"pin": "246810"}, "sign", 409, None),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", PAGES, ids=case_id)
def test_pages(app, route, role):
    run_case(app, Scene(), route, role, expected, api=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API, ids=case_id)
def test_api(app, bearer, route, role):
    run_case(app, Scene(), route, role, expected, api=True, bearer=bearer)


def test_the_sweep_covers_every_minutes_route(app):
    swept = {(endpoint, method) for endpoint, method, *_rest in PAGES + API}
    assert blueprint_endpoints(app, "minutes", "minutes_api", "minutes_files") == swept


@pytest.mark.parametrize("role", ROLES[1:])
def test_the_session_page_links_the_minutes_for_those_who_read_them(login, role):
    scene = Scene()
    page = login(scene.cast.user(role)).get(f"/meetings/{scene.ids['meeting']}")
    linked = f'/meetings/{scene.ids["meeting"]}/minutes"' in page.get_data(as_text=True)
    assert linked == (role in VISIBLE), (role, page.status_code)


def test_a_member_the_signing_order_names_may_sign_and_others_may_not(app, bearer):
    """The member becomes a signer by being named in the order (and reaches the rule: draft minutes)."""
    from ecabinet.minutes import signatures

    scene = Scene()
    cast = scene.cast
    url = f"/api/v1/meetings/{scene.ids['meeting']}/minutes/signatures"
    other = cast.member
    assert app.test_client().post(url, json={"pin": "246810"}, headers=bearer(other)).status_code == 403
    with app.test_request_context():
        signatures.set_signing_order(cast.meeting, [{"role": "secretary"}, {"user_id": other.id}, {"role": "chair"}],
                                     actor=cast.secretary)
        db.session.commit()
    reached = app.test_client().post(url, json={"pin": "246810"}, headers=bearer(other))
    assert reached.status_code == 409 and reached.get_json()["error"]["code"] == "minutes_not_final"
    assert app.test_client().post(url, json={"pin": "246810"}, headers=bearer(cast.guest)).status_code == 403
