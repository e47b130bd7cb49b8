"""Every bodies page and API route × every kind of caller: an administrator, the body's
secretariat, a member of this body, a member of another body, a stranger, and no login.

Seen from outside: no login → the login page (pages) or 401 (API); a body you are not on → 404;
on it but not an administrator → 403; administrators may do everything. Refused changes change nothing.
"""
from datetime import date

import pytest

from ecabinet.accounts.models import User
from ecabinet.bodies import groups, operations
from ecabinet.bodies.models import Body, BodyKind, BodyMember, CalendarDay, InvitationGroup
from ecabinet.extensions import db
from tests.factories import create_admin, create_user
from tests.sweep import case_id, blueprint_endpoints, run_case

ROLES = ("anonymous", "stranger", "other_body_member", "member", "secretariat", "admin")
ON_BODY = {"member", "secretariat"}
ALLOWED = {"public": set(ROLES), "any": set(ROLES) - {"anonymous"}, "view": ON_BODY | {"admin"},
           "admin": {"admin"}, "admin_pages": {"admin"}, "groups": {"secretariat", "admin"}}


def expected(rule, role, success, *, api):
    """`admin`: a body's own administration (403 to those on it, 404 to others); `admin_pages`:
    the administration pages and creating a body (403 to anyone logged in who is not an administrator);
    `groups`: the body's saved invitation groups (its secretariat and administrators; 403 to its other
    members, 404 to everyone else)."""
    if role in ALLOWED[rule]:
        return success
    if role == "anonymous":
        return 401 if api else "login"
    if rule == "admin_pages" or role in ON_BODY:
        return 403
    return 404


class Cast:
    """A province and one of its communes, with overlapping people."""

    def __init__(self):
        self.admin = create_admin(full_name="Quản Trị Viên")
        self.secretariat = create_user(full_name="Trần Thị Thư Ký")
        self.member = create_user(full_name="Lê Văn Thành")
        self.other_body_member = create_user(full_name="Lò Văn Páo")
        self.stranger = create_user(full_name="Người Ngoài")
        self.newcomer = create_user(full_name="Giàng A Sử")
        self.province = operations.create_body("Ủy ban nhân dân tỉnh Lai Châu", place_name="Lai Châu")
        self.commune = operations.create_body("Ủy ban nhân dân xã Tân Uyên", kind=BodyKind.COMMUNE,
                                              parent_name="UBND TỈNH LAI CHÂU", place_name="Tân Uyên")
        operations.set_roster_place(self.province, self.secretariat, role="secretariat")
        operations.set_roster_place(self.province, self.member, role="member", position="Ủy viên")
        operations.set_roster_place(self.commune, self.other_body_member, role="chair", position="Chủ tịch")
        db.session.commit()

    def user(self, name):
        return None if name == "anonymous" else getattr(self, name)


class Scene:
    def __init__(self):
        self.cast = Cast()
        operations.set_calendar_day(date(2026, 12, 26), working=True, note="Làm bù")
        group = groups.create_group(self.cast.province, "Lãnh đạo UBND", [self.cast.member])
        db.session.commit()
        self.ids = {"body": self.cast.province.id, "member_id": self.cast.member.id,
                    "newcomer": self.cast.newcomer.id, "group": group.id}

    def group_names(self):
        db.session.expire_all()
        return {g.name for g in db.session.query(InvitationGroup)}

    def group_people(self):
        db.session.expire_all()
        group = db.session.get(InvitationGroup, self.ids["group"])
        return groups.group_user_ids(group) if group else None

    def calendar(self):
        db.session.expire_all()
        return {d.day: d.working for d in db.session.query(CalendarDay)}

    def body(self):
        db.session.expire_all()
        return db.session.get(Body, self.ids["body"])

    def on_roster(self, user_id):
        db.session.expire_all()
        return db.session.query(BodyMember).filter_by(body_id=self.ids["body"], user_id=user_id).count() == 1

    def bodies(self):
        db.session.expire_all()
        return db.session.query(Body).count()


BODY_FORM = {"name": "Ủy ban nhân dân tỉnh Lai Châu (sửa)", "kind": "provincial", "parent_name": "",
             "short_name": "UBND tỉnh", "place_name": "Lai Châu",
             "rules-quorum_numerator": "2", "rules-quorum_denominator": "3", "rules-decision_rule": "majority_of_members",
             "rules-tie": "fails", "rules-poll_days": "5", "rules-poll_silence_counts_as": "none",
             "rules-lead_days_regular": "3", "rules-lead_days_special": "1", "rules-legal_basis": ""}

