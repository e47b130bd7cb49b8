"""Every documents page and API route × every role, against the rules of ecabinet/documents/access.py.

A published session (tests.factories.Cast) with a normal and a confidential document, and a private
note of the member. Seen from outside: no login → the login page (pages) or 401 (API); not invited
(stranger, member of another session, an admin who is not in it) → 404; a confidential document
for a guest → 404 (its existence is not disclosed); someone else's note → 404; invited but not
allowed → 403; allowed → 200/201/204, or a redirect back to the session for a page form. Every
route that changes something also checks that it did when allowed and did not when refused.
"""
import io

import pytest

from ecabinet.documents.models import Document, DocumentNote
from ecabinet.documents import operations
from ecabinet.extensions import db
from ecabinet.meetings.models import MeetingStatus
from tests.documents import pdfs
from tests.factories import Cast, create_document
from tests.sweep import case_id, ROLES, api_request, assert_api_outcome, blueprint_endpoints, run_case

VISIBLE = {"member", "guest", "chair", "secretariat"}
ALLOWED = {
    "public": set(ROLES),
    "read": VISIBLE,
    "read_secret": VISIBLE - {"guest"},
    "manage": {"secretariat"},
    "manage_secret": {"secretariat"},
    "own_note": {"member"},
}
# Who sees the object at all: everyone else gets 404 for it.
SEES = {"read": VISIBLE, "read_secret": VISIBLE - {"guest"}, "manage": VISIBLE,
        "manage_secret": VISIBLE - {"guest"}, "own_note": {"member"}}


def expected(rule, role, success, *, api):
    if role in ALLOWED[rule]:
        return success
    if role == "anonymous":
        return 401 if api else "login"
    return 403 if role in SEES[rule] else 404


class Scene:
    def __init__(self):
        self.cast = Cast(status=MeetingStatus.PUBLISHED)
        meeting = self.cast.meeting
        actor = self.cast.secretariat
        normal = create_document(meeting, actor=actor, title="Báo cáo tình hình kinh tế - xã hội", pages=3,
                                 agenda_item=meeting.agenda_items[0])
        secret = create_document(meeting, actor=actor, title="Phụ lục số liệu mật", pages=2,
                                 classification="confidential")
        note = operations.add_note(normal, user=self.cast.member, page=1, text="Hỏi lại nguồn vốn")
        db.session.commit()
        self.ids = {"meeting": meeting.id, "normal": normal.id, "normal_v": normal.current.id,
                    "secret": secret.id, "secret_v": secret.current.id, "note": note.id,
                    "item": meeting.agenda_items[0].id}

    def document(self, key):
        db.session.expire_all()
        return db.session.get(Document, self.ids[key])

    def versions(self, key):
        return len(self.document(key).versions)

    def note(self):
        db.session.expire_all()
        return db.session.get(DocumentNote, self.ids["note"])

    def notes(self, key):
        db.session.expire_all()
        return db.session.query(DocumentNote).filter_by(document_id=self.ids[key]).count()

    def documents(self):
        db.session.expire_all()
        return db.session.query(Document).filter_by(meeting_id=self.ids["meeting"]).count()


NEW_FILE = pdfs.make_pdf(2)


def _file(name="ban-moi.pdf"):
    return (io.BytesIO(NEW_FILE), name)


def _edit_form(i):
    return {"title": "Báo cáo đã sửa tên", "kind": "report", "agenda_item_id": "0", "classification": "normal"}


# (endpoint, method, url, body(ids) or None, rule, success, changed(scene) -> bool or None)
PAGES = [
    ("documents.service_worker", "GET", "/sw.js", None, "public", 200, None),
    ("documents.legacy_service_worker", "GET", "/meetings/sw.js", None, "public", 200, None),
    ("documents.offline", "GET", "/offline", None, "public", 200, None),
    ("documents.offline_messages", "GET", "/offline/messages", None, "public", 200, None),
    ("documents.read", "GET", "/meetings/{meeting}/documents/{normal}/read", None, "read", 200, None),
    ("documents.read", "GET", "/meetings/{meeting}/documents/{secret}/read", None, "read_secret", 200, None),
    ("documents.document_file", "GET", "/meetings/{meeting}/documents/{normal}/file", None, "read", 200, None),
    ("documents.document_file", "GET", "/meetings/{meeting}/documents/{secret}/file", None, "read_secret", 200, None),
    ("documents.version_file", "GET", "/meetings/{meeting}/documents/{normal}/versions/{normal_v}/file", None,
     "read", 200, None),
    ("documents.version_file", "GET", "/meetings/{meeting}/documents/{secret}/versions/{secret_v}/file", None,
     "read_secret", 200, None),
    ("documents.book", "GET", "/meetings/{meeting}/book.pdf", None, "read", 200, None),
    ("documents.upload", "GET", "/meetings/{meeting}/documents/upload", None, "manage", 200, None),
    ("documents.edit", "GET", "/meetings/{meeting}/documents/{normal}/edit", None, "manage", 200, None),
    ("documents.edit", "POST", "/meetings/{meeting}/documents/{normal}/edit", _edit_form, "manage", "ok-redirect",
     lambda s: s.document("normal").title == "Báo cáo đã sửa tên"),
    ("documents.replace", "POST", "/meetings/{meeting}/documents/{normal}/replace",
     lambda i: {"replace-file": _file(), "replace-note": "Bản sửa"}, "manage", "ok-redirect",
     lambda s: s.versions("normal") == 2),
    ("documents.replace", "POST", "/meetings/{meeting}/documents/{secret}/replace",
     lambda i: {"replace-file": _file()}, "manage", "ok-redirect", lambda s: s.versions("secret") == 2),
    ("documents.delete", "POST", "/meetings/{meeting}/documents/{normal}/delete", lambda i: {}, "manage",
     "ok-redirect", lambda s: s.document("normal") is None),
]

