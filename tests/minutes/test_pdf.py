"""The minutes PDF: a real session with a closed ballot, rendered and read back with pypdf."""
import io
import unicodedata

import pytest
from pypdf import PdfReader

from ecabinet.extensions import db
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus
from ecabinet.minutes import operations
from ecabinet.minutes.pdf import render_minutes
from ecabinet.voting import operations as voting
from tests.minutes.scene import build_session

QUESTION = "Thông qua Tờ trình kế hoạch đầu tư công năm 2027?"


@pytest.fixture
def session_(app, bearer):
    with app.test_request_context():
        s = build_session(end=False)
        ballot = voting.create_ballot(s.meeting, actor=s.office, question=QUESTION, agenda_item=s.items[0])
        db.session.commit()
        voting.open_ballot(ballot, actor=s.chair, override_reason="Chủ tọa quyết định biểu quyết")
        db.session.commit()
        for user, choice in ((s.chair, "yes"), (s.present, "yes"), (s.online, "no")):
            voting.cast_vote(ballot.id, user, choice)
            db.session.commit()
        voting.close_ballot(ballot, actor=s.chair)
        meetings.change_status(s.meeting, MeetingStatus.ENDED, actor=s.office)
        db.session.commit()
    s.ballot = ballot
    s.url = f"/api/v1/meetings/{s.meeting.id}/minutes"
    s.get = lambda user, path="": app.test_client().get(s.url + path, headers=bearer(user))
    s.put = lambda user, path="", **kw: app.test_client().open(s.url + path, method=kw.pop("method", "PUT"),
                                                                headers=bearer(user), **kw)
    return s


def _text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def _flat(text):
    return " ".join(text.split())


def test_the_pdf_carries_the_facts_and_the_stored_ballot(session_):
    s = session_
    summary = "Phiên họp thường kỳ tháng 11 năm 2026 của Ủy ban nhân dân tỉnh"
    saved = s.put(s.secretary, json={"base_revision": 0, "content": {
        "summary": summary,
        "items": [{"agenda_item_id": s.items[0].id, "discussion": "Các đại biểu thống nhất với tờ trình.",
                   "conclusion": "Giao Sở Kế hoạch và Đầu tư hoàn thiện hồ sơ."}]}})
    assert saved.status_code == 200, saved.get_json()
    response = s.get(s.secretary, ".pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    import os
    if os.environ.get("MINUTES_PDF_OUT"):  # to look at the pages: pdftoppm -r 60 -png
        open(os.environ["MINUTES_PDF_OUT"], "wb").write(response.data)
    reader, text = _text(response.data)
    flat = _flat(text)
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BIÊN BẢN", summary,
                     "/BB-UBND", "DỰ THẢO (bản lưu số 1)", "Chủ tọa: Ông (Bà) Trần Quốc Chủ",
                     "Thư ký: Ông (Bà) Nguyễn Thị Thư", "Đi công tác tại Hà Nội",
                     "Ông (Bà) Bùi Văn Giang, Phó Giám đốc Sở Y tế dự họp thay Ông (Bà) Hoàng Văn Dũng",
                     "Tờ trình số 123/TTr-SKHĐT (phiên bản 2)", "Lê Văn An (2 lần)",
                     "Các đại biểu thống nhất với tờ trình.", "Giao Sở Kế hoạch và Đầu tư hoàn thiện hồ sơ.",
                     QUESTION, "Phiên họp kết thúc vào lúc", "THƯ KÝ", "CHỦ TỌA", "Nơi nhận:"):
        assert _flat(expected) in flat, expected
    assert text == unicodedata.normalize("NFC", text)
    (record,) = s.get(s.secretary).get_json()["content"]["sections"]["ballots"]
    counts = record["counts"]
    assert counts == {"yes": 2, "no": 1, "abstain": 0, "not_voted": counts["not_voted"]}
    assert (f"Tán thành: {counts['yes']}; Không tán thành: {counts['no']}; Không biểu quyết: {counts['abstain']}; "
            f"Không tham gia biểu quyết: {counts['not_voted']}") in flat
    verdict = {"passed": "Kết quả: THÔNG QUA", "failed": "Kết quả: KHÔNG THÔNG QUA"}[record["result"]]
    assert verdict in flat
    # Members in protocol order, as the attendance lists them; the secretary left of the chair.
    present = flat.index("Thành viên có mặt")
    assert flat.index("Lê Văn An", present) < flat.index("Phạm Thị Bình") < flat.index("Đỗ Văn Cường")
    last = _flat(unicodedata.normalize("NFC", reader.pages[-1].extract_text()))
    assert last.index("THƯ KÝ") < last.index("CHỦ TỌA")


def test_final_minutes_are_not_marked_as_a_draft(session_):
    s = session_
    s.put(s.secretary, json={"base_revision": 0, "content": {"summary": "Biên bản phiên họp"}})
    assert s.put(s.secretary, "/finalise", method="POST", json={"base_revision": 1}).status_code == 200
    _reader, text = _text(s.get(s.present, ".pdf").data)
    assert "DỰ THẢO" not in text and "Biên bản phiên họp" in text


def test_the_prefill_prints_before_the_first_save(session_):
    s = session_
    response = s.get(s.guest, ".pdf")
    assert response.status_code == 200
    _reader, text = _text(response.data)
    assert "DỰ THẢO (chưa lưu)" in _flat(text)


def test_signature_places_are_the_blank_space_of_each_block(app, session_):
    s = session_
    with app.test_request_context():
        content = operations.draft_content(s.meeting)
    data, places = render_minutes(s.meeting, content, draft=False)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    secretary, chair = places["secretary"], places["chair"]
    assert secretary.page == chair.page == pages
    assert secretary.rect[2] <= chair.rect[0] + 0.01  # side by side, the secretary on the left
    for x1, y1, x2, y2 in (secretary.rect, chair.rect):
        assert 0 < x1 < x2 <= 595.3 and 0 < y1 < y2 <= 842 and y2 - y1 > 40
