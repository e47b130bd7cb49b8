"""Every meetings page and API route × every role, against the rules of ecabinet/meetings/access.py.

A published session with a chair, a member and a guest (tests.factories.Cast).
Seen from outside: no login → 302 to the login page (pages) or 401 (API);
not invited (stranger, member of another session, an admin who is not in it)
→ 404, never 403; invited but not allowed → 403; allowed → 200/201/204, or a
redirect back to the session for a page form. Every route also checks that
the change happened when allowed and did not happen when refused.
"""
import pytest
from sqlalchemy import select

from ecabinet.bodies.groups import create_group
from ecabinet.extensions import db
from ecabinet.meetings import operations
from ecabinet.meetings.models import AgendaItem, Meeting, MeetingStatus, Participant, Role
from tests.factories import Cast
from tests.sweep import (
    case_id,
    ROLES, api_request, assert_api_outcome, assert_page_outcome, blueprint_endpoints, page_request, run_case,
)

VISIBLE = {"member", "guest", "chair", "secretariat"}
ALLOWED = {
    "any": set(ROLES) - {"anonymous"},
    "create": {"secretariat"},
    "view": VISIBLE,
    "manage": {"secretariat"},
    "status": {"secretariat", "chair"},
}


def expected(rule, role, success, *, api):
    if role == "anonymous":
        return 401 if api else "login"
    if role in ALLOWED[rule]:
        return success
    if rule in ("any", "create") or role in VISIBLE:
        return 403
    return 404


class Scene:
    """The Cast, with a second agenda item so that reordering changes something."""

    def __init__(self, status=MeetingStatus.PUBLISHED):
        self.cast = Cast(status=status)
        meeting = self.cast.meeting
        operations.add_agenda_item(meeting, "Báo cáo tình hình kinh tế – xã hội", actor=self.cast.secretariat)
        db.session.commit()
        first, second = meeting.agenda_items
        guest = meeting.participant_for(self.cast.guest)
        group = create_group(meeting.body, f"Khách mời phiên {meeting.id}", [self.cast.stranger])
        db.session.commit()
        self.ids = {"group": group.id, "meeting": meeting.id, "item": first.id, "item2": second.id, "guest_p": guest.id, "guest": self.cast.guest.id,
                    "stranger": self.cast.stranger.id, "meetings": db.session.scalar(select(db.func.count(Meeting.id)))}

    def fresh(self):
        db.session.expire_all()
        return db.session.get(Meeting, self.ids["meeting"])

    def items(self):
        return [item.id for item in self.fresh().agenda_items]

    def participant(self, user_id):
        return next((p for p in self.fresh().participants if p.user_id == user_id), None)

    def guest_role(self):
        return db.session.get(Participant, self.ids["guest_p"]).role if self.fresh() else None


MEETING_FORM = {"title": "Phiên họp chuyên đề về chuyển đổi số", "kind": "thematic", "starts_at": "15/12/2026",
                "starts_at-time": "08:00", "ends_at": "15/12/2026", "ends_at-time": "11:30", "location": "Hội trường tầng 3", "description": "",
                "confidentiality": "normal"}


def _meeting_count(_s):
    db.session.expire_all()
    return db.session.scalar(select(db.func.count(Meeting.id)))


