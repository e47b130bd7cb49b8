"""Demo data: a provincial People's Committee and one of its communes, their rosters, sessions and
documents (ecabinet.demo_documents); seed_demo loads it once, reset_demo clears the way to load it
afresh (`ecabinet seed-demo [--reset]`)."""
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, text

from ecabinet.accounts import operations as accounts
from ecabinet.bodies import operations as bodies
from ecabinet.bodies.models import BodyKind, RosterRole
from ecabinet.core.db import utcnow
from ecabinet.core.timeutil import LOCAL_TZ
from ecabinet.demo_documents import Calendar
from ecabinet.extensions import db
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import Meeting, MeetingKind, MeetingStatus, Role

DEMO_PASSWORD = "demo12345"
SESSION_TITLE = "Phiên họp UBND tỉnh thường kỳ"

# (username, full name, title, unit, role in the session)
COMMITTEE = [
    ("chutich", "Nguyễn Văn Hùng", "Chủ tịch UBND tỉnh", "Ủy ban nhân dân tỉnh", Role.CHAIR),
    ("pct.kinhte", "Trần Thị Thu Hà", "Phó Chủ tịch Thường trực UBND tỉnh", "Ủy ban nhân dân tỉnh", Role.MEMBER),
    ("pct.vanxa", "Lê Minh Tuấn", "Phó Chủ tịch UBND tỉnh", "Ủy ban nhân dân tỉnh", Role.MEMBER),
    ("pct.dothi", "Phạm Quốc Bảo", "Phó Chủ tịch UBND tỉnh", "Ủy ban nhân dân tỉnh", Role.MEMBER),
    ("gd.taichinh", "Hoàng Thị Lan", "Giám đốc Sở", "Sở Tài chính", Role.MEMBER),
    ("gd.xaydung", "Vũ Đức Thắng", "Giám đốc Sở", "Sở Xây dựng", Role.MEMBER),
    ("gd.nongnghiep", "Đặng Văn Phúc", "Giám đốc Sở", "Sở Nông nghiệp và Môi trường", Role.MEMBER),
    ("gd.congthuong", "Bùi Thị Ngọc Ánh", "Giám đốc Sở", "Sở Công Thương", Role.MEMBER),
    ("gd.yte", "Đỗ Mạnh Cường", "Giám đốc Sở", "Sở Y tế", Role.MEMBER),
    ("gd.giaoduc", "Ngô Thị Hồng Nhung", "Giám đốc Sở", "Sở Giáo dục và Đào tạo", Role.MEMBER),
    ("gd.noivu", "Dương Văn Khánh", "Giám đốc Sở", "Sở Nội vụ", Role.MEMBER),
    ("gd.tuphap", "Lý Thị Mai", "Giám đốc Sở", "Sở Tư pháp", Role.MEMBER),
    ("gd.khcn", "Trịnh Quang Huy", "Giám đốc Sở", "Sở Khoa học và Công nghệ", Role.MEMBER),
    ("gd.vhttdl", "Phan Thị Thanh Tâm", "Giám đốc Sở", "Sở Văn hóa, Thể thao và Du lịch", Role.MEMBER),
    ("gd.dantoc", "Hà Văn Sơn", "Giám đốc Sở", "Sở Dân tộc và Tôn giáo", Role.MEMBER),
    ("gd.ngoaivu", "Mai Anh Đức", "Giám đốc Sở", "Sở Ngoại vụ", Role.MEMBER),
    ("chanhvp", "Võ Thị Kim Oanh", "Chánh Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh", Role.MEMBER),
    ("chanhthanhtra", "Tô Văn Lâm", "Chánh Thanh tra tỉnh", "Thanh tra tỉnh", Role.MEMBER),
    ("gd.congan", "Đinh Công Thành", "Giám đốc Công an tỉnh", "Công an tỉnh", Role.MEMBER),
    ("chqs", "Lưu Đình Nam", "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", "Bộ Chỉ huy Quân sự tỉnh", Role.MEMBER),
    ("pgd.taichinh", "Cao Thị Bích Ngọc", "Phó Giám đốc Sở", "Sở Tài chính", Role.GUEST),
    ("pgd.xaydung", "Kiều Văn Toàn", "Phó Giám đốc Sở", "Sở Xây dựng", Role.GUEST),
    ("gd.nganhang", "Quách Thị Hương", "Giám đốc Ngân hàng Nhà nước chi nhánh tỉnh",
     "Ngân hàng Nhà nước chi nhánh tỉnh", Role.GUEST),
    ("gd.thue", "Tạ Minh Khôi", "Trưởng Thuế tỉnh", "Thuế tỉnh", Role.GUEST),
    ("pvp.tonghop", "Lâm Thị Diệu Linh", "Phó Chánh Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh", Role.GUEST),
]
# Places on the province's roster: position and protocol rank by title (members by name within a rank).
POSITIONS = {"Chủ tịch UBND tỉnh": ("Chủ tịch", 10), "Phó Chủ tịch Thường trực UBND tỉnh": ("Phó Chủ tịch Thường trực", 20),
             "Phó Chủ tịch UBND tỉnh": ("Phó Chủ tịch", 30)}
