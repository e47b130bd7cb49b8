"""Upload, deduplicated storage, versions, edit, delete, state secrets, live notification."""
import pytest

from ecabinet.audit.models import AuditEntry
from ecabinet.documents import operations
from ecabinet.documents.models import Document
from ecabinet.documents.storage import get_storage
from ecabinet.extensions import db, socketio
from ecabinet.meetings.models import MeetingStatus
from tests.documents import pdfs
from tests.documents.helpers import storage_state, upload
from tests.factories import Cast


@pytest.fixture
def cast(app):
    return Cast(status=MeetingStatus.PUBLISHED)


def test_upload_stores_by_hash_with_metadata(app, client, cast, bearer):
    headers = bearer(cast.secretariat)
    item = cast.meeting.agenda_items[0]
    response = upload(client, cast.meeting, pdfs.make_pdf(4), "Tờ trình số 12.pdf", headers=headers,
                      title="Tờ trình kế hoạch đầu tư công", kind="submission", agenda_item_id=item.id)
    assert response.status_code == 201
    body = response.get_json()
    assert body["page_count"] == 4 and body["kind"] == "submission" and body["agenda_item_id"] == item.id
    assert body["version"] == 1 and len(body["sha256"]) == 64 and body["confidential"] is False
    assert body["versions"][0]["uploaded_by"] == cast.secretariat.full_name
    path = get_storage().local_path(body["sha256"])
    assert path.exists() and path.stat().st_size == body["size"]
    assert not list(path.parent.glob(".incoming-*"))
    db.session.commit()  # end the test's read snapshot
    actions = [e.action for e in db.session.query(AuditEntry).filter_by(meeting_id=cast.meeting.id)]
    assert "document.added" in actions


def test_title_defaults_to_the_file_name(client, cast, bearer):
    response = upload(client, cast.meeting, filename="Báo cáo tình hình KT-XH.pdf", headers=bearer(cast.secretariat))
    assert response.get_json()["title"] == "Báo cáo tình hình KT-XH"


def test_same_bytes_are_stored_once(app, client, cast, bearer):
    headers = bearer(cast.secretariat)
    data = pdfs.make_pdf(2, title="Dự thảo quyết định")
    first = upload(client, cast.meeting, data, headers=headers).get_json()
    blobs_after_first = storage_state(app)[0]
    second = upload(client, cast.meeting, data, "ban-sao.pdf", headers=headers).get_json()
    assert first["sha256"] == second["sha256"] and first["id"] != second["id"]
    assert storage_state(app)[0] == blobs_after_first


def test_cookie_upload_needs_csrf(login, cast):
    browser = login(cast.secretariat)
    response = upload(browser, cast.meeting)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"


def test_missing_file_and_bad_fields(client, cast, bearer):
    headers = bearer(cast.secretariat)
    response = client.post(f"/api/v1/meetings/{cast.meeting.id}/documents", data={"title": "x"}, headers=headers)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "file_missing"
    assert upload(client, cast.meeting, headers=headers, kind="poem").status_code == 422
    other_item = cast.other_meeting.agenda_items[0]
    assert upload(client, cast.meeting, headers=headers, agenda_item_id=other_item.id).status_code == 404


def test_state_secret_refused_unless_protected_network(app, client, cast, bearer, monkeypatch):
    headers = {**bearer(cast.secretariat), "Accept-Language": "en"}
    refused = upload(client, cast.meeting, headers=headers, classification="state_secret")
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "state_secret_refused"
    monkeypatch.setitem(app.config, "PROTECTED_NETWORK", True)
    assert upload(client, cast.meeting, headers=headers, classification="state_secret").status_code == 201


