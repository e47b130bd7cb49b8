"""Every form of the product, sent with bad input in Vietnamese and in English: the page comes back with
what was typed, the errors next to the fields, and not one string of the other language.

The cases cover every form class (tests/core/test_forms.product_forms); a new form without a case fails
test_every_form_has_a_case."""
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from ecabinet.bodies import groups as body_groups
from ecabinet.bodies import operations as bodies
from ecabinet.extensions import db
from ecabinet.meetings.models import MeetingStatus
from ecabinet.minutes import operations as minutes
from ecabinet.polls import operations as polls
from tests.conftest import csrf_token
from tests.core.test_forms import product_forms
from tests.factories import create_admin, create_document, create_meeting, create_user
from tests.minutes.scene import build_session
from tests.test_i18n import I18N


@dataclass
class Case:
    name: str
    forms: tuple          # the form classes (by name) the case sends
    role: str
    url: str              # where the form is posted ({meeting}, {item} ... from the scene's ids)
    data: dict            # bad input: each case must be refused
    kept: tuple = ()      # what was typed and must come back in the page
    errors: dict = field(default_factory=dict)  # {"vi": message, "en": message} expected on the page
    follow: bool = False  # the form answers with a redirect to the page that shows the error


REQUIRED = {"vi": "Trường này là bắt buộc.", "en": "This field is required."}
NOT_A_CHOICE = {"vi": "Lựa chọn không hợp lệ.", "en": "Not a valid choice."}