MEMBER_PLACE = ("Ủy viên", 100)
SECRETARY = ("thuky", "Nguyễn Thị Minh Thư", "Chuyên viên Phòng Tổng hợp", "Văn phòng UBND tỉnh")

# A commune of the province (since the two-level reform of 1 July 2025), with its own roster and secretariat.
COMMUNE = ("Ủy ban nhân dân xã Tân Uyên", "UBND TỈNH LAI CHÂU", "Tân Uyên")
COMMUNE_ROSTER = [
    ("chutich.tanuyen", "Lò Văn Thanh", "Chủ tịch UBND xã", RosterRole.CHAIR, "Chủ tịch", 10),
    ("pct.tanuyen", "Tẩn Thị Mây", "Phó Chủ tịch UBND xã", RosterRole.MEMBER, "Phó Chủ tịch", 20),
    ("pct2.tanuyen", "Đèo Văn Hải", "Phó Chủ tịch UBND xã", RosterRole.MEMBER, "Phó Chủ tịch", 20),
    ("ca.tanuyen", "Giàng A Pao", "Trưởng Công an xã", RosterRole.MEMBER, "Ủy viên", 100),
    ("qs.tanuyen", "Vàng Văn Dũng", "Chỉ huy trưởng Ban Chỉ huy Quân sự xã", RosterRole.MEMBER, "Ủy viên", 100),
    ("kt.tanuyen", "Hoàng Thị Đào", "Trưởng phòng Kinh tế xã", RosterRole.MEMBER, "Ủy viên", 100),
]
COMMUNE_SECRETARY = ("vp.tanuyen", "Lù Thị Hương", "Chuyên viên Văn phòng HĐND và UBND xã")
ADMIN = ("quantri", "Trần Quang Khải", "Quản trị hệ thống", "Trung tâm Tin học – Công báo")



def agenda(session_day):
    """The province's session: (agenda item, presenting unit, minutes, its documents: [(key of
    ecabinet.demo_documents, kind, confidential)]), dated by the session's day."""
    cal = Calendar(session_day)
    m, y = cal.report_month, cal.report_year
    return [
        (f"Báo cáo tình hình kinh tế – xã hội tháng {m} và nhiệm vụ trọng tâm tháng {cal.month}",
         "Sở Tài chính", 30, [("socio_economic_report", "report", False)]),
        (f"Tờ trình về kế hoạch đầu tư công trung hạn giai đoạn 2026–2030 và dự kiến năm {cal.plan_year}",
         "Sở Tài chính", 40, [("investment_submission", "submission", False)]),
        ("Dự thảo Nghị quyết quy định giá dịch vụ khám bệnh, chữa bệnh tại cơ sở y tế công lập",
         "Sở Y tế", 25, [("health_prices_draft", "draft", False)]),
        ("Tờ trình phê duyệt điều chỉnh quy hoạch chung đô thị trung tâm tỉnh",
         "Sở Xây dựng", 30, [("urban_plan_submission", "submission", True)]),
        (f"Báo cáo kết quả giải ngân vốn đầu tư công {m} tháng năm {y}", "Sở Tài chính", 20,
         [("disbursement_report", "report", False)]),
        ("Dự thảo Quyết định ban hành Quy chế làm việc của UBND tỉnh nhiệm kỳ 2026–2031", "Sở Nội vụ", 25,
         [("working_rules_decision", "draft", False), ("working_rules", "draft", False)]),
    ]


def commune_agenda(session_day):
    """The commune's session, in the same shape as agenda()."""
    cal = Calendar(session_day)
    return [
        (f"Báo cáo tình hình thu ngân sách xã {cal.report_month} tháng năm {cal.report_year}", "Phòng Kinh tế", 30,
         [("commune_budget_report", "report", False)]),
        (f"Kế hoạch trồng rừng và bảo vệ rừng năm {cal.plan_year}", "Phòng Kinh tế", 30,
         [("commune_forest_plan", "other", False)]),
    ]


def _next_weekday_morning(now):
    day = now.astimezone(LOCAL_TZ).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(8, 0), LOCAL_TZ)


