"""The session lifecycle: draft → published → live → ended → archived (and back from published to draft).

Through the JSON API (POST /api/v1/meetings/<id>/<action>) and the session page's
buttons (POST /meetings/<id>/status/<action> with the CSRF token). Each allowed
transition changes the status, stamps its time and is audited; every other one
is refused (409 invalid_transition from the API, an error message on the page)
and changes nothing. Once a session has ended, nothing in it can be changed.
"""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from ecabinet.audit.models import AuditEntry
from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.meetings import operations
from ecabinet.meetings.models import Meeting, MeetingStatus, Role
from tests.conftest import csrf_token
from tests.factories import create_meeting, create_secretariat, create_user

STATUSES = ("draft", "published", "live", "ended", "archived")
ACTIONS = ("publish", "start", "end", "archive", "unpublish")
# Written out here, not read from operations.TRANSITIONS, so that a wrong table fails.
ALLOWED = {
    ("draft", "publish"): "published",
    ("published", "start"): "live",
    ("published", "unpublish"): "draft",
    ("live", "end"): "ended",
    ("ended", "archive"): "archived",
}
STAMPS = {"published": "published_at", "live": "started_at", "ended": "ended_at"}
ALL_PAIRS = [(status, action) for status in STATUSES for action in ACTIONS]
REFUSED = [pair for pair in ALL_PAIRS if pair not in ALLOWED]


class Session:
    """A session with an agenda, a chair and a member, moved to `status`."""

    def __init__(self, status="draft", **kwargs):
        self.secretariat = create_secretariat(full_name="Thư Ký Văn Phòng")
        self.chair = create_user(full_name="Chủ Tọa Phiên Họp")
        self.member = create_user(full_name="Thành Viên UBND")
        kwargs.setdefault("chair", self.chair)
        self.meeting = create_meeting(status=MeetingStatus(status), actor=self.secretariat,
                                      members=[self.member], **kwargs)
        self.id = self.meeting.id

    def fresh(self):
        db.session.expire_all()
        return db.session.get(Meeting, self.id)

    def snapshot(self):
        m = self.fresh()
        return (m.status, m.published_at, m.started_at, m.ended_at, m.title, m.starts_at,
                [(i.id, i.position, i.title, i.duration_minutes) for i in m.agenda_items],
                sorted((p.user_id, p.role, p.can_vote) for p in m.participants))


def status_audits(meeting_id):
    db.session.expire_all()
    return db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "meeting.status_changed", AuditEntry.meeting_id == meeting_id)
        .order_by(AuditEntry.id)).scalars().all()


def api(app, headers, method, url, json=None, **extra):
    return app.test_client().open(url, method=method, json=json, headers={**headers, **extra})


def page_post(client, url, data=None):
    form = dict(data or {})
    form["csrf_token"] = csrf_token(client, "/account/password")
    return client.post(url, data=form)


def flashes(client, meeting_id):
    """The flash messages the session page shows after a redirect: [(category, text)]."""
    html = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    return re.findall(r'<div class="flash flash--(\w+)">(.*?)</div>', html, re.S)


# -- the whole way through ------------------------------------------------------


def test_the_whole_lifecycle_through_the_api_is_stamped_and_audited(app, bearer):
    s = Session()
    by_secretariat, by_chair = bearer(s.secretariat), bearer(s.chair)
    steps = [("publish", by_secretariat, s.secretariat, "published"), ("start", by_chair, s.chair, "live"),
             ("end", by_chair, s.chair, "ended"), ("archive", by_secretariat, s.secretariat, "archived")]
    previous = "draft"
    for action, headers, actor, status in steps:
        before = utcnow() - timedelta(seconds=1)
        response = api(app, headers, "POST", f"/api/v1/meetings/{s.id}/{action}")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["status"] == status and body["id"] == s.id
        meeting = s.fresh()
        assert meeting.status == MeetingStatus(status)
        if status in STAMPS:
            stamp = getattr(meeting, STAMPS[status])
            assert stamp is not None and before <= stamp <= utcnow() + timedelta(seconds=1)
            assert body[STAMPS[status]] is not None
        entry = status_audits(s.id)[-1]
        assert entry.details["previous"] == previous and entry.details["status"] == status
        assert entry.actor_id == actor.id
        previous = status
    assert [(e.details["previous"], e.details["status"]) for e in status_audits(s.id)] == [
        ("draft", "published"), ("published", "live"), ("live", "ended"), ("ended", "archived")]
    final = s.fresh()
    assert final.published_at <= final.started_at <= final.ended_at


