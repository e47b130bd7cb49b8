"""What the server tells a device about its offline copies: who is signed in (the owner), what the
user may hold (the manifest), and that document bytes stay out of the browser's shared HTTP cache."""
import io

import pytest

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.device import OWNER_COOKIE, OWNER_HEADER, SIGNED_OUT, device_owner
from ecabinet.extensions import db
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus
from tests.conftest import csrf_token
from tests.documents import pdfs
from tests.documents.helpers import upload
from tests.factories import PASSWORD, Cast


@pytest.fixture
def cast(app):
    return Cast(status=MeetingStatus.PUBLISHED)


@pytest.fixture
def documents(client, cast, bearer):
    headers = bearer(cast.secretariat)
    normal = upload(client, cast.meeting, pdfs.make_pdf(3), headers=headers, title="Báo cáo").get_json()
    secret = upload(client, cast.meeting, pdfs.make_pdf(2), headers=headers, title="Phụ lục mật",
                    classification="confidential").get_json()
    return headers, normal, secret


def _owner_cookie(response):
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{OWNER_COOKIE}=")]


def test_every_page_and_api_answer_names_the_signed_in_owner(client, login, cast):
    anonymous = client.get("/login")
    assert anonymous.headers[OWNER_HEADER] == SIGNED_OUT and not _owner_cookie(anonymous)
    assert client.get("/api/v1/me").headers[OWNER_HEADER] == SIGNED_OUT

    member = login(cast.member)
    page = member.get(f"/meetings/{cast.meeting.id}")
    owner = device_owner(cast.member)
    assert page.headers[OWNER_HEADER] == owner
    html = page.get_data(as_text=True)
    assert f'<meta name="ecabinet-device" content="{owner}"' in html
    # The cookie the service worker reads offline: not HttpOnly, no expiry (dies with the session).
    [cookie] = _owner_cookie(page)
    assert cookie.startswith(f"{OWNER_COOKIE}={owner};") and "HttpOnly" not in cookie and "Expires" not in cookie
    assert member.get("/api/v1/me").headers[OWNER_HEADER] == owner
    assert member.get("/static/css/ecabinet.css").headers.get(OWNER_HEADER) is None  # shared files

    assert device_owner(cast.guest) != owner
    assert owner.startswith(f"u{cast.member.id}-") and str(cast.member.session_nonce) not in owner


def test_the_owner_changes_with_every_revocation(login, cast):
    before = device_owner(cast.member)
    accounts.set_password(cast.member, "mat-khau-moi-2", actor=cast.admin)
    db.session.commit()
    assert device_owner(cast.member) != before


def test_an_answer_after_a_commit_names_the_owner_as_it_stands_then(login, cast, client, bearer, documents):
    """Answers name the owner loaded at sign-in without reading the user again after the commit, but
    a request that changed the owner (a password change: a new nonce) names the new one."""
    _headers, normal, _secret = documents
    note = client.post(f"/api/v1/documents/{normal['id']}/notes", json={"page": 1, "text": "Xem lại"},
                       headers=bearer(cast.member))
    assert note.status_code == 201, note.get_json()
    assert note.headers[OWNER_HEADER] == device_owner(cast.member)
    member = login(cast.member)
    before = member.get("/meetings").headers[OWNER_HEADER]
    changed = member.post("/account/password", data={
        "csrf_token": csrf_token(member, "/account/password"), "current_password": PASSWORD,
        "new_password": "mat-khau-moi-2", "confirm": "mat-khau-moi-2"})
    assert changed.status_code == 302
    db.session.expire_all()
    assert changed.headers[OWNER_HEADER] == device_owner(cast.member) != before


def test_a_signed_out_answer_deletes_the_owner_cookie(app, login, cast):
    member = login(cast.member)
    member.get("/meetings")
    response = member.post("/logout", data={"csrf_token": csrf_token(member, "/account/password")})
    assert response.headers[OWNER_HEADER] == SIGNED_OUT
    assert response.headers["Clear-Site-Data"] == '"cache"'
    [cookie] = _owner_cookie(response)
    assert "Max-Age=0" in cookie or "Expires=Thu, 01 Jan 1970" in cookie
    assert member.get("/login").headers["Clear-Site-Data"] == '"cache"'