# (endpoint, method, url, body(ids) or None, rule, success, changed(scene) -> bool or None)
PAGES = [
    ("meetings.index", "GET", "/", None, "any", "ok-redirect", None),
    ("meetings.home", "GET", "/meetings", None, "any", 200, None),
    ("meetings.new_meeting", "GET", "/meetings/new", None, "create", 200, None),
    ("meetings.new_meeting", "POST", "/meetings/new", lambda i: MEETING_FORM, "create", "ok-redirect",
     lambda s: _meeting_count(s) == s.ids["meetings"] + 1),
    ("meetings.show", "GET", "/meetings/{meeting}", None, "view", 200, None),
    ("meetings.edit_meeting", "GET", "/meetings/{meeting}/edit", None, "manage", 200, None),
    ("meetings.edit_meeting", "POST", "/meetings/{meeting}/edit", lambda i: MEETING_FORM, "manage", "ok-redirect",
     lambda s: s.fresh().location == "Hội trường tầng 3"),
    ("meetings.change_status", "POST", "/meetings/{meeting}/status/start", lambda i: {}, "status", "ok-redirect",
     lambda s: s.fresh().status == MeetingStatus.LIVE),
    ("meetings.add_agenda_item", "POST", "/meetings/{meeting}/agenda",
     lambda i: {"item-title": "Tờ trình về giá đất", "item-presenter": "Sở Tài chính", "item-duration_minutes": "15"},
     "manage", "ok-redirect", lambda s: len(s.items()) == 3),
    ("meetings.edit_agenda_item", "GET", "/meetings/{meeting}/agenda/{item}", None, "manage", 200, None),
    ("meetings.edit_agenda_item", "POST", "/meetings/{meeting}/agenda/{item}",
     lambda i: {"title": "Tờ trình đã sửa", "presenter": "Sở Y tế", "duration_minutes": "10", "description": ""},
     "manage", "ok-redirect", lambda s: s.fresh().agenda_items[0].title == "Tờ trình đã sửa"),
    ("meetings.move_agenda_item", "POST", "/meetings/{meeting}/agenda/{item}/move/down", lambda i: {}, "manage",
     "ok-redirect", lambda s: s.items() == [s.ids["item2"], s.ids["item"]]),
    ("meetings.delete_agenda_item", "POST", "/meetings/{meeting}/agenda/{item}/delete", lambda i: {}, "manage",
     "ok-redirect", lambda s: s.items() == [s.ids["item2"]]),
    ("meetings.invite_participant", "POST", "/meetings/{meeting}/participants",
     lambda i: {"invite-user_id": str(i["stranger"]), "invite-role": "member", "invite-delegate_for_id": "0"},
     "manage", "ok-redirect", lambda s: s.participant(s.ids["stranger"]) is not None),
    ("meetings.invite_roster", "POST", "/meetings/{meeting}/participants/roster", lambda i: {}, "manage",
     "ok-redirect", None),
    ("meetings.invite_people", "POST", "/meetings/{meeting}/participants/bulk",
     lambda i: {"source": f"group:{i['group']}"}, "manage", "ok-redirect",
     lambda s: s.participant(s.ids["stranger"]) is not None),
    ("meetings.update_participant", "POST", "/meetings/{meeting}/participants/{guest_p}",
     lambda i: {"role": "member", "can_vote": "y"}, "manage", "ok-redirect", lambda s: s.guest_role() == Role.MEMBER),
    ("meetings.remove_participant", "POST", "/meetings/{meeting}/participants/{guest_p}/delete", lambda i: {},
     "manage", "ok-redirect", lambda s: s.participant(s.ids["guest"]) is None),
]