def test_the_whole_lifecycle_through_the_page_buttons(app, login):
    s = Session()
    client = login(s.secretariat)
    expected_flash = {"publish": "Đã công bố phiên họp", "start": "Phiên họp đã bắt đầu",
                      "end": "Phiên họp đã kết thúc", "archive": "lưu trữ"}
    previous = "draft"
    for action, status in (("publish", "published"), ("start", "live"), ("end", "ended"), ("archive", "archived")):
        response = page_post(client, f"/meetings/{s.id}/status/{action}")
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/meetings/{s.id}")
        shown = flashes(client, s.id)
        assert [c for c, _t in shown] == ["success"], shown
        assert expected_flash[action].lower() in shown[0][1].lower(), shown
        meeting = s.fresh()
        assert meeting.status == MeetingStatus(status)
        if status in STAMPS:
            assert getattr(meeting, STAMPS[status]) is not None
        entry = status_audits(s.id)[-1]
        assert (entry.details["previous"], entry.details["status"], entry.actor_id) == (previous, status,
                                                                                          s.secretariat.id)
        previous = status
    assert len(status_audits(s.id)) == 4


def test_unpublish_returns_to_draft_and_it_can_be_published_again(app, bearer):
    s = Session(status="published")
    headers = bearer(s.secretariat)
    first_published = s.fresh().published_at
    assert api(app, headers, "POST", f"/api/v1/meetings/{s.id}/unpublish").get_json()["status"] == "draft"
    assert s.fresh().status == MeetingStatus.DRAFT
    # A draft is hidden from plain members again.
    assert api(app, bearer(s.member), "GET", f"/api/v1/meetings/{s.id}").status_code == 404
    assert api(app, headers, "POST", f"/api/v1/meetings/{s.id}/publish").status_code == 200
    assert s.fresh().published_at >= first_published
    assert api(app, bearer(s.member), "GET", f"/api/v1/meetings/{s.id}").status_code == 200
    assert [(e.details["previous"], e.details["status"]) for e in status_audits(s.id)][-2:] == [
        ("published", "draft"), ("draft", "published")]


# -- every pair (status, action) -------------------------------------------------


@pytest.mark.parametrize("status,action", ALL_PAIRS, ids=[f"{s}-{a}" for s, a in ALL_PAIRS])
def test_every_transition_through_the_api(app, bearer, status, action):
    s = Session(status=status)
    before, audits = s.snapshot(), len(status_audits(s.id))
    response = api(app, bearer(s.secretariat), "POST", f"/api/v1/meetings/{s.id}/{action}")
    if (status, action) in ALLOWED:
        target = ALLOWED[(status, action)]
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == target
        assert s.fresh().status == MeetingStatus(target)
        assert len(status_audits(s.id)) == audits + 1
    else:
        assert response.status_code == 409, response.get_json()
        error = response.get_json()["error"]
        assert error["code"] == "invalid_transition"
        assert error["details"]["status"] == status
        assert error["message"]
        assert s.snapshot() == before
        assert len(status_audits(s.id)) == audits