CASES = [
    Case("login", ("LoginForm",), "anonymous", "/login", {"username": "nguyen.van.an", "password": ""},
         kept=("nguyen.van.an",), errors=REQUIRED),
    Case("login, wrong password", ("LoginForm",), "anonymous", "/login",
         {"username": "nguyen.van.an", "password": "sai-mat-khau"}, kept=("nguyen.van.an",),
         errors={"vi": "Sai tên đăng nhập hoặc mật khẩu.", "en": "Wrong username or password."}),
    Case("own password", ("ChangePasswordForm",), "member", "/account/password",
         {"current_password": "", "new_password": "ngan", "confirm": "khac"},
         errors={"vi": "Cần nhập ít nhất 8 ký tự.", "en": "Field must be at least 8 characters long."}),
    Case("new user", ("UserForm",), "admin", "/admin/users/new",
         {"username": "tran.bich.ngoc", "full_name": "Trần Thị Bích Ngọc", "title": "Chuyên viên chính Sở Nội vụ",
          "unit_id": "0", "email": "khong-phai-thu", "phone": "0912 345 678", "password": "ngan"},
         kept=("tran.bich.ngoc", "Trần Thị Bích Ngọc", "Chuyên viên chính Sở Nội vụ", "0912 345 678", "khong-phai-thu"),
         errors={"vi": "Địa chỉ thư điện tử không hợp lệ.", "en": "Invalid email address."}),
    Case("edit user", ("UserForm",), "admin", "/admin/users/{member}",
         {"full_name": "", "title": "Phó Giám đốc Sở Tài chính", "unit_id": "999999", "email": "", "phone": "",
          "password": ""}, kept=("Phó Giám đốc Sở Tài chính",), errors=REQUIRED),
    Case("unit", ("UnitForm",), "admin", "/admin/units/new", {"name": "", "short_name": "S" * 60},
         kept=("S" * 60,), errors={"vi": "Không được dài quá 50 ký tự.", "en": "Field cannot be longer than 50 characters."}),
    Case("body and its rules", ("BodyForm", "RulesForm"), "admin", "/admin/bodies/new",
         {"name": "Ủy ban nhân dân xã Mường Kim", "kind": "commune", "parent_name": "UBND TỈNH LAI CHÂU",
          "short_name": "", "place_name": "Mường Kim", "rules-quorum_numerator": "0",
          "rules-quorum_denominator": "ba", "rules-decision_rule": "majority_of_members", "rules-tie": "fails",
          "rules-poll_days": "99", "rules-poll_silence_counts_as": "none", "rules-lead_days_regular": "3",
          "rules-lead_days_special": "1", "rules-legal_basis": "Quy chế làm việc ban hành kèm Quyết định số 12"},
         kept=("Ủy ban nhân dân xã Mường Kim", "UBND TỈNH LAI CHÂU", "Quy chế làm việc ban hành kèm Quyết định số 12"),
         errors={"vi": "Số phải nằm trong khoảng từ 0 đến 60.", "en": "Number must be between 0 and 60."}),
    Case("roster place", ("RosterForm",), "admin", "/admin/bodies/{body}/roster",
         {"roster-user_id": "{newcomer}", "roster-role": "member", "roster-position": "Phó Giám đốc Sở Xây dựng",
          "roster-rank": "-5"}, kept=("Phó Giám đốc Sở Xây dựng",),
         errors={"vi": "Số phải nằm trong khoảng từ 0 đến 10000.", "en": "Number must be between 0 and 10000."}),
    Case("calendar day", ("CalendarDayForm",), "admin", "/admin/calendar",
         {"day": "ngày mai", "working": "0", "note": "Nghỉ bù dịp Quốc khánh"}, kept=("Nghỉ bù dịp Quốc khánh",)),
    Case("new group", ("GroupForm",), "secretariat", "/bodies/{body}/groups",
         {"name": "N" * 250, "user_ids": ["999999"]}, kept=("N" * 250,),
         errors={"vi": "Không được dài quá 200 ký tự.", "en": "Field cannot be longer than 200 characters."}),
    Case("edit group", ("GroupForm",), "secretariat", "/bodies/{body}/groups/{group}",
         {"name": "", "user_ids": ["{member}"]}, errors=REQUIRED),
    Case("new session", ("MeetingForm",), "secretariat", "/meetings/new",
         {"body_id": "{body}", "title": "Phiên họp chuyên đề về đầu tư công", "kind": "special", "format": "in_person",
          "starts_at": "không phải ngày", "ends_at": "", "location": "Hội trường tầng 3",
          "description": "Đề nghị mang theo tài liệu đã gửi", "confidentiality": "normal"},
         kept=("Phiên họp chuyên đề về đầu tư công", "Hội trường tầng 3", "Đề nghị mang theo tài liệu đã gửi")),
    Case("edit session", ("MeetingForm",), "secretariat", "/meetings/{meeting}/edit",
         {"title": "", "kind": "regular", "format": "in_person", "starts_at": "2030-03-04T08:00", "ends_at": "",
          "location": "Phòng họp số 2 nhà B", "description": "", "confidentiality": "normal"},
         kept=("Phòng họp số 2 nhà B",), errors=REQUIRED),
    Case("new agenda item", ("AgendaItemForm",), "secretariat", "/meetings/{meeting}/agenda",
         {"item-title": "Tờ trình về dự toán ngân sách năm 2027", "item-presenter": "Sở Tài chính",
          "item-duration_minutes": "5000"}, kept=("Tờ trình về dự toán ngân sách năm 2027", "Sở Tài chính", "5000"),
         errors={"vi": "Số phải nằm trong khoảng từ 1 đến 1440.", "en": "Number must be between 1 and 1440."}),
    Case("edit agenda item", ("AgendaItemForm",), "secretariat", "/meetings/{meeting}/agenda/{item}",
         {"title": "", "presenter": "Sở Nội vụ tỉnh", "duration_minutes": "0",
          "description": "Báo cáo kết quả sắp xếp bộ máy"}, kept=("Sở Nội vụ tỉnh", "Báo cáo kết quả sắp xếp bộ máy"),
         errors=REQUIRED),
    Case("invite a participant", ("ParticipantForm",), "secretariat", "/meetings/{meeting}/participants",
         {"invite-user_id": "999999", "invite-role": "member", "invite-delegate_for_id": "0"}, errors=NOT_A_CHOICE),
    Case("change a role", ("ParticipantRoleForm",), "secretariat", "/meetings/{meeting}/participants/{participant}",
         {"role": "nobody"}, follow=True),
    Case("edit a document", ("DocumentForm",), "secretariat", "/meetings/{meeting}/documents/{document}/edit",
         {"title": "T" * 600, "kind": "report", "agenda_item_id": "999999", "classification": "normal"},
         kept=("T" * 600,), errors={"vi": "Không được dài quá 500 ký tự.", "en": "Field cannot be longer than 500 characters."}),
    Case("replace a document", ("ReplaceForm",), "secretariat", "/meetings/{meeting}/documents/{document}/replace",
         {"replace-note": "Sửa theo góp ý của Sở Tư pháp"}, kept=("Sửa theo góp ý của Sở Tư pháp",),
         errors={"vi": "Hãy chọn tệp PDF mới.", "en": "Choose the new PDF file."}),
    Case("new poll", ("PollForm",), "secretariat", "/bodies/{body}/polls/new",
         {"title": "Lấy ý kiến về Kế hoạch cải cách hành chính", "description": "Đề nghị các đồng chí cho ý kiến",
          "questions": "", "deadline": "thứ Sáu", "silence_counts_as": ""},
         kept=("Lấy ý kiến về Kế hoạch cải cách hành chính", "Đề nghị các đồng chí cho ý kiến"), errors=REQUIRED),
    Case("edit poll", ("PollForm",), "secretariat", "/polls/{draft_poll}/edit",
         {"title": "", "description": "Giải thích bổ sung cho thành viên", "questions": "Tán thành dự thảo?",
          "deadline": "", "silence_counts_as": "maybe"}, kept=("Giải thích bổ sung cho thành viên", "Tán thành dự thảo?"),
         errors=REQUIRED),
    Case("attach to a poll", ("PollDocumentForm",), "secretariat", "/polls/{draft_poll}/documents/upload",
         {"title": "Dự thảo Kế hoạch kèm theo"}, kept=("Dự thảo Kế hoạch kèm theo",), errors=REQUIRED),
    Case("answer a poll", (), "member", "/polls/{open_poll}/answer",
         {"comment-{question}": "Đề nghị bổ sung số liệu năm 2026"}, kept=("Đề nghị bổ sung số liệu năm 2026",),
         errors={"vi": "Hãy chọn ý kiến cho ít nhất một câu hỏi.", "en": "Choose an answer for at least one question."}),
    Case("comment on the minutes", (), "chair", "/meetings/{ended}/minutes/comments", {"text": "Ý " * 3000},
         kept=("Ý " * 100,)),
    Case("verify a signature", ("VerifyForm",), "member", "/verification", {}, errors=REQUIRED),
    Case("issue a certificate", ("IssueForm",), "admin", "/admin/certificates/issue",
         {"issue-user_id": "{member}", "issue-pin": "123", "issue-password": ""},
         errors={"vi": "Độ dài phải từ 6 đến 128 ký tự.", "en": "Field must be between 6 and 128 characters long."}),
    Case("trust a root", ("TrustRootForm",), "admin", "/admin/trust-roots", {}, errors=REQUIRED),
]

