"""Every documents route × every kind of caller (the flaskr parametrized sweep)."""
import io

import pytest

from ecabinet.meetings.models import MeetingStatus
from tests.documents import pdfs
from tests.documents.helpers import upload
from tests.factories import Cast

ROLES = ["anonymous", "stranger", "guest", "member", "other_member", "chair", "secretariat"]


@pytest.fixture(scope="module")
def world(app):
    """One published session with a normal and a confidential document (built once for the sweep).

    Built outside the per-test transaction, so it is really committed: the schema is rebuilt
    afterwards, so that no later test sees these rows.
    """
    from tests.conftest import _reset_schema

    from ecabinet.accounts.operations import issue_token
    from ecabinet.extensions import db

    with app.app_context():
        cast = Cast(status=MeetingStatus.PUBLISHED)
        tokens = {}
        for role in ROLES[1:]:
            _token, raw = issue_token(cast.user(role))
            tokens[role] = {"Authorization": f"Bearer {raw}"}
        db.session.commit()
        client = app.test_client()
        normal = upload(client, cast.meeting, pdfs.make_pdf(2), headers=tokens["secretariat"], title="Thường").get_json()
        secret = upload(client, cast.meeting, pdfs.make_pdf(2), headers=tokens["secretariat"], title="Mật",
                        classification="confidential").get_json()
        ids = {"meeting": cast.meeting.id, "normal": normal["id"], "normal_v": normal["version_id"],
               "secret": secret["id"], "secret_v": secret["version_id"]}
        db.session.remove()
    yield ids, tokens
    _reset_schema(app)


READ = {"anonymous": 401, "stranger": 404, "guest": 200, "member": 200, "other_member": 404, "chair": 200,
        "secretariat": 200}
READ_SECRET = {**READ, "guest": 404}
MANAGE = {"anonymous": 401, "stranger": 404, "guest": 403, "member": 403, "other_member": 404, "chair": 403,
          "secretariat": None}

API_ROUTES = [
    ("GET", "/api/v1/meetings/{meeting}/documents", READ),
    ("GET", "/api/v1/documents/{normal}", READ),
    ("GET", "/api/v1/documents/{normal}/file", READ),
    ("GET", "/api/v1/documents/{normal}/versions/{normal_v}/file", READ),
    ("GET", "/api/v1/documents/{secret}", READ_SECRET),
    ("GET", "/api/v1/documents/{secret}/file", READ_SECRET),
    ("GET", "/api/v1/documents/{secret}/versions/{secret_v}/file", READ_SECRET),
    ("GET", "/api/v1/documents/{normal}/notes", READ),
    ("GET", "/api/v1/documents/{secret}/notes", READ_SECRET),
    ("GET", "/api/v1/meetings/{meeting}/book.pdf", READ),
    ("GET", "/api/v1/meetings/{meeting}/offline", READ),
    ("POST", "/api/v1/meetings/{meeting}/documents", {**MANAGE, "secretariat": 201}),
    ("POST", "/api/v1/documents/{normal}/versions", {**MANAGE, "secretariat": 201}),
    ("PATCH", "/api/v1/documents/{normal}", {**MANAGE, "secretariat": 200}),
    ("PATCH", "/api/v1/documents/{secret}", {**MANAGE, "guest": 404, "secretariat": 200}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, expected", API_ROUTES, ids=[f"{m} {p}" for m, p, _e in API_ROUTES])
def test_api_access(app, world, role, method, path, expected):
    ids, tokens = world
    client = app.test_client()
    url = path.format(**ids)
    headers = tokens.get(role, {})
    if method == "POST":
        response = client.post(url, headers=headers, content_type="multipart/form-data",
                               data={"file": (io.BytesIO(pdfs.make_pdf(1)), "x.pdf")})
    elif method == "PATCH":
        response = client.patch(url, headers=headers, json={"title": "Đổi tên"})
    else:
        response = client.get(url, headers=headers)
    assert response.status_code == expected[role], response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert response.is_json and "X-Accel-Redirect" not in response.headers


PAGE_ROUTES = [
    ("/meetings/{meeting}/documents/{normal}/read", READ),
    ("/meetings/{meeting}/documents/{secret}/read", READ_SECRET),
    ("/meetings/{meeting}/documents/{normal}/file", READ),
    ("/meetings/{meeting}/documents/{secret}/versions/{secret_v}/file", READ_SECRET),
    ("/meetings/{meeting}/book.pdf", READ),
    ("/meetings/{meeting}/documents/upload", {**MANAGE, "secretariat": 200}),
    ("/meetings/{meeting}/documents/{normal}/edit", {**MANAGE, "secretariat": 200}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path, expected", PAGE_ROUTES, ids=[p for p, _e in PAGE_ROUTES])
def test_page_access(app, world, login, role, path, expected):
    ids, _tokens = world
    if role == "anonymous":
        client = app.test_client()
    else:
        from ecabinet.extensions import db
        from ecabinet.accounts.models import User
        from tests.factories import Cast  # noqa: F401
        with app.app_context():
            user = db.session.query(User).filter_by(full_name={
                "stranger": "Người Ngoài", "guest": "Khách Mời", "member": "Thành Viên",
                "other_member": "Thành Viên Phiên Khác", "chair": "Chủ Tọa",
                "secretariat": "Thư Ký Văn Phòng"}[role]).order_by(User.id.desc()).first()
            client = login(user)
    response = client.get(path.format(**ids))
    want = 302 if role == "anonymous" else expected[role]
    assert response.status_code == want


def test_document_of_another_session_is_not_reachable_through_this_one(app, world, login):
    ids, tokens = world
    client = app.test_client()
    other = Cast(status=MeetingStatus.PUBLISHED)
    response = client.get(f"/api/v1/meetings/{other.meeting.id}/documents", headers=tokens["member"])
    assert response.status_code == 404
    page = login(other.secretariat).get(f"/meetings/{other.meeting.id}/documents/{ids['normal']}/read")
    assert page.status_code == 404