@pytest.mark.parametrize("status,action", ALL_PAIRS, ids=[f"{s}-{a}" for s, a in ALL_PAIRS])
def test_every_transition_through_the_page(app, login, status, action):
    s = Session(status=status)
    client = login(s.secretariat)
    before, audits = s.snapshot(), len(status_audits(s.id))
    response = page_post(client, f"/meetings/{s.id}/status/{action}")
    assert response.status_code == 302
    shown = flashes(client, s.id)
    if (status, action) in ALLOWED:
        assert [c for c, _t in shown] == ["success"], shown
        assert s.fresh().status == MeetingStatus(ALLOWED[(status, action)])
        assert len(status_audits(s.id)) == audits + 1
    else:
        assert [c for c, _t in shown] == ["error"], shown
        assert "không thể chuyển sang" in shown[0][1]
        assert s.snapshot() == before
        assert len(status_audits(s.id)) == audits


def test_the_page_refuses_a_status_change_without_the_csrf_token(app, login):
    s = Session(status="published")
    client = login(s.secretariat)
    response = client.post(f"/meetings/{s.id}/status/start", data={})
    assert response.status_code in (302, 400)
    assert s.fresh().status == MeetingStatus.PUBLISHED
    assert status_audits(s.id)[-1].details["status"] == "published"


def test_an_unknown_action_changes_nothing(app, login, bearer):
    s = Session(status="published")
    before = s.snapshot()
    assert page_post(login(s.secretariat), f"/meetings/{s.id}/status/close").status_code == 302
    assert api(app, bearer(s.secretariat), "POST", f"/api/v1/meetings/{s.id}/close").status_code in (404, 405)
    assert s.snapshot() == before


# -- preconditions --------------------------------------------------------------


def test_publishing_an_empty_agenda_is_refused(app, bearer, login):
    s = Session(agenda=())
    before = s.snapshot()
    response = api(app, bearer(s.secretariat), "POST", f"/api/v1/meetings/{s.id}/publish")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "agenda_empty"
    assert response.get_json()["error"]["message"] == (
        "Cần có ít nhất một nội dung trong chương trình họp trước khi công bố.")
    client = login(s.secretariat)
    page_post(client, f"/meetings/{s.id}/status/publish")
    assert flashes(client, s.id) == [("error", "Cần có ít nhất một nội dung trong chương trình họp trước khi công bố.")]
    assert s.snapshot() == before
    assert status_audits(s.id) == []
    # With an item it goes through.
    assert api(app, bearer(s.secretariat), "POST", f"/api/v1/meetings/{s.id}/agenda",
               {"title": "Tờ trình về giá đất"}).status_code == 201
    assert api(app, bearer(s.secretariat), "POST", f"/api/v1/meetings/{s.id}/publish").status_code == 200


def test_an_agenda_emptied_after_publishing_is_still_refused_on_republish(app, bearer):
    s = Session(status="published")
    headers = bearer(s.secretariat)
    item = s.fresh().agenda_items[0].id
    assert api(app, headers, "DELETE", f"/api/v1/meetings/{s.id}/agenda/{item}").status_code == 204
    assert api(app, headers, "POST", f"/api/v1/meetings/{s.id}/unpublish").status_code == 200
    response = api(app, headers, "POST", f"/api/v1/meetings/{s.id}/publish")
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "agenda_empty")


def test_starting_without_a_chair_is_refused(app, bearer, login):
    s = Session(status="published", chair=None)
    before = s.snapshot()
    response = api(app, bearer(s.secretariat), "POST", f"/api/v1/meetings/{s.id}/start")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_chair"
    client = login(s.secretariat)
    page_post(client, f"/meetings/{s.id}/status/start")
    assert flashes(client, s.id) == [("error", "Cần phân công chủ tọa trước khi bắt đầu phiên họp.")]
    assert s.snapshot() == before
    # A member is not a chair; naming one lets the session start.
    operations.invite_participant(s.fresh(), create_user(), Role.CHAIR, actor=s.secretariat)
    db.session.commit()
    assert api(app, bearer(s.secretariat), "POST", f"/api/v1/meetings/{s.id}/start").status_code == 200


