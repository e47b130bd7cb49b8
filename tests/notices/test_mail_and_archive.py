"""The issued notice by e-mail to a real SMTP sink on 127.0.0.1, and the session's archive: the ZIP's
files and manifest sums, the archived session refusing every change, archiving refused while the
minutes are half-signed."""
import hashlib
import io
import json
import zipfile

import pytest

from ecabinet.extensions import db
from ecabinet.live import operations as live
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus
from tests.polls.smtp_sink import SmtpSink


@pytest.fixture
def sink(app, monkeypatch):
    with SmtpSink() as server:
        monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
        yield server


def test_the_signed_notice_is_e_mailed_to_participants_with_an_address(fully_signed, sink):
    s = fully_signed
    s.present.email, s.guest.email, s.office.email = "an@laichau.gov.vn", "hanh@baolaichau.vn", "vp@laichau.gov.vn"
    db.session.commit()
    assert s.issue(s.office).status_code == 201
    messages = sink.received()
    assert sorted(m["to"][0] for m in messages) == ["an@laichau.gov.vn", "hanh@baolaichau.vn"]
    message = next(m["message"] for m in messages if m["to"] == ["an@laichau.gov.vn"])
    assert message["Subject"] == "Thông báo kết luận: Phiên họp UBND tỉnh thường kỳ tháng 11 năm 2026"
    body = message.get_body(("plain",)).get_content()
    assert "Kính gửi Lê Văn An" in body and f"/meetings/{s.meeting.id}/notice" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == f"thong-bao-ket-luan-phien-hop-{s.meeting.id}.pdf"
    data = s.api(s.office).get_json()
    assert hashlib.sha256(attachment.get_content()).hexdigest() == data["sha256"]
    emailed = {r["full_name"]: r["emailed_at"] is not None for r in data["recipients_delivered"]}
    assert emailed["Lê Văn An"] and emailed["Đặng Thị Hạnh"] and not emailed["Trần Quốc Chủ"]