def _user(username, full_name, title, unit_name, **flags):
    user = accounts.find_user(username)
    if user is None:
        user = accounts.create_user(username, full_name, DEMO_PASSWORD, title=title,
                                    unit=accounts.get_or_create_unit(unit_name), **flags)
    return user


def _add_documents(meeting, items, secretary):
    """Each agenda item's documents (ecabinet.demo_documents, Decree 30 layout), through the same checks
    as an upload (validated in a child process, stored by content hash); how many were added."""
    import io

    from ecabinet.demo_documents import document_pdf, document_title
    from ecabinet.documents import operations as documents
    from ecabinet.documents.models import Classification

    session_day = meeting.starts_at.astimezone(LOCAL_TZ).date()
    added = 0
    for item, (_title, _unit, _minutes, papers) in zip(meeting.agenda_items, items):
        for key, kind, confidential in papers:
            data = document_pdf(key, session_day)
            prepared = documents.prepare_file(documents.receive_upload(io.BytesIO(data), f"{key.replace('_', '-')}.pdf"))
            documents.add_document(meeting, prepared, actor=secretary, title=document_title(key, session_day),
                                   kind=kind, agenda_item=item,
                                   classification=Classification.CONFIDENTIAL if confidential else Classification.NORMAL)
            added += 1
    return added


def _demo_session():
    return db.session.execute(select(Meeting).where(Meeting.title.like(f"{SESSION_TITLE}%"))
                              .order_by(Meeting.id)).scalars().first()


