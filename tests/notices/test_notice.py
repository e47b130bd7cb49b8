"""The conclusions notice: drafted from the final minutes' conclusions, edited, issued and signed by
the secretariat once the minutes are signed by all their signers, verified by the strict verifier,
seen by the participants and immutable afterwards."""
import io
import os
import unicodedata

from pypdf import PdfReader
from sqlalchemy import func, select

from ecabinet.extensions import db
from ecabinet.notices.models import ConclusionsNotice, NoticeConclusion, NoticeRecipient


def _text(data):
    reader = PdfReader(io.BytesIO(data))
    text = unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))
    return reader, text, " ".join(text.split())


def test_the_draft_is_prefilled_with_one_numbered_conclusion_per_item(signed_scene):
    s = signed_scene
    data = s.api(s.office).get_json()
    assert data["status"] == "draft" and data["saved"] is False and data["version"] == 0
    assert [(c["number"], c["agenda_item_id"]) for c in data["conclusions"]] == [(1, s.items[0].id),
                                                                                  (2, s.items[1].id)]
    assert data["conclusions"][0]["text"].startswith("Về Tờ trình về kế hoạch đầu tư công năm 2027: Thống nhất")
    assert "Trần Quốc Chủ" in data["opening"] and data["summary"].startswith("Kết luận của Chủ tịch UBND tỉnh tại")
    assert data["authority_line"] == "TL. CHỦ TỊCH" and data["signer_position"] == "CHÁNH VĂN PHÒNG"
    assert data["permissions"] == {"write": True, "issue": False}
    assert [m["role"] for m in data["missing_minutes_signers"]] == ["secretary", "chair"]
    # Participants do not see a draft.
    hidden = s.api(s.present)
    assert hidden.status_code == 404 and hidden.get_json()["error"]["code"] == "notice_not_issued"


def test_editing_keeps_the_rows_and_renumbers_in_the_given_order(signed_scene):
    s = signed_scene
    first = s.api(s.secretary, method="PUT", json={"base_version": 0}).get_json()
    ids = [c["id"] for c in first["conclusions"]]
    edited = s.api(s.secretary, method="PUT", json={"base_version": first["version"], "conclusions": [
        {"id": ids[1], "agenda_item_id": s.items[1].id, "text": "Về tiến độ giải ngân: khẩn trương thực hiện."},
        {"id": ids[0], "agenda_item_id": s.items[0].id, "text": first["conclusions"][0]["text"]},
        {"text": "Giao Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện."},
        {"text": "   "}]})
    assert edited.status_code == 200, edited.get_json()
    rows = edited.get_json()["conclusions"]
    assert [(c["number"], c["id"]) for c in rows][:2] == [(1, ids[1]), (2, ids[0])]
    assert rows[2]["number"] == 3 and rows[2]["id"] not in ids and len(rows) == 3
    stale = s.api(s.office, method="PUT", json={"base_version": first["version"], "summary": "Khác"})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_notice"
    empty = s.api(s.office, method="PUT", json={"conclusions": [{"text": ""}]})
    assert empty.status_code == 422 and empty.get_json()["error"]["code"] == "no_conclusions"
    assert s.api(s.secretary).get_json()["conclusions"] == rows  # the refused saves changed nothing


def test_issuing_is_refused_until_the_minutes_are_signed_by_all(signed_scene):
    s = signed_scene
    refused = s.issue(s.office)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "minutes_not_signed"
    assert s.sign_minutes(s.secretary).status_code == 201
    refused = s.issue(s.office)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "minutes_not_signed"
    assert "Trần Quốc Chủ" in refused.get_json()["error"]["message"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ConclusionsNotice.id))) == 0
    assert db.session.scalar(select(func.count(NoticeRecipient.id))) == 0


