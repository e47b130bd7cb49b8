"""`ecabinet seed-demo`: a realistic province, its sessions, and documents to read that look like the
real thing (Decree 30/2020 layout, each with its own content); `--reset` brings the demo back."""
import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import User
from ecabinet.bodies.models import Body, BodyKind
from ecabinet.core.timeutil import LOCAL_TZ
from ecabinet.demo import COMMITTEE, COMMUNE_ROSTER, agenda, commune_agenda, reset_demo, seed_demo
from ecabinet.demo_documents import BUILDERS, Calendar, fonts_available, vn
from ecabinet.documents.models import Classification, Document
from ecabinet.documents.storage import LocalStorage, get_storage
from ecabinet.extensions import db
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import Meeting, MeetingStatus, Role

needs_fonts = pytest.mark.skipif(not fonts_available(), reason="no serif font for official documents (system-deps.sh)")


@pytest.fixture
def storage(app, tmp_path, monkeypatch):
    """A store of the test's own: the demo's reset empties it."""
    own = LocalStorage(tmp_path / "storage")
    monkeypatch.setitem(app.extensions, "ecabinet_storage", own)
    return own


def _province_session():
    province = db.session.execute(select(Body).where(Body.kind == BodyKind.PROVINCIAL)).scalar_one()
    return db.session.execute(select(Meeting).where(Meeting.body_id == province.id,
                                                    Meeting.title.like("Phiên họp UBND tỉnh thường kỳ%"))).scalar_one()


def _documents_of(meeting):
    return db.session.execute(select(Document).where(Document.meeting_id == meeting.id)
                              .order_by(Document.position)).scalars().all()


def _text(document):
    with get_storage().open(document.current.sha256) as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