def reset_demo():
    """Delete the demo's data so that seed_demo loads it afresh after a session was run, ended or
    archived: every row of every table (the schema and its migration version stay) and every stored
    document file. Nothing else: not the virtual environment, not the instance folder's secret key,
    not the signing CA under the storage folder's pki/. Refused in production. Returns
    {"rows": rows deleted, "files": stored files deleted, "tables": tables emptied}."""
    from flask import current_app

    from ecabinet.core.errors import NotAllowed
    from ecabinet.documents.storage import get_storage

    if current_app.config.get("PRODUCTION"):
        raise NotAllowed("seed-demo --reset deletes every session, document and account: it is refused "
                         "when ECABINET_ENV=production.", code="reset_refused")
    tables = list(reversed(db.metadata.sorted_tables))   # children before the rows they refer to
    rows = sum(db.session.execute(select(func.count()).select_from(table)).scalar() for table in tables)
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # One statement: no foreign-key order to get right, and ids start at 1 again.
        names = ", ".join(connection.dialect.identifier_preparer.quote(table.name) for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
        if db.session.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
            db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()
    files = get_storage().clear()
    return {"rows": rows, "files": files, "tables": len(tables)}


def seed_demo():
    """Load the demo province once (nothing changes when it is there already). Returns what to tell the
    operator: {"created", "summary" (lines), "notes" (lines), "password", "accounts"}."""
    from ecabinet.demo_documents import fonts_available

    chair_login = COMMITTEE[0][0]
    report = {"created": False, "summary": [], "notes": []}
    existing = _demo_session()
    if existing is not None:
        report["summary"].append("The demo is already loaded: nothing was changed.")
        if existing.status not in (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED):
            report["notes"].append(f"Its session \"{existing.title}\" is {existing.status.value} now; "
                                   "`ecabinet seed-demo --reset` deletes the demo's data and loads it afresh.")
    else:
        with_documents = fonts_available()
        counts = _create_demo(with_documents)
        db.session.commit()
        report["created"] = True
        report["summary"].append(
            "Loaded the demo: {bodies} bodies (the province and the commune of Tân Uyên), {accounts} accounts, "
            "{sessions} sessions (the province's next regular session and a past one, the commune's), "
            "{documents} documents.".format(**counts))
        if not with_documents:
            report["notes"].append("No documents were added: the serif font of official documents is missing "
                                   "(sudo apt-get install fonts-liberation2, then `ecabinet seed-demo --reset`).")
    report.update({
        "password": DEMO_PASSWORD,
        "accounts": [
            (chair_login, "Chủ tọa (chair) — " + COMMITTEE[0][2]),
            (SECRETARY[0], "Thư ký, Văn phòng (secretariat)"),
            (COMMITTEE[4][0], f"Thành viên (member) — {COMMITTEE[4][2]}, {COMMITTEE[4][3]}"),
            (COMMITTEE[20][0], "Khách mời (guest)"),
            (ADMIN[0], "Quản trị (admin)"),
            (COMMUNE_SECRETARY[0], "Văn phòng UBND xã Tân Uyên (a commune's secretariat)"),
            (COMMUNE_ROSTER[0][0], "Chủ tịch UBND xã Tân Uyên (a commune's chair)"),
        ],
    })
    return report


def _create_demo(with_documents):
    province = bodies.default_body()
    bodies.update_body(province, name="Ủy ban nhân dân tỉnh Lai Châu", kind=BodyKind.PROVINCIAL,
                       short_name="UBND tỉnh", place_name="Lai Châu")
    _user(*ADMIN, is_admin=True)
    secretary = _user(*SECRETARY, is_secretariat=True)
    people = [(_user(u, n, t, unit), role) for u, n, t, unit, role in COMMITTEE]
    for user, role in people:
        if role != Role.GUEST:
            position, rank = POSITIONS.get(user.title, MEMBER_PLACE)
            bodies.set_roster_place(province, user, role=RosterRole.CHAIR if role == Role.CHAIR else RosterRole.MEMBER,
                                    position=position, rank=rank)
    starts_at = _next_weekday_morning(utcnow())
    items = agenda(starts_at.date())
    meeting = meetings.create_meeting(
        f"{SESSION_TITLE} tháng {starts_at.month}/{starts_at.year}", starts_at,
        ends_at=starts_at + timedelta(hours=4, minutes=30), location="Phòng họp số 1, trụ sở UBND tỉnh",
        kind=MeetingKind.REGULAR, actor=secretary,
        description="Đề nghị các đồng chí nghiên cứu trước tài liệu và mang theo máy tính bảng đã sạc đầy.")
    meetings.invite_participant(meeting, secretary, Role.SECRETARY, actor=secretary)
    for user, role in people:
        meetings.invite_participant(meeting, user, role, actor=secretary)
    for title, presenter, minutes, _papers in items:
        meetings.add_agenda_item(meeting, title, presenter=presenter, duration_minutes=minutes, actor=secretary)
    documents = _add_documents(meeting, items, secretary) if with_documents else 0
    meetings.change_status(meeting, MeetingStatus.PUBLISHED, actor=secretary)

    past = meetings.create_meeting(
        "Phiên họp chuyên đề về giải ngân vốn đầu tư công", starts_at - timedelta(days=21),
        location="Phòng họp số 2, trụ sở UBND tỉnh", kind=MeetingKind.THEMATIC, actor=secretary)
    meetings.invite_participant(past, secretary, Role.SECRETARY, actor=secretary)
    for user, role in people[:12]:
        meetings.invite_participant(past, user, role, actor=secretary)
    meetings.add_agenda_item(past, "Báo cáo tiến độ giải ngân các dự án trọng điểm", presenter="Sở Tài chính",
                             duration_minutes=45, actor=secretary)
    for status in (MeetingStatus.PUBLISHED, MeetingStatus.LIVE, MeetingStatus.ENDED):
        meetings.change_status(past, status, actor=secretary)
    commune_people, commune_documents = _seed_commune(starts_at, with_documents)
    return {"bodies": 2, "accounts": 2 + len(people) + commune_people, "sessions": 3,
            "documents": documents + commune_documents}


def _seed_commune(province_session_at, with_documents):
    """The commune's roster, its secretariat and its next regular session, the day after the province's;
    returns (accounts created, documents added)."""
    name, parent, place = COMMUNE
    commune = bodies.create_body(name, kind=BodyKind.COMMUNE, parent_name=parent, short_name="UBND xã",
                                 place_name=place)
    unit = f"UBND xã {place}"
    for username, full_name, title, role, position, rank in COMMUNE_ROSTER:
        bodies.set_roster_place(commune, _user(username, full_name, title, unit), role=role, position=position,
                                rank=rank)
    secretary = _user(*COMMUNE_SECRETARY, "Văn phòng HĐND và UBND xã Tân Uyên")
    bodies.set_roster_place(commune, secretary, role=RosterRole.SECRETARIAT, rank=1000)
    starts_at = province_session_at + timedelta(days=1)
    items = commune_agenda(starts_at.date())
    meeting = meetings.create_meeting(
        f"Phiên họp UBND xã Tân Uyên thường kỳ tháng {starts_at.month}/{starts_at.year}", starts_at,
        ends_at=starts_at + timedelta(hours=3), location="Hội trường UBND xã Tân Uyên", kind=MeetingKind.REGULAR,
        body=commune, actor=secretary)
    meetings.invite_participant(meeting, secretary, Role.SECRETARY, actor=secretary)
    meetings.invite_roster(meeting, actor=secretary)
    for title, presenter, minutes, _papers in items:
        meetings.add_agenda_item(meeting, title, presenter=presenter, duration_minutes=minutes, actor=secretary)
    documents = _add_documents(meeting, items, secretary) if with_documents else 0
    meetings.change_status(meeting, MeetingStatus.PUBLISHED, actor=secretary)
    return len(COMMUNE_ROSTER) + 1, documents