# Forms with no field to get wrong: only the token (a POST button).
NO_FIELDS = {"ConfirmForm"}


def test_every_form_has_a_case():
    covered = {name for case in CASES for name in case.forms} | NO_FIELDS
    missing = sorted({cls.__name__ for cls in product_forms()} - covered)
    assert not missing, f"add a case for {missing}"


# -- the scene ---------------------------------------------------------------------------------------


@pytest.fixture
def scene(app):
    session = build_session()  # an ended session with its chair and minutes
    minutes.save_revision(session.meeting, {"summary": "Biên bản phiên họp"}, base_revision=0, actor=session.secretary)
    office = session.office
    admin = create_admin(full_name="Quản Trị Hệ Thống")
    member = create_user(full_name="Phạm Văn Thành Viên")
    chair = create_user(full_name="Hoàng Văn Chủ Tịch")
    newcomer = create_user(full_name="Lý Thị Mới Đến")
    meeting = create_meeting("Phiên họp UBND tỉnh tháng 12", actor=office, chair=chair, members=[member],
                             status=MeetingStatus.PUBLISHED)
    document = create_document(meeting, actor=office, title="Báo cáo số 88/BC-UBND")
    body = bodies.default_body()
    bodies.set_roster_place(body, chair, role="chair", position="Chủ tịch", rank=1)
    bodies.set_roster_place(body, member, role="member", position="Ủy viên", rank=5)
    group = body_groups.create_group(body, "Lãnh đạo UBND tỉnh", [chair, member], actor=office)
    draft = polls.create_poll(body, title="Dự thảo Quyết định về cải cách hành chính",
                              questions=["Tán thành dự thảo?"], actor=office)
    opened = polls.create_poll(body, title="Dự thảo Kế hoạch chuyển đổi số",
                               questions=["Tán thành kế hoạch?"], actor=office)
    polls.send_poll(opened, actor=office)
    db.session.commit()
    users = dict(admin=admin, secretariat=office, member=member, chair=session.chair)
    ids = dict(meeting=meeting.id, item=meeting.agenda_items[0].id, participant=meeting.participant_for(member).id,
               document=document.id, body=body.id, group=group.id, member=member.id, newcomer=newcomer.id,
               draft_poll=draft.id, open_poll=opened.id, question=opened.questions[0].id, ended=session.meeting.id)
    # Every name the scene holds is data, not a string of the interface: the language checks skip it.
    data = {u.full_name for u in db.session.query(type(admin)).all()} | {
        body.name, meeting.title, document.title, "Biên bản phiên họp"}
    return SimpleNamespace(users=users, ids=ids, data=data)