def test_api_logout_clears_the_browser_cache_too(client, cast):
    client.post("/api/v1/session", json={"username": cast.member.username, "password": PASSWORD})
    response = client.delete("/api/v1/session", headers={"X-CSRFToken": csrf_token(client, "/account/password")})
    assert response.status_code == 204
    assert response.headers["Clear-Site-Data"] == '"cache"' and response.headers[OWNER_HEADER] == SIGNED_OUT


def test_browsers_get_document_bytes_uncached_apps_keep_their_cache(login, client, cast, documents):
    headers, normal, secret = documents
    member = login(cast.member)
    meeting = cast.meeting.id
    for url in (normal["file_url"], normal["version_file_url"], secret["version_file_url"],
                f"/meetings/{meeting}/documents/{normal['id']}/file",
                f"/meetings/{meeting}/documents/{secret['id']}/versions/{secret['version_id']}/file",
                f"/meetings/{meeting}/book.pdf"):
        response = member.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store", url
    assert client.get(normal["version_file_url"], headers=headers).headers["Cache-Control"] \
        == "private, max-age=31536000, immutable"


def test_service_worker_is_served_at_the_root_and_where_tablets_registered_it(client):
    for url in ("/sw.js", "/meetings/sw.js"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "text/javascript"
        assert response.headers["Cache-Control"] == "no-cache"
        assert b"ecabinet-docs:" in response.data


def test_offline_page_holds_nobody_s_data(login, cast):
    """The worker keeps it for whoever uses the device next: no name, no owner, no CSRF token."""
    response = login(cast.member).get("/offline")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert cast.member.full_name not in html and "csrf-token" not in html and "ecabinet-device" not in html
    assert "Máy tính bảng đang mất kết nối mạng" in html


def test_manifest_lists_what_the_reader_may_hold_with_the_etag_of_their_copy(login, cast, documents):
    _headers, normal, secret = documents
    member = login(cast.member)
    manifest = member.get(f"/api/v1/meetings/{cast.meeting.id}/offline").get_json()
    assert manifest["owner"] == device_owner(cast.member) and manifest["title"] == cast.meeting.title
    listed = {d["id"]: d for d in manifest["documents"]}
    assert set(listed) == {normal["id"], secret["id"]}
    for document in listed.values():
        response = member.get(document["file_url"])
        assert response.headers["ETag"].strip('"') == document["etag"]
        assert document["read_url"].endswith(f"/documents/{document['id']}/read")
        assert document["notes_url"] == f"/api/v1/documents/{document['id']}/notes"
    assert listed[secret["id"]]["confidential"] and listed[secret["id"]]["etag"] != secret["sha256"]
    # The guest may not hold the confidential document.
    guest = login(cast.guest).get(f"/api/v1/meetings/{cast.meeting.id}/offline").get_json()
    assert [d["id"] for d in guest["documents"]] == [normal["id"]]


def test_manifest_changes_when_a_copy_must_leave(client, login, cast, documents):
    headers, normal, _secret = documents
    member = login(cast.member)
    url = f"/api/v1/meetings/{cast.meeting.id}/offline"

    def entry():
        return next(d for d in member.get(url).get_json()["documents"] if d["id"] == normal["id"])

    first = entry()
    # Became confidential: the stamped copy has another ETag.
    client.patch(f"/api/v1/documents/{normal['id']}", headers=headers, json={"classification": "confidential"})
    stamped = entry()
    assert stamped["etag"] != first["etag"] and stamped["file_url"] == first["file_url"]
    # Replaced: another version, another URL.
    client.post(f"/api/v1/documents/{normal['id']}/versions", headers=headers, content_type="multipart/form-data",
                data={"file": (io.BytesIO(pdfs.make_pdf(5)), "v2.pdf")})
    assert entry()["file_url"] != first["file_url"]
    # Withdrawn: no longer listed.
    client.delete(f"/api/v1/documents/{normal['id']}", headers=headers)
    assert normal["id"] not in [d["id"] for d in member.get(url).get_json()["documents"]]
    # Removed from the session: the whole session is gone for them.
    participant = next(p for p in cast.meeting.participants if p.user_id == cast.member.id)
    meetings.remove_participant(participant, actor=cast.secretariat)
    db.session.commit()
    assert member.get(url).status_code == 404