def _zip(app, bearer, user, meeting_id):
    response = app.test_client().get(f"/api/v1/meetings/{meeting_id}/archive.zip", headers=bearer(user))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/zip" and response.is_streamed
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_the_archive_holds_every_file_and_the_manifest_sums_match(fully_signed, app, bearer, tmp_path):
    s = fully_signed
    assert s.issue(s.office).status_code == 201
    assert app.test_client().post(f"/api/v1/meetings/{s.meeting.id}/archive",
                                  headers=bearer(s.office)).status_code == 200
    from ecabinet.documents.storage import get_storage

    root = get_storage().root
    before = {p for p in root.rglob("*") if p.is_file()}
    archive = _zip(app, bearer, s.present, s.meeting.id)
    left = {p for p in root.rglob("*") if p.is_file()} - before
    # Only the reader's meeting book, kept in the cache as its own download keeps it: no temporary file.
    assert all(p.relative_to(root).parts[:2] == ("cache", "books") and not p.name.startswith(".") for p in left), left
    names = set(archive.namelist())
    assert names == {"bien-ban-da-ky.pdf", "thong-bao-ket-luan-da-ky.pdf", "tap-tai-lieu.pdf", "bieu-quyet.csv",
                     "diem-danh.csv", "manifest.json", "SHA256SUMS", "README.txt"}
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["meeting"]["id"] == s.meeting.id and manifest["generated_for"] == "Lê Văn An"
    for entry in manifest["files"]:
        data = archive.read(entry["name"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"], entry["name"]
    sums = dict(line.split("  ")[::-1] for line in archive.read("SHA256SUMS").decode().splitlines())
    assert sums == {e["name"]: e["sha256"] for e in manifest["files"]}
    notice_pdf = app.test_client().get(f"/api/v1/meetings/{s.meeting.id}/notice.pdf", headers=bearer(s.present))
    assert archive.read("thong-bao-ket-luan-da-ky.pdf") == notice_pdf.data
    minutes_pdf = app.test_client().get(f"/api/v1/meetings/{s.meeting.id}/minutes.pdf", headers=bearer(s.present))
    assert archive.read("bien-ban-da-ky.pdf") == minutes_pdf.data
    attendance = archive.read("diem-danh.csv").decode("utf-8-sig")
    assert "Họ và tên" in attendance and "Đỗ Văn Cường" in attendance and "Đi công tác tại Hà Nội" in attendance
    assert "Thông qua Tờ trình kế hoạch đầu tư công năm 2027?" in archive.read("bieu-quyet.csv").decode("utf-8-sig")
    readme = archive.read("README.txt").decode("utf-8")
    assert "LƯU TRỮ PHIÊN HỌP" in readme and "sha256sum -c SHA256SUMS" in readme
    # What a clerk would run: sha256sum -c on the extracted files.
    import subprocess
    archive.extractall(tmp_path)
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_ended_session_downloads_what_it_has_and_a_live_one_nothing(app, bearer, session_):
    s = session_
    archive = _zip(app, bearer, s.office, s.meeting.id)  # ended, the minutes not signed yet
    assert "bien-ban-da-ky.pdf" not in archive.namelist() and "README.txt" in archive.namelist()
    assert "Chưa có (nên không có trong gói): biên bản đã ký số" in archive.read("README.txt").decode()
    s.meeting.status = MeetingStatus.LIVE
    db.session.commit()
    refused = app.test_client().get(f"/api/v1/meetings/{s.meeting.id}/archive.zip", headers=bearer(s.office))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "session_not_ended"


def test_archiving_waits_for_the_minutes_to_be_signed_by_all(signed_scene, app, bearer):
    s = signed_scene
    assert s.sign_minutes(s.secretary).status_code == 201
    refused = app.test_client().post(f"/api/v1/meetings/{s.meeting.id}/archive", headers=bearer(s.office))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "minutes_not_signed"
    assert s.sign_minutes(s.chair).status_code == 201
    done = app.test_client().post(f"/api/v1/meetings/{s.meeting.id}/archive", headers=bearer(s.office))
    assert done.status_code == 200 and done.get_json()["status"] == "archived"


def _archived(s, app, bearer):
    assert app.test_client().post(f"/api/v1/meetings/{s.meeting.id}/archive", headers=bearer(s.office)).status_code == 200


ARCHIVED_API = [
    ("PATCH", "/api/v1/meetings/{id}", lambda s: {"title": "Tên mới"}),
    ("POST", "/api/v1/meetings/{id}/agenda", lambda s: {"title": "Nội dung bổ sung"}),
    ("DELETE", "/api/v1/meetings/{id}/agenda/{item}", None),
    ("POST", "/api/v1/meetings/{id}/participants", lambda s: {"user_id": s.office.id, "role": "guest"}),
    ("POST", "/api/v1/meetings/{id}/ballots", lambda s: {"question": "Biểu quyết bổ sung?", "secret": False}),
    ("PUT", "/api/v1/meetings/{id}/minutes", lambda s: {"base_revision": 1, "content": {"summary": "Sửa"}}),
    ("PUT", "/api/v1/meetings/{id}/notice", lambda s: {"summary": "Sửa"}),
    ("POST", "/api/v1/meetings/{id}/notice/signatures", lambda s: {"pin": "246810"}),
]


@pytest.mark.parametrize("method,url,body", ARCHIVED_API, ids=[f"{m} {u}" for m, u, _b in ARCHIVED_API])
def test_an_archived_session_refuses_changes_with_session_archived(fully_signed, app, bearer, method, url, body):
    s = fully_signed
    _archived(s, app, bearer)
    response = app.test_client().open(url.format(id=s.meeting.id, item=s.items[0].id), method=method,
                                      json=body(s) if body else None, headers=bearer(s.office))
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "session_archived"
    assert response.get_json()["error"]["message"] == "Phiên họp đã được lưu trữ, không thể thay đổi."


def test_an_archived_session_refuses_attendance_documents_and_ballots_in_the_domain(fully_signed, app, bearer):
    from ecabinet.core.errors import InvalidState
    from ecabinet.documents import operations as documents
    from ecabinet.voting import operations as voting

    s = fully_signed
    _archived(s, app, bearer)
    meeting = db.session.get(type(s.meeting), s.meeting.id)
    db.session.refresh(meeting)
    attempts = [
        lambda: live.set_attendance(meeting.participant_for(s.absent), "present", actor=s.office),
        lambda: live.check_in(meeting.participant_for(s.absent), actor=s.absent),
        lambda: documents.delete_document(s.plan, actor=s.office),
        lambda: voting.create_ballot(meeting, actor=s.office, question="Thêm?"),
        lambda: meetings.update_agenda_item(s.items[0], actor=s.office, title="Sửa"),
    ]
    for attempt in attempts:
        with app.test_request_context(), pytest.raises(InvalidState) as refused:
            attempt()
        assert refused.value.code == "session_archived"
        db.session.rollback()
    assert db.session.get(type(s.meeting), s.meeting.id).status == MeetingStatus.ARCHIVED
