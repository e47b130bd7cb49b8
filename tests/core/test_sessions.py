"""The session cookie's signing serializer is built once per set of secret keys (core.web.CookieSessions):
the same one serves every request, and a new secret key (or a fallback) is honoured at once."""
from ecabinet.core.web import CookieSessions
from tests.factories import create_user


def test_the_serializer_is_built_once_and_follows_the_secret_key(app, monkeypatch):
    sessions = app.session_interface
    assert isinstance(sessions, CookieSessions)
    first = sessions.get_signing_serializer(app)
    assert sessions.get_signing_serializer(app) is first
    cookie = first.dumps({"who": "tablet"})

    monkeypatch.setattr(app, "secret_key", "a new secret key")
    rotated = sessions.get_signing_serializer(app)
    assert rotated is not first
    assert rotated.loads(rotated.dumps({"a": 1})) == {"a": 1}
    assert _refused(rotated, cookie)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [first.secret_keys[-1].decode()])
    assert sessions.get_signing_serializer(app).loads(cookie) == {"who": "tablet"}


def _refused(serializer, cookie):
    try:
        serializer.loads(cookie)
    except Exception:  # noqa: BLE001 (itsdangerous's BadSignature)
        return True
    return False


def test_a_browser_session_still_signs_in_and_out(login):
    user = create_user()
    client = login(user)
    assert client.get("/meetings").status_code == 200


def test_a_sockets_events_read_its_cookie_once_and_each_get_their_own_copy(app):
    sessions = app.session_interface
    cookie = sessions.get_signing_serializer(app).dumps({"_user_id": "7:nonce", "lang": "vi"})
    name = app.config["SESSION_COOKIE_NAME"]
    environ = {}
    with app.test_request_context("/socket.io/", headers={"Cookie": f"{name}={cookie}"}) as context:
        environ = context.request.environ
        first = sessions.open_session(app, context.request)
    assert dict(environ["ecabinet.session"]) == {"_user_id": "7:nonce", "lang": "vi"}
    environ["HTTP_COOKIE"] = f"{name}=not-read-again"
    with app.request_context(environ) as context:
        second = sessions.open_session(app, context.request)
    assert dict(second) == dict(first) == {"_user_id": "7:nonce", "lang": "vi"}
    second["lang"] = "en"   # an event's change stays its own
    assert environ["ecabinet.session"]["lang"] == "vi" and first["lang"] == "vi"
    with app.test_request_context("/meetings", headers={"Cookie": f"{name}=tampered"}) as context:
        assert dict(sessions.open_session(app, context.request)) == {}   # pages read their own cookie