API = [
    ("meetings_api.list_meetings", "GET", "/api/v1/meetings", None, "any", 200, None),
    ("meetings_api.create_meeting", "POST", "/api/v1/meetings",
     lambda i: {"title": "Phiên họp bất thường", "starts_at": "2026-12-20T14:00:00+07:00"}, "create", 201,
     lambda s: _meeting_count(s) == s.ids["meetings"] + 1),
    ("meetings_api.get_meeting", "GET", "/api/v1/meetings/{meeting}", None, "view", 200, None),
    ("meetings_api.update_meeting", "PATCH", "/api/v1/meetings/{meeting}", lambda i: {"location": "Hội trường A"},
     "manage", 200, lambda s: s.fresh().location == "Hội trường A"),
    ("meetings_api.transition", "POST", "/api/v1/meetings/{meeting}/start", None, "status", 200,
     lambda s: s.fresh().status == MeetingStatus.LIVE),
    ("meetings_api.add_agenda_item", "POST", "/api/v1/meetings/{meeting}/agenda",
     lambda i: {"title": "Tờ trình về giá đất", "presenter": "Sở Tài chính", "duration_minutes": 15}, "manage", 201,
     lambda s: len(s.items()) == 3),
    ("meetings_api.update_agenda_item", "PATCH", "/api/v1/meetings/{meeting}/agenda/{item}",
     lambda i: {"duration_minutes": 45}, "manage", 200, lambda s: s.fresh().agenda_items[0].duration_minutes == 45),
    ("meetings_api.delete_agenda_item", "DELETE", "/api/v1/meetings/{meeting}/agenda/{item}", None, "manage", 204,
     lambda s: s.items() == [s.ids["item2"]]),
    ("meetings_api.reorder_agenda", "PUT", "/api/v1/meetings/{meeting}/agenda/order",
     lambda i: {"item_ids": [i["item2"], i["item"]]}, "manage", 200,
     lambda s: s.items() == [s.ids["item2"], s.ids["item"]]),
    ("meetings_api.list_participants", "GET", "/api/v1/meetings/{meeting}/participants", None, "view", 200, None),
    ("meetings_api.invite_participant", "POST", "/api/v1/meetings/{meeting}/participants",
     lambda i: {"user_id": i["stranger"], "role": "member"}, "manage", 201,
     lambda s: s.participant(s.ids["stranger"]) is not None),
    ("meetings_api.invite_roster", "POST", "/api/v1/meetings/{meeting}/participants/roster", lambda i: {},
     "manage", 201, None),
    ("meetings_api.invite_people", "POST", "/api/v1/meetings/{meeting}/participants/bulk",
     lambda i: {"group_id": i["group"]}, "manage", 201, lambda s: s.participant(s.ids["stranger"]) is not None),
    ("meetings_api.update_participant", "PATCH", "/api/v1/meetings/{meeting}/participants/{guest_p}",
     lambda i: {"role": "member"}, "manage", 200, lambda s: s.guest_role() == Role.MEMBER),
    ("meetings_api.remove_participant", "DELETE", "/api/v1/meetings/{meeting}/participants/{guest_p}", None,
     "manage", 204, lambda s: s.participant(s.ids["guest"]) is None),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", PAGES, ids=case_id)
def test_pages(app, route, role):
    run_case(app, Scene(), route, role, expected, api=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API, ids=case_id)
def test_api(app, bearer, route, role):
    run_case(app, Scene(), route, role, expected, api=True, bearer=bearer)


# A draft is seen only by the secretariat and the session's organisers (chair, secretary).
DRAFT_VIEWS = [
    ("page", "/meetings/{meeting}"),
    ("api", "/api/v1/meetings/{meeting}"),
    ("api", "/api/v1/meetings/{meeting}/participants"),
]
DRAFT_VISIBLE = {"chair", "secretariat"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind,url", DRAFT_VIEWS)
def test_a_draft_is_invisible_to_plain_participants(app, bearer, kind, url, role):
    scene = Scene(status=MeetingStatus.DRAFT)
    user = scene.cast.user(role)
    if kind == "page":
        response = page_request(app, user, "GET", url.format(**scene.ids))
        assert_page_outcome(response, "login" if user is None else 200 if role in DRAFT_VISIBLE else 404)
    else:
        response = api_request(app, user, "GET", url.format(**scene.ids), bearer=bearer)
        assert_api_outcome(response, 401 if user is None else 200 if role in DRAFT_VISIBLE else 404)


@pytest.mark.parametrize("role", ROLES[1:])
def test_lists_show_exactly_the_visible_sessions(app, bearer, login, role):
    scene = Scene()
    draft = Scene(status=MeetingStatus.DRAFT).cast.meeting
    user = scene.cast.user(role)
    listed = {m["id"] for m in api_request(app, user, "GET", "/api/v1/meetings", bearer=bearer).get_json()["meetings"]}
    home = login(user).get("/meetings").get_data(as_text=True)
    visible_here = role in VISIBLE
    assert (scene.ids["meeting"] in listed) == visible_here
    assert (f'/meetings/{scene.ids["meeting"]}"' in home) == visible_here
    # The other session of the Cast: only its member (and the chair, and the secretariat).
    other = scene.cast.other_meeting.id
    assert (other in listed) == (role in {"other_member", "chair", "secretariat"})
    # A draft: only the secretariat here (the draft's own cast is other people).
    assert (draft.id in listed) == (role == "secretariat")


def test_the_sessions_secretary_manages_it_without_the_global_flag(app, bearer):
    scene = Scene(status=MeetingStatus.DRAFT)
    secretary = scene.cast.other_member
    operations.invite_participant(scene.cast.meeting, secretary, Role.SECRETARY, actor=scene.cast.secretariat)
    db.session.commit()
    response = api_request(app, secretary, "POST", f"/api/v1/meetings/{scene.ids['meeting']}/agenda",
                           {"title": "Tờ trình bổ sung"}, bearer)
    assert_api_outcome(response, 201)
    assert_api_outcome(api_request(app, secretary, "POST", f"/api/v1/meetings/{scene.ids['meeting']}/publish",
                                   bearer=bearer), 200)
    assert_api_outcome(api_request(app, secretary, "POST", "/api/v1/meetings",
                                   {"title": "x", "starts_at": "2026-12-20T14:00"}, bearer), 403)


def test_the_sweep_covers_every_meetings_route(app):
    swept = {(endpoint, method) for endpoint, method, *_rest in PAGES + API}
    assert blueprint_endpoints(app, "meetings", "meetings_api") == swept


def test_unknown_ids_are_404_json_for_everyone(app, bearer):
    scene = Scene()
    for role in ("member", "secretariat"):
        user = scene.cast.user(role)
        assert_api_outcome(api_request(app, user, "GET", "/api/v1/meetings/999999", bearer=bearer), 404)
        missing_item = f"/api/v1/meetings/{scene.ids['meeting']}/agenda/999999"
        assert_api_outcome(api_request(app, user, "PATCH", missing_item, {"title": "x"}, bearer),
                           404 if role == "secretariat" else 403)
    other_item = scene.cast.other_meeting.agenda_items[0].id
    # An item of another session is not reachable through this session.
    assert_api_outcome(api_request(app, scene.cast.secretariat, "DELETE",
                                   f"/api/v1/meetings/{scene.ids['meeting']}/agenda/{other_item}", bearer=bearer), 404)
    assert db.session.get(AgendaItem, other_item) is not None