@needs_fonts
def test_demo_session_has_members_agenda_and_documents_under_each_item(client, storage):
    report = seed_demo()
    assert report["created"] and report["summary"][0].startswith("Loaded the demo")
    meeting = _province_session()
    assert meeting.status == MeetingStatus.PUBLISHED
    roles = [p.role for p in meeting.participants]
    assert roles.count(Role.CHAIR) == 1 and roles.count(Role.SECRETARY) == 1
    assert roles.count(Role.CHAIR) + roles.count(Role.MEMBER) >= 20 and len(meeting.participants) == len(COMMITTEE) + 1
    items = agenda(meeting.starts_at.astimezone(LOCAL_TZ).date())
    assert [item.title for item in meeting.agenda_items] == [row[0] for row in items]

    documents = db.session.execute(select(Document).where(Document.meeting_id == meeting.id)).scalars().all()
    assert len(documents) == sum(len(row[3]) for row in items) == 7
    assert {d.agenda_item_id for d in documents} == {item.id for item in meeting.agenda_items}
    assert sum(d.classification == Classification.CONFIDENTIAL for d in documents) == 1
    # Real length: a one-page draft decision beside reports and submissions of several pages.
    pages = [d.current.page_count for d in documents]
    assert min(pages) >= 1 and sum(p > 1 for p in pages) >= 5 and sum(pages) >= 12
    # Distinct documents, not one text stamped seven times; the title in the app does not repeat the kind.
    assert len({d.current.sha256 for d in documents}) == len(documents)
    assert not any(d.title.lower().startswith(("báo cáo", "tờ trình", "dự thảo")) for d in documents)

    token = client.post("/api/v1/session", json={"username": "gd.taichinh", "password": report["password"]})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    pdf = client.get(f"/api/v1/documents/{documents[0].id}/file", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


@needs_fonts
def test_each_document_follows_the_administrative_layout(app, storage):
    """Letterhead, national motto, "Số: …/BC-…" of a report, "/TTr-" of a submission, "/QĐ-" of a draft
    decision, the place-and-date line, the title, the signature block and "Nơi nhận"; Vietnamese text
    that extracts as written (an embedded Unicode font, NFC)."""
    seed_demo()
    meeting = _province_session()
    day = meeting.starts_at.astimezone(LOCAL_TZ).date()
    texts = {d.kind.value + ":" + d.title: _text(d) for d in _documents_of(meeting)}
    joined = "\n".join(texts.values())
    for text in texts.values():
        flat = re.sub(r"\s+", " ", text)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Độc lập - Tự do - Hạnh phúc" in flat
        assert "Nơi nhận:" in flat or "QUY CHẾ" in flat   # the regulation goes with its decision
    assert re.search(r"Số: 358/BC-UBND", joined) and re.search(r"Số: 412/TTr-STC", joined)
    assert re.search(r"Số: 287/TTr-SXD", joined) and re.search(r"/QĐ-UBND", joined)
    assert re.search(r"/\d{4}/NQ-HĐND", joined)
    issued = Calendar(day).issued(7)
    month = f"{issued.month:02d}" if issued.month < 3 else str(issued.month)
    assert re.search(rf"Lai Châu,\s+ngày\s+{issued.day:02d}\s+tháng\s+{month}\s+năm\s+{issued.year}", joined)
    for document in _documents_of(meeting):   # the font travels with the file: any reader shows the diacritics
        with get_storage().open(document.current.sha256) as handle:
            assert b"/FontFile2" in handle.read()
    report = next(text for key, text in texts.items() if "358/BC-UBND" in key)
    cal = Calendar(day)
    assert "BÁO CÁO" in report and f"tháng {cal.report_month}" in report and "TM. ỦY BAN NHÂN DÂN" in report
    assert "Trần Thị Thu Hà" in report
    # Each text its own (the old demo stamped the same paragraphs on every page of every document):
    # two documents share at most a legal ground or two.
    lines = [set(line.strip() for line in t.split("\n") if len(line.strip()) > 40) for t in texts.values()]
    for i, first in enumerate(lines):
        for second in lines[i + 1:]:
            assert len(first & second) <= 3, first & second


def test_tables_add_up_and_numbers_read_the_vietnamese_way():
    from ecabinet.demo_documents import disbursement_report

    assert (vn(1234567), vn(12.5, 1), vn(0.28, 2)) == ("1.234.567", "12,5", "0,28")
    document = disbursement_report(Calendar(__import__("datetime").date(2026, 12, 8)))
    table = next(block for block in document.blocks if hasattr(block, "rows"))
    *lines, total = table.rows
    as_number = lambda text: int(text.replace(".", ""))  # noqa: E731
    assert as_number(total[2]) == sum(as_number(line[2]) for line in lines)
    assert as_number(total[3]) == sum(as_number(line[3]) for line in lines)


def test_the_documents_follow_the_session_date():
    """Run in January, the monthly report covers December of the year before; the plan the next year."""
    from datetime import date

    january = agenda(date(2027, 1, 12))
    assert january[0][0].startswith("Báo cáo tình hình kinh tế – xã hội tháng 12 và nhiệm vụ trọng tâm tháng 1")
    assert "12 tháng năm 2026" in january[4][0] and "dự kiến năm 2028" in january[1][0]
    assert Calendar(date(2027, 1, 12)).issued(7).weekday() < 5
    assert "năm 2028" in commune_agenda(date(2027, 1, 13))[1][0]
    assert set(BUILDERS) == {key for row in agenda(date(2027, 1, 12)) + commune_agenda(date(2027, 1, 13))
                             for key, _kind, _c in row[3]}


@needs_fonts
def test_seeding_twice_changes_nothing_and_says_so(app, storage):
    seed_demo()
    counts = [db.session.execute(select(func.count()).select_from(model)).scalar() for model in (Meeting, Document)]
    again = seed_demo()
    assert not again["created"] and again["summary"] == ["The demo is already loaded: nothing was changed."]
    assert again["notes"] == []
    assert [db.session.execute(select(func.count()).select_from(model)).scalar()
            for model in (Meeting, Document)] == counts


@needs_fonts
def test_reset_brings_the_demo_back_after_its_session_ended(app, storage, tmp_path):
    seed_demo()
    meeting = _province_session()
    secretary = db.session.execute(select(User).where(User.username == "thuky")).scalar_one()
    for status in (MeetingStatus.LIVE, MeetingStatus.ENDED):
        meetings.change_status(meeting, status, actor=secretary)
    accounts.create_user("khach.le", "Khách Lẻ", "mat-khau-123")
    db.session.commit()
    first_start = meeting.starts_at
    stale = seed_demo()
    assert not stale["created"] and "--reset" in stale["notes"][0] and "ended" in stale["notes"][0]
    ca = storage.root / "pki" / "ca.pem"
    ca.parent.mkdir(parents=True, exist_ok=True)
    ca.write_text("the pilot's CA stays")
    documents_before = db.session.execute(select(func.count()).select_from(Document)).scalar()

    deleted = reset_demo()
    assert deleted["rows"] > 100 and deleted["files"] == documents_before
    assert db.session.execute(select(func.count()).select_from(Meeting)).scalar() == 0
    assert storage.blob_count() == 0 and ca.read_text() == "the pilot's CA stays"

    report = seed_demo()
    assert report["created"]
    back = _province_session()
    assert back.status == MeetingStatus.PUBLISHED and back.starts_at >= first_start - timedelta(days=1)
    assert db.session.execute(select(User).where(User.username == "khach.le")).scalar() is None
    assert storage.blob_count() == db.session.execute(select(func.count()).select_from(Document)).scalar() == 9


def test_reset_is_refused_in_production(app, storage, monkeypatch):
    from ecabinet.core.errors import NotAllowed

    monkeypatch.setitem(app.config, "PRODUCTION", True)
    with pytest.raises(NotAllowed):
        reset_demo()


@needs_fonts
def test_demo_has_a_commune_with_its_own_roster_secretariat_session_and_documents(app, storage):
    seed_demo()
    commune = db.session.execute(select(Body).where(Body.kind == BodyKind.COMMUNE)).scalar_one()
    assert commune.parent_name == "UBND TỈNH LAI CHÂU"
    assert sorted(p.role.value for p in commune.roster).count("secretariat") == 1
    session = db.session.execute(select(Meeting).where(Meeting.body_id == commune.id)).scalar_one()
    invited = {p.user.username for p in session.participants if p.role != Role.SECRETARY}
    assert invited == {row[0] for row in COMMUNE_ROSTER}
    papers = _documents_of(session)
    assert papers[0].title.startswith("Thu ngân sách nhà nước trên địa bàn xã") and len(papers) == 2
    assert "ỦY BAN NHÂN DÂN" in _text(papers[0]) and "96/BC-UBND" in _text(papers[0])
    # The commune's secretariat prepares only the commune's sessions.
    office = next(p.user for p in commune.roster if p.role.value == "secretariat")
    assert office.secretariat_body_ids == {commune.id}