def test_the_issued_notice_is_signed_verifies_and_reaches_the_participants(fully_signed):
    s = fully_signed
    wrong = s.issue(s.office, pin="000000")
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_pin"
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ConclusionsNotice.id))) == 0  # not even the pre-fill was saved
    assert s.issue(s.present).status_code == 403  # a member does not issue notices
    issued = s.issue(s.office)
    assert issued.status_code == 201, issued.get_json()
    data = issued.get_json()
    assert data["status"] == "issued" and data["issued_by"]["full_name"] == "Lò Thị Văn Phòng"
    # The strict verifier: one certifying signature, intact and trusted.
    report = s.api(s.guest, "/verification").get_json()
    assert report["valid"] is True and report["unsigned_fields"] == []
    assert [(x["field"], x["intact"], x["trusted"], x["valid"]) for x in report["signatures"]] == [
        ("issuer", True, True, True)]
    # The text: the official layout and the numbered conclusions with their diacritics.
    db.session.expire_all()
    notice = db.session.execute(select(ConclusionsNotice)).scalar_one()
    pdf = notice.pdf
    _reader, text, flat = _text(pdf)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "/TB-UBND", "THÔNG BÁO",
                     "Kết luận của Chủ tịch UBND tỉnh tại", "Trần Quốc Chủ", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG",
                     "Lò Thị Văn Phòng", "Nơi nhận:", "Lưu: VT.",
                     "1. Về Tờ trình về kế hoạch đầu tư công năm 2027: Thống nhất thông qua kế hoạch đầu tư công năm 2027.",
                     "Giao Sở Tài chính chủ trì, phối hợp với các sở, ngành hoàn thiện hồ sơ trước ngày 15/12/2026.",
                     "2. Về Báo cáo tình hình kinh tế – xã hội tháng 11: Yêu cầu các huyện đẩy nhanh tiến độ giải ngân"):
        assert " ".join(expected.split()) in flat, expected
    assert "DỰ THẢO" not in flat and text == unicodedata.normalize("NFC", text)
    assert flat.index("1. Về") < flat.index("2. Về")
    # Every participant has it in their list; none has read it yet.
    db.session.expire_all()
    delivered = {r.user_id for r in db.session.execute(select(NoticeRecipient)).scalars()}
    assert {s.chair.id, s.secretary.id, s.present.id, s.guest.id, s.stand_in.id} <= delivered
    assert s.office.id not in delivered  # the office issues it; it takes no part in the session
    if os.environ.get("NOTICE_PDF_OUT"):  # to look at the pages: pdftoppm -r 70 -png
        open(os.environ["NOTICE_PDF_OUT"], "wb").write(pdf)


def test_participants_see_the_notice_in_their_list_and_on_the_session_page(fully_signed, app, bearer, login):
    s = fully_signed
    assert s.issue(s.office).status_code == 201
    client = app.test_client()
    listed = client.get("/api/v1/notices", headers=bearer(s.present)).get_json()["notices"]
    assert [(n["meeting_id"], n["conclusions"], n["read_at"]) for n in listed] == [(s.meeting.id, 2, None)]
    assert client.get("/api/v1/notices", headers=bearer(s.office)).get_json()["notices"] == []
    page = login(s.present).get(f"/meetings/{s.meeting.id}").get_data(as_text=True)
    assert 'id="notice"' in page and f"/meetings/{s.meeting.id}/notice" in page and "Mới" in page
    pdf = client.get(listed[0]["pdf_url"], headers=bearer(s.present))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.count(b"/ByteRange") == 1
    after = client.get("/api/v1/notices", headers=bearer(s.present)).get_json()["notices"]
    assert after[0]["read_at"] is not None
    shown = login(s.guest).get(f"/meetings/{s.meeting.id}/notice").get_data(as_text=True)
    assert "Yêu cầu các huyện đẩy nhanh tiến độ giải ngân" in shown and 'id="notice-form"' not in shown


def test_a_signed_notice_and_signed_minutes_cannot_be_changed(fully_signed):
    s = fully_signed
    assert s.issue(s.office).status_code == 201
    db.session.expire_all()
    before = db.session.execute(select(ConclusionsNotice.sha256, ConclusionsNotice.version)).one()
    rows_before = db.session.execute(select(NoticeConclusion.id, NoticeConclusion.number,
                                            NoticeConclusion.text)).all()
    for response in (s.api(s.office, method="PUT", json={"summary": "Sửa sau khi ký"}),
                     s.issue(s.office), s.issue(s.secretary)):
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "notice_issued", \
            response.get_json()
    for response in (s.put(s.secretary, json={"base_revision": 1, "content": {"summary": "Sửa"}}),
                     s.put(s.secretary, "/finalise", method="POST", json={}),
                     s.sign_minutes(s.chair)):
        assert response.status_code == 409, response.get_json()
    comment = s.put(s.chair, "/comments", method="POST", json={"text": "Sửa"})
    assert comment.status_code == 409
    db.session.expire_all()
    assert db.session.execute(select(ConclusionsNotice.sha256, ConclusionsNotice.version)).one() == before
    assert db.session.execute(select(NoticeConclusion.id, NoticeConclusion.number,
                                     NoticeConclusion.text)).all() == rows_before
