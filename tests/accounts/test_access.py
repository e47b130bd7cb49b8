"""Every accounts page and API route × every role, against ecabinet/accounts/access.py.

Administration (users, units) is for admins only: everyone else logged in gets
403, no login gets the login page (pages) or 401 (API). The user directory of
the API is also open to the secretariat, who invites participants from it.
Every change is checked to have happened exactly when allowed.
"""
import pytest
from sqlalchemy import func, select

from ecabinet.accounts.models import ApiToken, Unit, User
from ecabinet.extensions import db
from tests.factories import PASSWORD, Cast
from tests.sweep import (
    case_id,
    ROLES, assert_page_outcome, blueprint_endpoints, client_for, page_request,
    run_case,
)

ALLOWED = {
    "any": set(ROLES) - {"anonymous"},
    "admin": {"admin"},
    "directory": {"admin", "secretariat"},
}


def expected(rule, role, success, *, api):
    if role == "anonymous":
        return 401 if api else "login"
    return success if role in ALLOWED[rule] else 403


class Scene:
    def __init__(self):
        self.cast = Cast()
        self.unit = Unit(name="Sở Tư pháp")
        db.session.add(self.unit)
        db.session.commit()
        self.ids = {"member": self.cast.member.id, "unit": self.unit.id}

    def member(self):
        db.session.expire_all()
        return db.session.get(User, self.ids["member"])

    def count(self, model, *where):
        db.session.expire_all()
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _user_form(username="tran.binh"):
    return {"username": username, "full_name": "Trần Văn Bình", "title": "Phó Giám đốc Sở", "unit_id": "0",
            "email": "binh@example.vn", "phone": "0912 345 678", "password": "mat-khau-moi-1"}


PAGES = [
    ("accounts.change_password", "GET", "/account/password", None, "any", 200, None),
    ("accounts.change_password", "POST", "/account/password",
     {"current_password": PASSWORD, "new_password": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"}, "any",
     "ok-redirect", None),
    ("accounts.users", "GET", "/admin/users", None, "admin", 200, None),
    ("accounts.new_user", "GET", "/admin/users/new", None, "admin", 200, None),
    ("accounts.new_user", "POST", "/admin/users/new", _user_form(), "admin", "ok-redirect",
     lambda s: s.count(User, User.username == "tran.binh") == 1),
    ("accounts.edit_user", "GET", "/admin/users/{member}", None, "admin", 200, None),
    ("accounts.edit_user", "POST", "/admin/users/{member}", {**_user_form(), "full_name": "Tên Đã Sửa", "password": ""},
     "admin", "ok-redirect", lambda s: s.member().full_name == "Tên Đã Sửa"),
    ("accounts.toggle_user", "POST", "/admin/users/{member}/active", {}, "admin", "ok-redirect",
     lambda s: not s.member().active),
    ("accounts.units", "GET", "/admin/units", None, "admin", 200, None),
    ("accounts.edit_unit", "GET", "/admin/units/new", None, "admin", 200, None),
    ("accounts.edit_unit", "POST", "/admin/units/new", {"name": "Sở Ngoại vụ", "short_name": "SNgV"}, "admin",
     "ok-redirect", lambda s: s.count(Unit, Unit.name == "Sở Ngoại vụ") == 1),
    ("accounts.edit_unit", "GET", "/admin/units/{unit}", None, "admin", 200, None),
]

API = [
    ("accounts_api.me", "GET", "/api/v1/me", None, "any", 200, None),
    ("accounts_api.list_users", "GET", "/api/v1/users", None, "directory", 200, None),
    ("accounts_api.create_user", "POST", "/api/v1/users",
     {"username": "le.cuong", "full_name": "Lê Văn Cường", "password": "mat-khau-moi-1", "unit": "Sở Y tế",
      "is_secretariat": True}, "admin", 201, lambda s: s.count(User, User.username == "le.cuong") == 1),
    ("accounts_api.delete_session", "DELETE", "/api/v1/session", None, "any", 204,
     lambda s: s.count(ApiToken, ApiToken.revoked_at.is_not(None)) == 1),
]

# Routes open to everyone, each with its own tests (tests/accounts/test_login.py).
PUBLIC = {
    ("accounts.login", "GET"), ("accounts.login", "POST"), ("accounts.logout", "POST"),
    ("accounts.set_language", "POST"), ("accounts_api.create_session", "POST"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", PAGES, ids=case_id)
def test_pages(app, route, role):
    run_case(app, Scene(), route, role, expected, api=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API, ids=case_id)
def test_api(app, bearer, route, role):
    run_case(app, Scene(), route, role, expected, api=True, bearer=bearer)


@pytest.mark.parametrize("role", ROLES)
def test_editing_a_unit(app, role):
    scene = Scene()
    response = page_request(app, scene.cast.user(role), "POST", f"/admin/units/{scene.ids['unit']}",
                            {"name": "Sở Tư pháp tỉnh", "short_name": "STP"})
    outcome = expected("admin", role, "ok-redirect", api=False)
    assert_page_outcome(response, outcome)
    assert (scene.count(Unit, Unit.name == "Sở Tư pháp tỉnh") == 1) == (outcome == "ok-redirect")


@pytest.mark.parametrize("role", ROLES)
def test_changing_ones_own_password_takes_effect(app, role):
    scene = Scene()
    user = scene.cast.user(role)
    response = page_request(app, user, "POST", "/account/password",
                            {"current_password": PASSWORD, "new_password": "mat-khau-moi-1",
                             "confirm": "mat-khau-moi-1"})
    assert_page_outcome(response, expected("any", role, "ok-redirect", api=False))
    if user is not None:
        login = app.test_client().post("/api/v1/session", json={"username": user.username,
                                                                "password": "mat-khau-moi-1"})
        assert login.status_code == 200


def test_the_sweep_covers_every_accounts_route(app):
    swept = {(endpoint, method) for endpoint, method, *_rest in PAGES + API}
    assert blueprint_endpoints(app, "accounts", "accounts_api") == swept | PUBLIC


def test_an_admin_page_refused_is_a_403_page_not_a_redirect(app):
    scene = Scene()
    response = client_for(app, scene.cast.secretariat).get("/admin/users")
    assert response.status_code == 403 and "403" in response.get_data(as_text=True)