# -- the language checks -----------------------------------------------------------------------------

PLACEHOLDERS = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


def _chunks(text):
    """The literal parts of a catalog string long enough to say something of their language."""
    return [c.strip() for c in PLACEHOLDERS.split(text) if len(c.strip()) >= 12 and " " in c.strip()]


VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảãàáậầấẩẫắằặẳẵềếệểễồốộổỗờớợởỡừứựửữìíịỉĩòóọỏõùúụủũỳýỵỷỹ]", re.I)


def _catalog_strings():
    english, vietnamese = set(), set()
    for domain in I18N.domains():
        for message in I18N.load(domain, "vi"):
            if not message.id or not message.string:
                continue
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            strings = [message.string] if isinstance(message.string, str) else list(message.string)
            if set(ids) & set(strings):
                continue
            for source in ids:
                english.update(_chunks(source))
            for target in strings:
                vietnamese.update(c for c in _chunks(target) if not any(c in source for source in ids))
    return english - vietnamese, vietnamese - english


def _english_with_vietnamese_examples():
    """English strings that quote Vietnamese ("e.g. Ủy ban nhân dân xã Tân Uyên"): English as they are."""
    quoting = set()
    for domain in I18N.domains():
        for message in I18N.load(domain, "vi"):
            for source in [message.id] if isinstance(message.id, str) else list(message.id or ()):
                quoting.update(c.strip() for c in PLACEHOLDERS.split(source or "")
                               if VIETNAMESE_LETTERS.search(c))
    return sorted(quoting, key=len, reverse=True)


ENGLISH, VIETNAMESE = _catalog_strings()
QUOTING = _english_with_vietnamese_examples()