def test_the_lifecycle_messages_follow_accept_language(app, bearer):
    s = Session(status="published")
    url = f"/api/v1/meetings/{s.id}/end"
    vi = api(app, bearer(s.secretariat), "POST", url).get_json()["error"]["message"]
    en = api(app, bearer(s.secretariat), "POST", url, **{"Accept-Language": "en"}).get_json()["error"]["message"]
    assert vi == "Phiên họp đang ở trạng thái “Đã công bố” nên không thể chuyển sang “đã kết thúc”."
    assert en == "A session that is Published cannot become ended."


# -- a closed session -------------------------------------------------------------


def _closed(status):
    s = Session(status="live")
    operations.add_agenda_item(s.fresh(), "Báo cáo kinh tế – xã hội", actor=s.secretariat)
    db.session.commit()
    meeting = s.fresh()
    s.items = [i.id for i in meeting.agenda_items]
    s.member_p = meeting.participant_for(s.member).id
    s.outsider = create_user(full_name="Người Chưa Mời")
    for step in (MeetingStatus.ENDED, MeetingStatus.ARCHIVED)[: 1 if status == "ended" else 2]:
        operations.change_status(s.fresh(), step, actor=s.secretariat)
    db.session.commit()
    return s


CLOSED_API = [
    ("PATCH", "/api/v1/meetings/{id}", lambda s: {"title": "Tên mới", "location": "Hội trường B"}),
    ("POST", "/api/v1/meetings/{id}/agenda", lambda s: {"title": "Nội dung bổ sung"}),
    ("PATCH", "/api/v1/meetings/{id}/agenda/{item}", lambda s: {"title": "Đã sửa", "duration_minutes": 5}),
    ("DELETE", "/api/v1/meetings/{id}/agenda/{item}", None),
    ("PUT", "/api/v1/meetings/{id}/agenda/order", lambda s: {"item_ids": list(reversed(s.items))}),
    ("POST", "/api/v1/meetings/{id}/participants", lambda s: {"user_id": s.outsider.id, "role": "member"}),
    ("PATCH", "/api/v1/meetings/{id}/participants/{member_p}", lambda s: {"role": "guest"}),
    ("DELETE", "/api/v1/meetings/{id}/participants/{member_p}", None),
]


@pytest.mark.parametrize("status", ["ended", "archived"])
@pytest.mark.parametrize("method,url,body", CLOSED_API, ids=[f"{m} {u}" for m, u, _b in CLOSED_API])
def test_a_closed_session_cannot_be_changed_through_the_api(app, bearer, status, method, url, body):
    s = _closed(status)
    before = s.snapshot()
    response = api(app, bearer(s.secretariat), method,
                   url.format(id=s.id, item=s.items[0], member_p=s.member_p), body(s) if body else None)
    assert response.status_code == 409, response.get_json()
    code, message = {"ended": ("meeting_closed", "Phiên họp đã kết thúc, không thể thay đổi."),
                     "archived": ("session_archived", "Phiên họp đã được lưu trữ, không thể thay đổi.")}[status]
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"] == message
    assert s.snapshot() == before


@pytest.mark.parametrize("method,url,body", CLOSED_API, ids=[f"{m} {u}" for m, u, _b in CLOSED_API])
def test_the_same_changes_work_while_live(app, bearer, method, url, body):
    """The control for the test above: a live session is still editable."""
    s = _closed("ended")
    s.meeting = s.fresh()
    s.meeting.status = MeetingStatus.LIVE
    db.session.commit()
    before = s.snapshot()
    response = api(app, bearer(s.secretariat), method,
                   url.format(id=s.id, item=s.items[0], member_p=s.member_p), body(s) if body else None)
    assert response.status_code in (200, 201, 204), response.get_json()
    assert s.snapshot() != before


