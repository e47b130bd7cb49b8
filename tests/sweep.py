"""Helpers for the access sweeps: every route × every role, from outside (real HTTP through the test client)."""
from tests.conftest import csrf_token, logged_in_client

ROLES = ("anonymous", "stranger", "other_member", "guest", "member", "chair", "secretariat", "admin")


def client_for(app, user):
    return app.test_client() if user is None else logged_in_client(app, user)


def page_request(app, user, method, url, data=None):
    """A browser-like request: the session cookie, and the CSRF token of that session for a POST."""
    client = client_for(app, user)
    if method == "GET":
        return client.get(url)
    form = dict(data or {})
    form["csrf_token"] = csrf_token(client, "/login" if user is None else "/account/password")
    return client.post(url, data=form)


def api_request(app, user, method, url, json=None, bearer=None):
    """A client app's request: the bearer token of the user, no cookie. A body holding a file
    ((stream, name) tuples) goes as multipart, like an upload."""
    headers = bearer(user) if user is not None else {}
    if isinstance(json, dict) and any(isinstance(value, tuple) for value in json.values()):
        return app.test_client().open(url, method=method, data=json, headers=headers,
                                      content_type="multipart/form-data")
    return app.test_client().open(url, method=method, json=json, headers=headers)


def assert_page_outcome(response, expected):
    """`expected`: 200, 'ok-redirect' (a POST that did its work), 'login', 403 or 404."""
    if expected == "login":
        assert response.status_code == 302, response.status_code
        assert "/login" in response.headers["Location"]
    elif expected == "ok-redirect":
        assert response.status_code == 302, response.status_code
        assert "/login" not in response.headers["Location"]
    else:
        assert response.status_code == expected, response.status_code
    if expected in (403, 404):
        assert "<html" in response.get_data(as_text=True)  # a page, not JSON


def assert_api_outcome(response, expected):
    assert response.status_code == expected, (response.status_code, response.get_data(as_text=True)[:300])
    if expected >= 400:
        assert response.mimetype == "application/json"
    else:  # a document's bytes, or JSON
        assert response.mimetype in ("application/json", "application/pdf") or response.status_code == 204
    if expected >= 400:
        error = response.get_json()["error"]
        assert error["code"] and error["message"]


def blueprint_endpoints(app, *blueprints):
    """(endpoint, method) pairs of the blueprints' routes."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in blueprints:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((rule.endpoint, method))
    return found


def run_case(app, scene, route, role, expected, *, api, bearer=None):
    """Call one route as one role from outside and check the outcome `expected` (the module's rules) predicts.

    route: (endpoint, method, url, body, rule, success, changed); body may be a function of scene.ids,
    changed a function of the scene telling whether the call changed anything.
    """
    _endpoint, method, url, body, rule, success, changed = route
    payload = body(scene.ids) if callable(body) else body
    user = scene.cast.user(role)
    if api:
        response = api_request(app, user, method, url.format(**scene.ids), payload, bearer)
        outcome = expected(rule, role, success, api=True)
        assert_api_outcome(response, outcome)
    else:
        response = page_request(app, user, method, url.format(**scene.ids), payload)
        outcome = expected(rule, role, success, api=False)
        assert_page_outcome(response, outcome)
    if changed is not None:
        assert changed(scene) == (outcome == success)


def case_id(route):
    """A sweep case's name in pytest's output: method and URL."""
    return f"{route[1]} {route[2]}"
