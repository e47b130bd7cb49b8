"""The polls' JSON API end to end: a draft with questions and a PDF, sending, answering, the
secretariat following, closing, the stored result and the summary report PDF."""
import io
import unicodedata

from pypdf import PdfReader

from ecabinet.extensions import db
from ecabinet.polls.models import Poll
from tests.conftest import ROOT
from tests.documents.pdfs import make_pdf
from tests.polls.helpers import Cast, past

ARTIFACTS = ROOT / "test-artifacts" / "polls"


def _create(client, cast, headers, **extra):
    body = {"title": "Dự thảo Kế hoạch cải cách hành chính năm 2027",
            "questions": [{"text": "Thống nhất ban hành Kế hoạch?"}, {"text": "Giao Sở Nội vụ chủ trì?"}], **extra}
    return client.post(f"/api/v1/bodies/{cast.body.id}/polls", json=body, headers=headers)


def test_a_poll_from_draft_to_report(app, client, bearer):
    cast = Cast()
    secretariat, chair = bearer(cast.secretariat), bearer(cast.chair)
    created = _create(client, cast, secretariat)
    assert created.status_code == 201, created.get_json()
    poll = created.get_json()
    assert poll["status"] == "draft" and poll["deadline_is_default"] and poll["silence_counts_as"] == "none"
    upload = client.post(f"/api/v1/polls/{poll['id']}/documents", headers=secretariat,
                         data={"file": (io.BytesIO(make_pdf(2, "Dự thảo Kế hoạch")), "du-thao.pdf"),
                               "title": "Dự thảo Kế hoạch"}, content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    sent = client.post(f"/api/v1/polls/{poll['id']}/send", headers=secretariat).get_json()
    assert sent["status"] == "open" and sent["member_total"] == 5 and not sent["deadline_is_default"]
    q1, q2 = (q["id"] for q in sent["questions"])

    # A member reads the document and answers; then changes the answer before the deadline.
    member = bearer(cast.member)
    seen = client.get(f"/api/v1/polls/{poll['id']}", headers=member).get_json()
    assert seen["can_answer"] and seen["may_change_answer"] and "counts" not in seen["questions"][0]
    file = client.get(seen["documents"][0]["url"], headers=member)
    assert file.status_code == 200 and file.data.startswith(b"%PDF")
    for choice in ("no", "yes"):
        answered = client.post(f"/api/v1/polls/{poll['id']}/answers", headers=member, json={"answers": [
            {"question_id": q1, "choice": choice, "comment": "Đề nghị làm rõ nguồn kinh phí thực hiện."},
            {"question_id": q2, "choice": "abstain"}]})
        assert answered.status_code == 201, answered.get_json()
    assert answered.get_json()["poll"]["questions"][0]["my_answer"]["choice"] == "yes"
    for user, choice in [(cast.chair, "yes"), (cast.members[1], "yes"), (cast.members[2], "no")]:
        assert client.post(f"/api/v1/polls/{poll['id']}/answers", headers=bearer(user),
                           json={"answers": [{"question_id": q1, "choice": choice}]}).status_code == 201

    # The secretariat follows the count; "no reply" apart from "agree".
    following = client.get(f"/api/v1/polls/{poll['id']}", headers=secretariat).get_json()
    assert following["questions"][0]["counts"] == {"yes": 3, "no": 1, "abstain": 0, "no_reply": 1,
                                                   "result": "passed"}
    assert following["not_answered"] == [cast.chair.id, cast.members[1].id, cast.members[2].id, cast.members[3].id] \
        or set(following["not_answered"]) == {cast.chair.id, cast.members[1].id, cast.members[2].id, cast.members[3].id}
    assert client.get(f"/api/v1/polls/{poll['id']}/report.pdf", headers=member).status_code == 409

    # Only the chair closes early.
    assert client.post(f"/api/v1/polls/{poll['id']}/close", headers=member).status_code == 403
    closed = client.post(f"/api/v1/polls/{poll['id']}/close", headers=chair).get_json()
    assert closed["status"] == "closed" and closed["close_reason"] == "chair"
    assert [q["counts"] for q in closed["questions"]] == [
        {"yes": 3, "no": 1, "abstain": 0, "no_reply": 1, "result": "passed"},
        {"yes": 0, "no": 0, "abstain": 1, "no_reply": 4, "result": "failed"}]
    late = client.post(f"/api/v1/polls/{poll['id']}/answers", headers=bearer(cast.members[3]),
                       json={"answers": [{"question_id": q1, "choice": "yes"}]})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "poll_closed"

    report = client.get(f"/api/v1/polls/{poll['id']}/report.pdf", headers=member)
    assert report.status_code == 200 and report.mimetype == "application/pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report.pdf").write_bytes(report.data)
    reader = PdfReader(io.BytesIO(report.data))
    text = " ".join(unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages)).split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU",
                     "BÁO CÁO", "Lai Châu, ngày", "Thống nhất ban hành Kế hoạch?", "Không gửi ý kiến",
                     "THÔNG QUA", "KHÔNG THÔNG QUA", "Đề nghị làm rõ nguồn kinh phí thực hiện.", "Nguyễn Văn Bình",
                     "Nơi nhận:", "Giàng Seo Chủ", "Số:"):
        assert expected in text, expected
    assert "3/5 thành viên tán thành" in text and "Tán thành 3 60,0%" in text


