"""Login and logout pages, CSRF, throttling, session protection, own password, deactivation."""
from ecabinet.accounts import operations
from ecabinet.accounts.models import User
from ecabinet.extensions import db
from tests.conftest import TEST_USER_AGENT, csrf_token
from tests.factories import PASSWORD, create_admin, create_user


def post_login(client, username, password=PASSWORD, next_url=None):
    token = csrf_token(client, "/login")
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password, "csrf_token": token})


def test_passwords_are_stored_hashed():
    user = create_user("hashed.user")
    assert PASSWORD not in user.password_hash and user.password_hash.startswith(("pbkdf2:", "scrypt:"))


def test_login_page_is_vietnamese_and_carries_a_csrf_token(client):
    page = client.get("/login")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Đăng nhập" in body and "Tên đăng nhập" in body and "Mật khẩu" in body
    assert 'name="csrf_token"' in body


def test_login_then_home(client):
    create_user("an.le", "Lê Thị An")
    response = post_login(client, "an.le")
    assert response.status_code == 302 and response.headers["Location"].endswith("/meetings")
    home = client.get("/meetings")
    assert home.status_code == 200 and "Lê Thị An" in home.get_data(as_text=True)


def test_a_login_form_without_its_csrf_token_is_refused(client):
    create_user("no.csrf")
    response = client.post("/login", data={"username": "no.csrf", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/meetings").status_code == 302


def test_wrong_password_shows_a_clear_message(client):
    create_user("wrong.pw")
    response = post_login(client, "wrong.pw", "not-the-password")
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.get_data(as_text=True)
    assert client.get("/meetings").status_code == 302


def test_repeated_failures_on_the_page_are_throttled_with_429(app, client):
    create_user("many.tries")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert post_login(client, "many.tries", "bad-password").status_code == 401
    response = post_login(client, "many.tries")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.get_data(as_text=True)
    assert client.get("/meetings").status_code == 302


def test_throttling_counts_per_username_not_for_others(app, client):
    create_user("victim.user")
    create_user("other.user")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        post_login(client, "victim.user", "bad-password")
    assert post_login(app.test_client(), "other.user").status_code == 302


def test_next_goes_back_to_a_local_page_only(client):
    create_user("next.user")
    assert post_login(client, "next.user", next_url="/account/password").headers["Location"].endswith(
        "/account/password")
    other = client.application.test_client()
    response = post_login(other, "next.user", next_url="https://evil.example/steal")
    assert response.headers["Location"].endswith("/meetings")


def test_session_protection_drops_a_cookie_replayed_from_another_browser(login):
    user = create_user("stolen.cookie")
    client = login(user)
    assert client.get("/meetings").status_code == 200
    client.environ_base["HTTP_USER_AGENT"] = "curl/8.0"
    assert client.get("/meetings").status_code == 302
    client.environ_base["HTTP_USER_AGENT"] = TEST_USER_AGENT
    assert client.get("/meetings").status_code == 302  # the session was cleared, not just ignored


def _session_cookies_set(response):
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_an_answer_to_the_login_page_that_lands_after_the_login_does_not_undo_it(client):
    """The login page loads the service worker's script (and its offline page) with the anonymous
    cookie; on a busy server that answer can arrive after the login's. It must not send the cookie
    again: the browser would keep the anonymous one and the next page would ask to sign in again."""
    create_user("late.answer")
    token = csrf_token(client, "/login")
    anonymous = client.get_cookie("session").value
    response = client.post("/login", data={"username": "late.answer", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and _session_cookies_set(response)
    signed_in = client.get_cookie("session").value
    for path in ("/sw.js", "/offline", "/offline/messages", "/api/v1/me", "/login"):
        client.set_cookie("session", anonymous)
        late = client.get(path)
        assert not _session_cookies_set(late), (path, late.status_code)
    client.set_cookie("session", signed_in)
    assert client.get("/meetings").status_code == 200
    # Nor does a signed-in answer send the cookie again: one landing after the logout cannot sign back in.
    assert not _session_cookies_set(client.get("/meetings"))


def test_logout_needs_a_post_with_csrf_and_ends_the_session(login):
    client = login(create_user("bye.user"))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account/password")})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/meetings").status_code == 302


def test_changing_the_password_logs_out_other_devices_but_not_this_one(app, login):
    user = create_user("pw.change")
    here, elsewhere = login(user), login(user)
    _token, raw = operations.issue_token(user)
    db.session.commit()
    response = here.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "mat-khau-moi-2", "confirm": "mat-khau-moi-2",
        "csrf_token": csrf_token(here, "/account/password")})
    assert response.status_code == 302
    assert here.get("/meetings").status_code == 200
    assert elsewhere.get("/meetings").status_code == 302
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    fresh = app.test_client()
    assert post_login(fresh, "pw.change", PASSWORD).status_code == 401
    assert post_login(fresh, "pw.change", "mat-khau-moi-2").status_code == 302


def test_changing_the_password_needs_the_current_one(login):
    user = create_user("pw.wrong")
    client = login(user)
    response = client.post("/account/password", data={
        "current_password": "guess-guess", "new_password": "mat-khau-moi-2", "confirm": "mat-khau-moi-2",
        "csrf_token": csrf_token(client, "/account/password")})
    # Refused with the form's status (the rule's), the message by the field.
    assert response.status_code == 422 and "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)
    db.session.expire_all()
    assert operations.authenticate("pw.wrong", PASSWORD, "127.0.0.1")


def test_deactivating_from_the_admin_page_logs_the_user_out_at_once(app, login):
    admin, user = create_admin(), create_user("to.deactivate")
    browser = login(user)
    _token, raw = operations.issue_token(user)
    db.session.commit()
    admin_client = login(admin)
    response = admin_client.post(f"/admin/users/{user.id}/active",
                                 data={"csrf_token": csrf_token(admin_client, "/admin/users")})
    assert response.status_code == 302
    assert browser.get("/meetings").status_code == 302
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert post_login(app.test_client(), "to.deactivate").status_code == 401
    # Reactivated: can log in again (old sessions stay ended).
    admin_client.post(f"/admin/users/{user.id}/active", data={"csrf_token": csrf_token(admin_client, "/admin/users")})
    assert browser.get("/meetings").status_code == 302
    assert post_login(app.test_client(), "to.deactivate").status_code == 302


def test_an_admin_cannot_deactivate_themselves(login):
    admin = create_admin()
    client = login(admin)
    client.post(f"/admin/users/{admin.id}/active", data={"csrf_token": csrf_token(client, "/admin/users")})
    db.session.expire_all()
    assert db.session.get(User, admin.id).active
    assert client.get("/admin/users").status_code == 200


def test_creating_a_user_with_a_taken_username_shows_the_error(login):
    admin = create_admin()
    create_user("taken.name")
    client = login(admin)
    response = client.post("/admin/users/new", data={
        "username": "Taken.Name", "full_name": "Người Trùng Tên", "unit_id": "0", "password": "mat-khau-moi-1",
        "csrf_token": csrf_token(client, "/admin/users/new")})
    assert response.status_code == 409
    assert "Tên đăng nhập này đã được sử dụng." in response.get_data(as_text=True)


def test_a_new_user_needs_a_password_on_the_page(login):
    client = login(create_admin())
    response = client.post("/admin/users/new", data={
        "username": "no.password", "full_name": "Không Mật Khẩu", "unit_id": "0", "password": "",
        "csrf_token": csrf_token(client, "/admin/users/new")})
    assert response.status_code == 422 and "Người dùng mới cần có mật khẩu." in response.get_data(as_text=True)
    assert operations.find_user("no.password") is None


def test_an_admin_sets_a_new_password_for_a_user(app, login):
    admin, user = create_admin(), create_user("forgot.pw", unit="Sở Y tế")
    client = login(admin)
    response = client.post(f"/admin/users/{user.id}", data={
        "full_name": user.full_name, "title": "Chuyên viên", "unit_id": str(user.unit_id), "email": "",
        "phone": "", "password": "dat-lai-mat-khau", "is_secretariat": "y",
        "csrf_token": csrf_token(client, f"/admin/users/{user.id}")})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.is_secretariat and user.unit.name == "Sở Y tế"
    assert post_login(app.test_client(), "forgot.pw", "dat-lai-mat-khau").status_code == 302


def test_api_create_user_validates(bearer, client):
    headers = bearer(create_admin())
    bad = client.post("/api/v1/users", json={"username": "Có Dấu", "full_name": "X", "password": "mat-khau-1"},
                      headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"]["details"]["field"] == "username"
    short = client.post("/api/v1/users", json={"username": "ngan", "full_name": "X", "password": "123"},
                        headers=headers)
    assert short.status_code == 422 and short.get_json()["error"]["details"]["field"] == "password"
    ok = client.post("/api/v1/users", json={"username": "moi.tao", "full_name": "Người Mới", "password": "mat-khau-1",
                                            "unit": "Sở Công Thương", "title": "Chuyên viên"}, headers=headers)
    assert ok.status_code == 201 and ok.get_json()["unit"] == "Sở Công Thương"
    again = client.post("/api/v1/users", json={"username": "moi.tao", "full_name": "Y", "password": "mat-khau-1"},
                        headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "username_taken"