def test_replacing_keeps_history_and_serves_the_new_version(client, cast, bearer):
    headers = bearer(cast.secretariat)
    doc = upload(client, cast.meeting, pdfs.make_pdf(2), headers=headers).get_json()
    response = client.post(f"/api/v1/documents/{doc['id']}/versions", headers=headers,
                           data={"file": (__import__("io").BytesIO(pdfs.make_pdf(5)), "v2.pdf"),
                                 "note": "Sửa theo ý kiến Sở Tư pháp"}, content_type="multipart/form-data")
    assert response.status_code == 201 and response.get_json()["number"] == 2
    detail = client.get(f"/api/v1/documents/{doc['id']}", headers=headers).get_json()
    assert detail["version"] == 2 and detail["page_count"] == 5
    assert [v["number"] for v in detail["versions"]] == [2, 1]
    assert detail["versions"][0]["note"] == "Sửa theo ý kiến Sở Tư pháp"
    old = client.get(detail["versions"][1]["file_url"], headers=headers)
    assert old.status_code == 200 and pdfs.page_count(old.data) == 2
    current = client.get(detail["file_url"], headers=headers)
    assert pdfs.page_count(current.data) == 5


def test_edit_metadata(client, cast, bearer):
    headers = bearer(cast.secretariat)
    doc = upload(client, cast.meeting, headers=headers).get_json()
    response = client.patch(f"/api/v1/documents/{doc['id']}", headers=headers,
                            json={"title": "Báo cáo mới", "kind": "report", "classification": "confidential"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["kind"], body["confidential"], body["watermarked"]) == \
        ("Báo cáo mới", "report", True, True)


def test_delete_removes_unused_file(app, client, cast, bearer):
    headers = bearer(cast.secretariat)
    doc = upload(client, cast.meeting, pdfs.make_pdf(1, title="Tài liệu sẽ xóa"), headers=headers).get_json()
    assert get_storage().exists(doc["sha256"])
    assert client.delete(f"/api/v1/documents/{doc['id']}", headers=headers).status_code == 204
    assert db.session.get(Document, doc["id"]) is None
    assert not get_storage().exists(doc["sha256"])


def test_delete_refused_when_a_signed_record_refers_to_it(client, cast, bearer):
    headers = {**bearer(cast.secretariat), "Accept-Language": "en"}
    doc = upload(client, cast.meeting, headers=headers).get_json()

    def signed_minutes(document):
        return "the signed minutes refer to it" if document.id == doc["id"] else None

    operations.DOCUMENT_REFERENCES.append(signed_minutes)
    try:
        response = client.delete(f"/api/v1/documents/{doc['id']}", headers=headers)
    finally:
        operations.DOCUMENT_REFERENCES.remove(signed_minutes)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "document_referenced"
    assert "signed minutes" in response.get_json()["error"]["message"]
    assert get_storage().exists(doc["sha256"])


def test_ended_session_documents_are_frozen(client, bearer, app):
    cast = Cast(status=MeetingStatus.ENDED)
    response = upload(client, cast.meeting, headers=bearer(cast.secretariat))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "meeting_closed"


def test_meeting_detail_lists_visible_documents(client, cast, bearer):
    headers, guest, member = bearer(cast.secretariat), bearer(cast.guest), bearer(cast.member)
    upload(client, cast.meeting, headers=headers, title="Công khai")
    upload(client, cast.meeting, headers=headers, title="Mật", confidential="true")
    guest_view = client.get(f"/api/v1/meetings/{cast.meeting.id}", headers=guest).get_json()
    member_view = client.get(f"/api/v1/meetings/{cast.meeting.id}", headers=member).get_json()
    assert [d["title"] for d in guest_view["documents"]] == ["Công khai"]
    assert [d["title"] for d in member_view["documents"]] == ["Công khai", "Mật"]


def test_live_session_is_told_when_the_list_changes(app, client, cast, bearer, login):
    from ecabinet.core.realtime import meeting_room

    token = bearer(cast.member)["Authorization"].split()[1]
    watcher = socketio.test_client(app, flask_test_client=login(cast.member), auth={"token": token})
    if not watcher.is_connected():
        pytest.skip("the socket connect handler refused the test client")
    socketio.server.enter_room(socketio.server.manager.sid_from_eio_sid(watcher.eio_sid, "/"), meeting_room(cast.meeting.id), namespace="/")
    watcher.get_received()
    upload(client, cast.meeting, headers=bearer(cast.secretariat))
    events = [e for e in watcher.get_received() if e["name"] == "documents"]
    assert events and events[0]["args"][0] == {"meeting_id": cast.meeting.id}
    watcher.disconnect()