def test_the_deadline_passed_answers_are_refused_409(client, bearer):
    cast = Cast()
    created = _create(client, cast, bearer(cast.secretariat)).get_json()
    client.post(f"/api/v1/polls/{created['id']}/send", headers=bearer(cast.secretariat))
    past(db.session.get(Poll, created["id"]))
    refused = client.post(f"/api/v1/polls/{created['id']}/answers", headers=bearer(cast.member),
                          json={"answers": [{"question_id": created["questions"][0]["id"], "choice": "yes"}]})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "poll_closed"


def test_bad_input_gets_clear_errors_and_changes_nothing(client, bearer):
    cast = Cast()
    headers = bearer(cast.secretariat)
    for body, status in [({"title": "x"}, 422), ({"title": "x", "questions": []}, 422),
                         ({"title": "x", "questions": [{"text": "a"}], "deadline": "2020-01-01T10:00"}, 422),
                         ({"title": "x", "questions": [{"text": "a"}], "silence_counts_as": "maybe"}, 422)]:
        response = client.post(f"/api/v1/bodies/{cast.body.id}/polls", json=body, headers=headers)
        assert response.status_code == status, (body, response.get_json())
        assert response.get_json()["error"]["code"]
    assert client.post(f"/api/v1/bodies/{cast.body.id}/polls", data="nope", headers=headers).status_code == 400
    assert db.session.query(Poll).count() == 0
    created = _create(client, cast, headers, silence_counts_as="yes").get_json()
    assert created["silence_counts_as"] == "yes"
    client.post(f"/api/v1/polls/{created['id']}/send", headers=headers)
    member = bearer(cast.member)
    for answers in ([], [{"question_id": 999999, "choice": "yes"}], [{"question_id": created["questions"][0]["id"],
                                                                      "choice": "maybe"}]):
        response = client.post(f"/api/v1/polls/{created['id']}/answers", headers=member, json={"answers": answers})
        assert response.status_code == 422, response.get_json()
    not_pdf = client.post(f"/api/v1/polls/{created['id']}/documents", headers=headers,
                          data={"file": (io.BytesIO(b"hello"), "a.txt")}, content_type="multipart/form-data")
    assert not_pdf.status_code == 409  # sent: no more documents


def test_a_session_document_of_the_same_body_can_be_attached(client, bearer):
    from ecabinet.meetings import operations as meetings
    from ecabinet.core.db import utcnow
    from datetime import timedelta
    from tests.factories import create_document

    cast = Cast()
    meeting = meetings.create_meeting("Phiên họp thường kỳ", utcnow() + timedelta(days=3), actor=cast.secretariat,
                                      body=cast.body)
    db.session.commit()
    document = create_document(meeting, actor=cast.secretariat, title="Tờ trình số 12")
    created = _create(client, cast, bearer(cast.secretariat), document_ids=[document.id])
    assert created.status_code == 201, created.get_json()
    poll = created.get_json()
    assert [d["title"] for d in poll["documents"]] == ["Tờ trình số 12"]
    assert poll["documents"][0]["sha256"] == document.current.sha256  # the same stored file, not a copy