API = [
    ("documents_api.list_documents", "GET", "/api/v1/meetings/{meeting}/documents", None, "read", 200, None),
    ("documents_api.offline_manifest", "GET", "/api/v1/meetings/{meeting}/offline", None, "read", 200, None),
    ("documents_api.book", "GET", "/api/v1/meetings/{meeting}/book.pdf", None, "read", 200, None),
    ("documents_api.upload_document", "POST", "/api/v1/meetings/{meeting}/documents",
     lambda i: {"file": _file("to-trinh.pdf"), "title": "Tờ trình bổ sung"}, "manage", 201,
     lambda s: s.documents() == 3),
    ("documents_api.get_document", "GET", "/api/v1/documents/{normal}", None, "read", 200, None),
    ("documents_api.get_document", "GET", "/api/v1/documents/{secret}", None, "read_secret", 200, None),
    ("documents_api.update_document", "PATCH", "/api/v1/documents/{normal}", lambda i: {"title": "Đổi tên"},
     "manage", 200, lambda s: s.document("normal").title == "Đổi tên"),
    ("documents_api.update_document", "PATCH", "/api/v1/documents/{secret}", lambda i: {"title": "Đổi tên"},
     "manage_secret", 200, lambda s: s.document("secret").title == "Đổi tên"),
    ("documents_api.delete_document", "DELETE", "/api/v1/documents/{secret}", None, "manage_secret", 204,
     lambda s: s.document("secret") is None),
    ("documents_api.document_file", "GET", "/api/v1/documents/{normal}/file", None, "read", 200, None),
    ("documents_api.document_file", "GET", "/api/v1/documents/{secret}/file", None, "read_secret", 200, None),
    ("documents_api.version_file", "GET", "/api/v1/documents/{normal}/versions/{normal_v}/file", None,
     "read", 200, None),
    ("documents_api.version_file", "GET", "/api/v1/documents/{secret}/versions/{secret_v}/file", None,
     "read_secret", 200, None),
    ("documents_api.add_version", "POST", "/api/v1/documents/{normal}/versions", lambda i: {"file": _file()},
     "manage", 201, lambda s: s.versions("normal") == 2),
    ("documents_api.list_notes", "GET", "/api/v1/documents/{normal}/notes", None, "read", 200, None),
    ("documents_api.list_notes", "GET", "/api/v1/documents/{secret}/notes", None, "read_secret", 200, None),
    ("documents_api.add_note", "POST", "/api/v1/documents/{secret}/notes", lambda i: {"page": 1, "text": "Ghi chú"},
     "read_secret", 201, lambda s: s.notes("secret") == 1),
    ("documents_api.update_note", "PATCH", "/api/v1/documents/{normal}/notes/{note}", lambda i: {"text": "Đã sửa"},
     "own_note", 200, lambda s: s.note().text == "Đã sửa"),
    ("documents_api.delete_note", "DELETE", "/api/v1/documents/{normal}/notes/{note}", None, "own_note", 204,
     lambda s: s.note() is None),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", PAGES, ids=case_id)
def test_pages(app, route, role):
    run_case(app, Scene(), route, role, expected, api=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API, ids=case_id)
def test_api(app, bearer, route, role):
    run_case(app, Scene(), route, role, expected, api=True, bearer=bearer)


def test_the_sweep_covers_every_documents_route(app):
    swept = {(endpoint, method) for endpoint, method, *_rest in PAGES + API}
    assert blueprint_endpoints(app, "documents", "documents_api") == swept


def test_private_notes_are_listed_to_their_author_only(app, bearer):
    scene = Scene()
    url = f"/api/v1/documents/{scene.ids['normal']}/notes"
    for role in ("member", "chair", "guest", "secretariat"):
        notes = api_request(app, scene.cast.user(role), "GET", url, bearer=bearer).get_json()["notes"]
        assert [n["id"] for n in notes] == ([scene.ids["note"]] if role == "member" else []), role


def test_document_of_another_session_is_not_reachable_through_this_one(app, bearer, login):
    scene = Scene()
    other = Cast(status=MeetingStatus.PUBLISHED)
    response = api_request(app, scene.cast.member, "GET", f"/api/v1/meetings/{other.meeting.id}/documents",
                           bearer=bearer)
    assert_api_outcome(response, 404)
    page = login(other.secretariat).get(f"/meetings/{other.meeting.id}/documents/{scene.ids['normal']}/read")
    assert page.status_code == 404


def test_refused_file_answers_are_json_and_never_handed_to_nginx(app, bearer, monkeypatch):
    scene = Scene()
    monkeypatch.setitem(app.config, "DOCUMENTS_X_ACCEL_PREFIX", "/_protected/")
    for role in ("guest", "stranger"):
        response = api_request(app, scene.cast.user(role), "GET", f"/api/v1/documents/{scene.ids['secret']}/file",
                               bearer=bearer)
        assert_api_outcome(response, 404)
        assert "X-Accel-Redirect" not in response.headers


def test_the_offline_page_and_messages_speak_the_language_asked_for(client):
    """The service worker fetches them without cookies, naming the device's language."""
    english = client.get("/offline/messages?lang=en")
    assert english.headers["Content-Language"] == "en"
    assert english.get_json()["other"] == "No connection, and this is not stored on this device for you."
    default = client.get("/offline/messages?lang=fr")
    assert default.headers["Content-Language"] == "vi"
    assert default.get_json()["other"].startswith("Không có kết nối mạng")
    page = client.get("/offline?lang=en")
    assert page.headers["Content-Language"] == "en" and 'lang="en"' in page.get_data(as_text=True)