CLOSED_PAGES = [
    ("/meetings/{id}/edit", lambda s: {"title": "Tên mới", "kind": "regular", "starts_at": "2030-12-05T08:00",
                                       "location": "Hội trường B", "confidentiality": "normal"}),
    ("/meetings/{id}/agenda", lambda s: {"item-title": "Nội dung bổ sung"}),
    ("/meetings/{id}/agenda/{item}", lambda s: {"title": "Đã sửa", "duration_minutes": "5"}),
    ("/meetings/{id}/agenda/{item}/move/down", None),
    ("/meetings/{id}/agenda/{item}/delete", None),
    ("/meetings/{id}/participants", lambda s: {"invite-user_id": str(s.outsider.id), "invite-role": "member",
                                               "invite-delegate_for_id": "0"}),
    ("/meetings/{id}/participants/{member_p}", lambda s: {"role": "guest"}),
    ("/meetings/{id}/participants/{member_p}/delete", None),
]


@pytest.mark.parametrize("url,body", CLOSED_PAGES, ids=[u for u, _b in CLOSED_PAGES])
def test_a_closed_session_cannot_be_changed_through_the_pages(app, login, url, body):
    s = _closed("ended")
    before = s.snapshot()
    client = login(s.secretariat)
    response = page_post(client, url.format(id=s.id, item=s.items[0], member_p=s.member_p), body(s) if body else None)
    assert response.status_code in (302, 409)
    assert s.snapshot() == before
    if response.status_code == 302:
        assert ("error", "Phiên họp đã kết thúc, không thể thay đổi.") in flashes(client, s.id)


EDIT_MARKERS = {
    "edit link": 'href="/meetings/{id}/edit"',
    "agenda tools": 'class="agenda-item__tools"',
    "drag reorder": "data-reorder-url",
    "sortable script": "Sortable.min.js",
    "add item form": 'action="/meetings/{id}/agenda"',
    "edit item link": 'href="/meetings/{id}/agenda/',
    "invite form": 'action="/meetings/{id}/participants"',
    "participant edit": 'class="participant-edit"',
}


@pytest.mark.parametrize("status", ["live", "ended", "archived"])
def test_the_session_page_shows_edit_controls_only_while_editable(app, login, status):
    s = _closed("ended") if status != "live" else Session(status="live")
    if status == "live":
        operations.add_agenda_item(s.fresh(), "Nội dung thứ hai", actor=s.secretariat)
        db.session.commit()
    elif status == "archived":
        operations.change_status(s.fresh(), MeetingStatus.ARCHIVED, actor=s.secretariat)
        db.session.commit()
    html = login(s.secretariat).get(f"/meetings/{s.id}").get_data(as_text=True)
    present = {name for name, marker in EDIT_MARKERS.items() if marker.format(id=s.id) in html}
    if status == "live":
        assert present == set(EDIT_MARKERS)
        assert "Kết thúc phiên họp" in html  # the end button
    else:
        assert present == set()
        # A finished session offers only archiving; an archived one nothing at all.
        steps = set(re.findall(rf'action="/meetings/{s.id}/status/(\w+)"', html))
        assert steps == ({"archive"} if status == "ended" else set())
    assert "Báo cáo kinh tế" in html or status == "live"


@pytest.mark.parametrize("path", ["/meetings/{id}/edit", "/meetings/{id}/agenda/{item}"])
def test_the_edit_pages_of_a_closed_session_are_not_offered(app, login, path):
    s = _closed("ended")
    response = login(s.secretariat).get(path.format(id=s.id, item=s.items[0]))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Phiên họp đã kết thúc, không thể thay đổi." in html
    assert 'name="title"' not in html


def test_the_edit_pages_of_a_live_session_still_open(app, login):
    s = Session(status="live")
    item = s.fresh().agenda_items[0].id
    client = login(s.secretariat)
    for path in (f"/meetings/{s.id}/edit", f"/meetings/{s.id}/agenda/{item}"):
        response = client.get(path)
        assert response.status_code == 200 and 'name="title"' in response.get_data(as_text=True)