def _readable(html):
    """What a user can meet in the page: its text, the words in attributes, the strings handed to scripts."""
    html = re.sub(r'<input[^>]*type="hidden"[^>]*>', " ", html)
    scripts = " ".join(re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, flags=re.S))
    attributes = " ".join(re.findall(r'(?:title|aria-label|placeholder|alt|data-confirm|data-require-checked)="([^"]*)"', html))
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    import html as html_lib

    return re.sub(r"\s+", " ", html_lib.unescape(" ".join([text, attributes, scripts])))


def assert_one_language(html, lang, data):
    text = _readable(html)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"\s+", " ", text)
    if lang == "en":
        for quote in QUOTING:
            text = text.replace(quote, " ")
    foreign = ENGLISH if lang == "vi" else VIETNAMESE
    found = sorted(chunk for chunk in foreign if chunk in text)
    assert not found, f"{lang} page shows: {found}"


def _fill(value, ids):
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value.format(**ids) if isinstance(value, str) and "{" in value else value


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_refused_form_keeps_what_was_typed_in_the_users_language(app, login, scene, case, lang):
    user = scene.users.get(case.role)
    client = login(user) if user else app.test_client()
    with client.session_transaction() as session:
        session["lang"] = lang
    data = {_fill(k, scene.ids): _fill(v, scene.ids) for k, v in case.data.items()}
    data["csrf_token"] = csrf_token(client, "/account/password" if user else "/login")
    files = {"ReplaceForm", "PollDocumentForm", "VerifyForm", "TrustRootForm", "IssueForm"} & set(case.forms)
    response = client.post(_fill(case.url, scene.ids), data=data, follow_redirects=case.follow,
                           content_type="multipart/form-data" if files else None)  # as the browser sends them
    assert response.status_code in (200, 400, 401, 409, 413, 415, 422), response.status_code
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    # The reason is on the page, next to the field (or at the top of its form), not in a lost flash.
    assert re.search(r'class="(field__error|form-errors|flash flash--error)"', html), "no error shown"
    assert not re.search(r'class="form-errors"[^>]*hidden', html) or "field__error" in html
    if case.errors:
        assert case.errors[lang] in html, case.errors[lang]
    for typed in case.kept:
        assert typed in html, f"{typed!r} was lost"
    assert_one_language(html, lang, scene.data | {str(v) for v in data.values() if isinstance(v, str)})