PAGES = [
    ("bodies.index", "GET", "/admin/bodies", None, "admin_pages", 200, None),
    ("bodies.edit", "GET", "/admin/bodies/new", None, "admin_pages", 200, None),
    ("bodies.edit", "POST", "/admin/bodies/new", lambda i: {**BODY_FORM, "name": "Ủy ban nhân dân xã Mường Khoa"},
     "admin_pages", "ok-redirect", lambda s: s.bodies() == 3),
    ("bodies.edit", "GET", "/admin/bodies/{body}", None, "admin_pages", 200, None),
    ("bodies.edit", "POST", "/admin/bodies/{body}", lambda i: BODY_FORM, "admin_pages", "ok-redirect",
     lambda s: s.body().name.endswith("(sửa)")),
    ("bodies.add_to_roster", "POST", "/admin/bodies/{body}/roster",
     lambda i: {"roster-user_id": str(i["newcomer"]), "roster-role": "member", "roster-position": "Ủy viên"},
     "admin_pages", "ok-redirect", lambda s: s.on_roster(s.ids["newcomer"])),
    ("bodies.remove_from_roster", "POST", "/admin/bodies/{body}/roster/{member_id}/delete", lambda i: {},
     "admin_pages", "ok-redirect", lambda s: not s.on_roster(s.ids["member_id"])),
    ("bodies.calendar", "GET", "/admin/calendar", None, "admin_pages", 200, None),
    ("bodies.calendar", "POST", "/admin/calendar", lambda i: {"day": "11/02/2027", "working": "0", "note": "Nghỉ bù"},
     "admin_pages", "ok-redirect", lambda s: s.calendar().get(date(2027, 2, 11)) is False),
    ("bodies.delete_calendar_day", "POST", "/admin/calendar/2026-12-26/delete", lambda i: {}, "admin_pages",
     "ok-redirect", lambda s: date(2026, 12, 26) not in s.calendar()),
    ("bodies.group_list", "GET", "/bodies/{body}/groups", None, "groups", 200, None),
    ("bodies.group_list", "POST", "/bodies/{body}/groups",
     lambda i: {"name": "Thủ trưởng các sở", "user_ids": [str(i["newcomer"])]}, "groups", "ok-redirect",
     lambda s: "Thủ trưởng các sở" in s.group_names()),
    ("bodies.group_edit", "GET", "/bodies/{body}/groups/{group}", None, "groups", 200, None),
    ("bodies.group_edit", "POST", "/bodies/{body}/groups/{group}",
     lambda i: {"name": "Lãnh đạo UBND tỉnh", "user_ids": [str(i["member_id"]), str(i["newcomer"])]}, "groups",
     "ok-redirect", lambda s: s.group_names() == {"Lãnh đạo UBND tỉnh"}),
    ("bodies.group_delete", "POST", "/bodies/{body}/groups/{group}/delete", lambda i: {}, "groups", "ok-redirect",
     lambda s: s.group_names() == set()),
]

API = [
    ("bodies_api.config", "GET", "/api/v1/config", None, "public", 200, None),
    ("bodies_api.list_bodies", "GET", "/api/v1/bodies", None, "any", 200, None),
    ("bodies_api.create_body", "POST", "/api/v1/bodies", lambda i: {"name": "Ủy ban nhân dân xã Mường Khoa",
                                                                  "kind": "commune"},
     "admin_pages", 201, lambda s: s.bodies() == 3),
    ("bodies_api.get_body", "GET", "/api/v1/bodies/{body}", None, "view", 200, None),
    ("bodies_api.update_body", "PATCH", "/api/v1/bodies/{body}", lambda i: {"rules": {"quorum_numerator": 1,
                                                                                    "quorum_denominator": 2}},
     "admin", 200, lambda s: s.body().quorum_denominator == 2),
    ("bodies_api.set_member", "POST", "/api/v1/bodies/{body}/members",
     lambda i: {"user_id": i["newcomer"], "role": "member"}, "admin", 201, lambda s: s.on_roster(s.ids["newcomer"])),
    ("bodies_api.remove_member", "DELETE", "/api/v1/bodies/{body}/members/{member_id}", None, "admin", 204,
     lambda s: not s.on_roster(s.ids["member_id"])),
    ("bodies_api.list_groups", "GET", "/api/v1/bodies/{body}/groups", None, "groups", 200, None),
    ("bodies_api.create_group", "POST", "/api/v1/bodies/{body}/groups",
     lambda i: {"name": "Thủ trưởng các sở", "user_ids": [i["newcomer"]]}, "groups", 201,
     lambda s: "Thủ trưởng các sở" in s.group_names()),
    ("bodies_api.get_group", "GET", "/api/v1/bodies/{body}/groups/{group}", None, "groups", 200, None),
    ("bodies_api.update_group", "PATCH", "/api/v1/bodies/{body}/groups/{group}",
     lambda i: {"user_ids": [i["member_id"], i["newcomer"]]}, "groups", 200,
     lambda s: s.group_people() == {s.ids["member_id"], s.ids["newcomer"]}),
    ("bodies_api.delete_group", "DELETE", "/api/v1/bodies/{body}/groups/{group}", None, "groups", 204,
     lambda s: s.group_names() == set()),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", PAGES, ids=case_id)
def test_pages(app, route, role):
    run_case(app, Scene(), route, role, expected, api=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API, ids=case_id)
def test_api(app, bearer, route, role):
    run_case(app, Scene(), route, role, expected, api=True, bearer=bearer)


def test_the_sweep_covers_every_bodies_route(app):
    swept = {(endpoint, method) for endpoint, method, *_rest in PAGES + API}
    assert blueprint_endpoints(app, "bodies", "bodies_api") == swept


def test_each_caller_lists_the_bodies_they_sit_on(app, bearer):
    from tests.sweep import api_request

    scene = Scene()
    for role, names in [("admin", 2), ("member", 1), ("other_body_member", 1), ("stranger", 0)]:
        listed = api_request(app, scene.cast.user(role), "GET", "/api/v1/bodies", bearer=bearer).get_json()["bodies"]
        assert len(listed) == names, role


def test_config_tells_a_client_the_limits_before_it_uploads(app, client):
    data = client.get("/api/v1/config").get_json()
    assert data["max_upload_bytes"] == app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    assert data["max_document_pages"] == app.config["MAX_DOCUMENT_PAGES"]
    assert data["languages"] == ["vi", "en"]


def test_a_user_may_sit_on_several_bodies(app):
    cast = Cast()
    operations.set_roster_place(cast.commune, cast.member, role="secretariat")
    db.session.commit()
    user = db.session.get(User, cast.member.id)
    assert {p.body_id for p in user.roster} == {cast.province.id, cast.commune.id}
    assert user.secretariat_body_ids == {cast.commune.id}
