"""POST/DELETE /api/v1/session, bearer tokens, throttling, deactivation."""
from ecabinet.accounts import operations
from ecabinet.audit.operations import verify_chain
from ecabinet.extensions import db
from tests.factories import PASSWORD, create_admin, create_user


def login_json(client, username, password=PASSWORD, **headers):
    return client.post("/api/v1/session", json={"username": username, "password": password}, headers=headers)


def test_login_returns_token_and_user(client):
    user = create_user("an.nguyen", "Nguyễn Văn An")
    response = login_json(client, "An.Nguyen")
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["id"] == user.id and body["user"]["full_name"] == "Nguyễn Văn An"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["username"] == "an.nguyen"


def test_wrong_password_is_401_json_in_requested_language(client):
    create_user("binh")
    response = login_json(client, "binh", "wrong-password", **{"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.get_json()["error"] == {"code": "invalid_credentials", "message": "Wrong username or password."}
    vi = login_json(client, "binh", "wrong-password", **{"Accept-Language": "vi"})
    assert vi.get_json()["error"]["message"] == "Sai tên đăng nhập hoặc mật khẩu."


def test_repeated_failures_are_throttled_even_with_the_right_password(app, client):
    create_user("chau")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login_json(client, "chau", "nope-nope").status_code == 401
    response = login_json(client, "chau")
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "throttled"


def test_bad_bodies_are_clear_errors(client):
    assert client.post("/api/v1/session", data="not json", content_type="application/json").status_code == 400
    response = client.post("/api/v1/session", json={"username": "x"})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["field"] == "password"


def test_logout_revokes_the_token(client):
    create_user("dung")
    token = login_json(client, "dung").get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/session", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_deactivation_stops_token_and_browser_session_at_once(client, login):
    user = create_user("giang")
    admin = create_admin()
    token = login_json(client, "giang").get_json()["token"]
    browser = login(user)
    assert browser.get("/meetings").status_code == 200
    operations.set_user_active(user, False, actor=admin)
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert browser.get("/meetings").status_code == 302
    assert login_json(client, "giang").status_code == 401


def test_unknown_or_garbage_token_is_401_json(client):
    response = client.get("/api/v1/meetings", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "not_authenticated"


def test_cookie_api_calls_need_the_csrf_header(client):
    create_user("hoa")
    login_json(client, "hoa")
    assert client.get("/api/v1/me").status_code == 200
    refused = client.delete("/api/v1/session")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"


def test_every_login_is_in_the_audit_chain(client):
    create_user("khanh")
    login_json(client, "khanh", "bad-password")
    login_json(client, "khanh")
    count, broken = verify_chain()
    assert broken is None and count >= 3


def test_a_bearer_token_and_its_user_are_one_query(app):
    """Every API request and socket connect looks the token up: the user comes in the same statement,
    even when nothing else in the session holds the user (the identity map keeps objects weakly)."""
    from sqlalchemy import event

    with app.test_request_context():
        user = create_user()
        _token, raw = operations.issue_token(user)
        user_id = user.id
        db.session.flush()
        db.session.expunge_all()
        del user, _token
        statements = []
        engine = db.session.get_bind().engine

        def count(*_args):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            token = operations.find_token(raw)
            assert token.user.id == user_id and token.user.active
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(statements) == 1