def test_the_language_switch_of_a_refused_form_comes_back_to_the_page_of_the_form(login, scene):
    """A refused form is drawn at the form's own address, which takes no GET: switching the language
    there leads back to the page the form was on, not to a 405."""
    client = login(scene.users["secretariat"])
    meeting = scene.ids["meeting"]
    token = csrf_token(client, f"/meetings/{meeting}")
    refused = client.post(f"/meetings/{meeting}/agenda", data={"csrf_token": token, "item-title": ""},
                          headers={"Referer": f"http://localhost/meetings/{meeting}"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert f'name="next" value="/meetings/{meeting}"' in html
    switched = client.post("/language/en", data={"csrf_token": token, "next": f"/meetings/{meeting}"})
    assert switched.headers["Location"].endswith(f"/meetings/{meeting}")


def test_answers_refused_because_the_poll_closed_meanwhile_say_so_and_keep_the_comment(login, scene):
    poll_id, question = scene.ids["open_poll"], scene.ids["question"]
    client = login(scene.users["member"])
    token = csrf_token(client, f"/polls/{poll_id}")
    from ecabinet.polls.models import Poll

    polls.close_poll(db.session.get(Poll, poll_id), actor=scene.users["secretariat"])
    db.session.commit()
    refused = client.post(f"/polls/{poll_id}/answer", data={"csrf_token": token, f"choice-{question}": "yes",
                                                            f"comment-{question}": "Tôi tán thành, đề nghị bổ sung kinh phí"})
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "Tôi tán thành, đề nghị bổ sung kinh phí" in html and 'class="form-errors' in html


# -- every page, not only the refused forms --------------------------------------------------------

PAGES = [
    ("/login", "anonymous"), ("/offline", "anonymous"), ("/live/display/{meeting}", "anonymous"),
    ("/account/password", "member"), ("/meetings", "member"), ("/meetings", "secretariat"),
    ("/meetings/{meeting}", "member"), ("/meetings/{meeting}", "secretariat"), ("/meetings/new", "secretariat"),
    ("/meetings/{meeting}/edit", "secretariat"), ("/meetings/{meeting}/agenda/{item}", "secretariat"),
    ("/meetings/{meeting}/documents/upload", "secretariat"), ("/meetings/{meeting}/documents/{document}/edit", "secretariat"),
    ("/meetings/{meeting}/documents/{document}/read", "member"), ("/meetings/{meeting}/live", "member"),
    ("/meetings/{meeting}/live/console", "secretariat"), ("/meetings/{ended}", "secretariat"),
    ("/meetings/{ended}/minutes", "secretariat"), ("/meetings/{ended}/minutes", "chair"),
    ("/meetings/{ended}/notice", "secretariat"),
    ("/polls", "member"), ("/polls/{open_poll}", "member"), ("/polls/{open_poll}", "secretariat"),
    ("/polls/{draft_poll}/edit", "secretariat"), ("/bodies/{body}/polls/new", "secretariat"),
    ("/bodies/{body}/groups", "secretariat"), ("/bodies/{body}/groups/{group}", "secretariat"),
    ("/verification", "member"), ("/admin/users", "admin"), ("/admin/users/new", "admin"),
    ("/admin/users/{member}", "admin"), ("/admin/units", "admin"), ("/admin/units/new", "admin"),
    ("/admin/units/{unit}", "admin"), ("/admin/bodies", "admin"), ("/admin/bodies/new", "admin"),
    ("/admin/bodies/{body}", "admin"), ("/admin/calendar", "admin"), ("/admin/certificates", "admin"),
]
# Routes that answer files (or the service worker's JSON messages), not pages.
FILES = {"documents.book", "documents.document_file", "documents.version_file", "documents.service_worker",
         "documents.legacy_service_worker", "live.display_document", "signing.ca_certificate", "signing.crl",
         "meetings.index", "documents.offline_messages"}


def test_every_page_has_a_row(app):
    listed = set()
    adapter = app.url_map.bind("localhost")
    for url, _role in PAGES:
        listed.add(adapter.match(re.sub(r"\{\w+\}", "1", url), method="GET")[0])
    pages = {rule.endpoint for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.rule.startswith(("/api/", "/static"))}
    assert not pages - listed - FILES, sorted(pages - listed - FILES)


def _stored_text():
    """Every text the database holds (names, titles, notes, minutes): data, in whatever language it was typed."""
    import json

    import sqlalchemy as sa

    found = set()

    def leaves(value):
        if isinstance(value, str):
            if value.startswith(("{", "[")):
                try:
                    yield from leaves(json.loads(value))
                    return
                except ValueError:
                    pass
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from leaves(item)
        elif isinstance(value, list):
            for item in value:
                yield from leaves(item)

    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for value in row:
                found.update(text.strip() for text in leaves(value) if isinstance(text, str) and len(text.strip()) > 2)
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_speaks_one_language(app, login, scene, lang):
    from ecabinet.accounts import operations as accounts

    unit = accounts.get_or_create_unit("Sở Kế hoạch và Đầu tư")
    db.session.commit()
    ids = {**scene.ids, "unit": unit.id}
    data = scene.data | _stored_text()
    for url, role in PAGES:
        user = scene.users.get(role)
        client = login(user) if user else app.test_client()
        with client.session_transaction() as session:
            session["lang"] = lang
        response = client.get(url.format(**ids))
        assert response.status_code == 200, (url, role, response.status_code)
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}"' in html, url
        try:
            assert_one_language(html, lang, data)
        except AssertionError as error:
            raise AssertionError(f"{url} as {role}: {error}") from None
