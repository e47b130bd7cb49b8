"""Browser tests on a real `ecabinet run` process: nothing typed is lost, the error is next to its field and
in view, confirmations come after the rules, and error pages are ours. Screenshots at 1280×800 and 800×1280
(test-artifacts/screenshots/forms-*)."""
from datetime import timedelta

import pytest

from ecabinet.bodies import operations as bodies
from ecabinet.meetings.models import MeetingStatus
from ecabinet.polls import operations as polls
from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login
from tests.factories import PASSWORD, create_admin, create_meeting, create_secretariat, create_user

pytestmark = [pytest.mark.browser, pytest.mark.server]

# Enough items that the form to add one is below the fold, where the old page lost the error.
AGENDA = ["Báo cáo tình hình kinh tế – xã hội tháng 11", "Tờ trình về kế hoạch đầu tư công năm 2027",
          "Dự thảo Quy chế làm việc của UBND tỉnh", "Tờ trình về bảng giá đất giai đoạn 2025–2029",
          "Báo cáo công tác cải cách hành chính quý IV", "Tờ trình về chương trình mục tiêu quốc gia",
          "Báo cáo kết quả thu ngân sách nhà nước"]
SIZES = {"1280x800": TABLET_LANDSCAPE, "800x1280": TABLET_PORTRAIT}


def seed(live_server):
    with live_server.app.app_context():
        office = create_secretariat(username="thu.ky", full_name="Nguyễn Thị Minh Thư")
        create_admin(username="quan.tri", full_name="Lê Văn Quản Trị")
        member = create_user(username="thanh.vien", full_name="Trần Văn Thành")
        chair = create_user(full_name="Nguyễn Văn Hùng")
        meeting = create_meeting("Phiên họp UBND tỉnh thường kỳ tháng 12", status=MeetingStatus.PUBLISHED,
                                 actor=office, agenda=AGENDA, chair=chair, members=[member],
                                 starts_in=timedelta(days=21))
        empty = create_meeting("Phiên họp chuyên đề chưa có nội dung", actor=office, agenda=(),
                               starts_in=timedelta(days=30))
        body = bodies.default_body()
        bodies.set_roster_place(body, chair, role="chair", position="Chủ tịch", rank=1)
        bodies.set_roster_place(body, member, role="member", position="Ủy viên", rank=5)
        poll = polls.create_poll(body, title="Dự thảo Kế hoạch chuyển đổi số năm 2027",
                                 questions=["Tán thành dự thảo Kế hoạch?", "Tán thành phân công thực hiện?"], actor=office)
        polls.send_poll(poll, actor=office)
        from ecabinet.extensions import db

        db.session.commit()
        return {"meeting": meeting.id, "empty": empty.id, "poll": poll.id}


def in_view(page, locator):
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.parametrize("size", SIZES)
def test_a_refused_agenda_item_keeps_its_title_and_shows_why_next_to_the_field(live_server, new_page, size):
    ids = seed(live_server)
    base = live_server.url
    page = new_page(viewport=SIZES[size])
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    browser_login(page, base, "thu.ky", PASSWORD)
    page.goto(f"{base}/meetings/{ids['meeting']}")
    page.locator("summary", has_text="Thêm nội dung").click()
    page.fill("#item-title", "Tờ trình về dự toán ngân sách địa phương năm 2027")
    page.fill("#item-presenter", "Sở Tài chính")
    page.fill("#item-duration_minutes", "5000")
    with page.expect_navigation():
        page.locator("#item-title").press("Enter")
    page.wait_for_load_state("load")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'item-duration_minutes'")
    # Typed text kept, the error under its field, in view, the cursor in the field; no dialog.
    assert page.input_value("#item-title") == "Tờ trình về dự toán ngân sách địa phương năm 2027"
    assert page.input_value("#item-presenter") == "Sở Tài chính"
    assert page.input_value("#item-duration_minutes") == "5000"
    error = page.locator("#item-duration_minutes-error")
    assert error.inner_text() == "Số phải nằm trong khoảng từ 1 đến 1440."
    assert in_view(page, error) and in_view(page, page.locator("#item-duration_minutes"))
    assert page.get_attribute("#item-duration_minutes", "aria-invalid") == "true"
    assert focused_id(page) == "item-duration_minutes"
    assert dialogs == []
    page.screenshot(path=str(_shot(f"forms-agenda-refused-{size}")))
    # Corrected, it is added and the title is not typed twice.
    page.fill("#item-duration_minutes", "45")
    with page.expect_navigation():
        page.locator("#item-duration_minutes").press("Enter")
    assert "Tờ trình về dự toán ngân sách địa phương năm 2027" in page.locator(".agenda-item__title").all_inner_texts()
    assert page.locator(".field__error").count() == 0


def _shot(name):
    from tests.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


@pytest.mark.parametrize("size", SIZES)
def test_a_refused_user_keeps_what_the_administrator_typed(live_server, new_page, size):
    seed(live_server)
    base = live_server.url
    page = new_page(viewport=SIZES[size])
    browser_login(page, base, "quan.tri", PASSWORD)
    # In English this time: the errors follow the language of the interface.
    with page.expect_navigation():
        page.get_by_role("button", name="EN").first.click()
    page.goto(f"{base}/admin/users/new")
    page.fill("#username", "tran.bich.ngoc")
    page.fill("#full_name", "Trần Thị Bích Ngọc")
    page.fill("#title", "Chuyên viên chính")
    page.fill("#email", "tran.bich.ngoc@")
    page.fill("#phone", "0912 345 678")
    page.fill("#password", "short")
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").first.click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'email'")
    assert page.input_value("#full_name") == "Trần Thị Bích Ngọc"
    assert page.input_value("#email") == "tran.bich.ngoc@"
    assert page.input_value("#phone") == "0912 345 678"
    assert page.locator("#email-error").inner_text() == "Invalid email address."
    assert page.locator("#password-error").inner_text() == "Field must be at least 8 characters long."
    assert in_view(page, page.locator("#email-error"))
    page.screenshot(path=str(_shot(f"forms-user-refused-en-{size}")))


@pytest.mark.parametrize("size", SIZES)
def test_a_poll_answer_is_checked_before_it_is_confirmed(live_server, new_page, size):
    ids = seed(live_server)
    base = live_server.url
    page = new_page(viewport=SIZES[size])
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    browser_login(page, base, "thanh.vien", PASSWORD)
    page.goto(f"{base}/polls/{ids['poll']}")
    page.locator("textarea").first.fill("Đề nghị bổ sung số liệu năm 2026")
    page.get_by_role("button", name="Gửi ý kiến", exact=True).click()
    box = page.locator("[data-form-error]")
    box.wait_for(state="visible")
    assert box.inner_text() == "Hãy chọn ý kiến cho ít nhất một câu hỏi."
    assert dialogs == []  # nothing was asked for answers the server would refuse
    assert in_view(page, box)
    assert page.locator("textarea").first.input_value() == "Đề nghị bổ sung số liệu năm 2026"
    page.screenshot(path=str(_shot(f"forms-poll-unanswered-{size}")))
    # The server says the same, and keeps the comment, for a browser without the script's check.
    page.evaluate("document.querySelector('form[data-require-checked]').removeAttribute('data-require-checked')")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi ý kiến", exact=True).click()
    assert len(dialogs) == 1
    assert page.locator(".form-errors").inner_text() == "Hãy chọn ý kiến cho ít nhất một câu hỏi."
    assert page.locator("textarea").first.input_value() == "Đề nghị bổ sung số liệu năm 2026"
    # With a choice, it asks, then records.
    page.locator(".poll-choice").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi ý kiến", exact=True).click()
    assert len(dialogs) == 2 and dialogs[1].startswith("Gửi ý kiến?")
    assert page.locator(".flash--success").count() == 1


@pytest.mark.parametrize("size", SIZES)
def test_publishing_an_empty_session_says_why_before_asking(live_server, new_page, size):
    ids = seed(live_server)
    base = live_server.url
    page = new_page(viewport=SIZES[size])
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    browser_login(page, base, "thu.ky", PASSWORD)
    page.goto(f"{base}/meetings/{ids['empty']}")
    button = page.get_by_role("button", name="Công bố")
    assert button.is_disabled()
    assert page.locator("#publish-refused").inner_text() == "Cần có ít nhất một nội dung trong chương trình họp trước khi công bố."
    page.screenshot(path=str(_shot(f"forms-publish-refused-{size}")))
    assert dialogs == []


@pytest.mark.parametrize("size", SIZES)
def test_error_pages_are_ours(live_server, new_page, size):
    ids = seed(live_server)
    base = live_server.url
    page = new_page(viewport=SIZES[size])
    browser_login(page, base, "thanh.vien", PASSWORD)
    response = page.goto(f"{base}/meetings/{ids['meeting']}/documents/999999/read")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Tài liệu không tồn tại hoặc bạn không được xem."
    page.screenshot(path=str(_shot(f"forms-error-404-{size}")))
    with page.expect_navigation():
        page.get_by_role("link", name="Quay lại phiên họp").click()
    assert page.url.endswith(f"/meetings/{ids['meeting']}")
    response = page.goto(f"{base}/admin/users")
    assert response.status == 403
    page.screenshot(path=str(_shot(f"forms-error-403-{size}")))


@pytest.mark.parametrize("size", SIZES)
def test_an_expired_form_shows_what_was_typed_and_the_file_picker_speaks_the_page_language(live_server, new_page,
                                                                                          size, tmp_path):
    ids = seed(live_server)
    base = live_server.url
    page = new_page(viewport=SIZES[size])
    browser_login(page, base, "thu.ky", PASSWORD)
    page.goto(f"{base}/meetings/{ids['meeting']}")
    page.locator("summary", has_text="Thêm nội dung").click()
    page.fill("#item-title", "Báo cáo tình hình giải ngân vốn đầu tư công")
    page.evaluate("document.querySelectorAll('input[name$=csrf_token]').forEach((i) => { i.value = 'het-han'; })")
    with page.expect_navigation():
        page.locator("#item-title").press("Enter")
    assert page.locator("h1").inner_text() == "Biểu mẫu đã hết hạn."
    assert page.locator(".kept-text").input_value() == "Báo cáo tình hình giải ngân vốn đầu tư công"
    page.screenshot(path=str(_shot(f"forms-error-csrf-{size}")), full_page=True)
    # Back to the form by the browser's own back.
    page.get_by_role("link", name="Quay lại trang trước").click()
    page.wait_for_url(f"{base}/meetings/{ids['meeting']}")

    # The file picker of a poll's attachments: our words, then the chosen file's name.
    with live_server.app.app_context():
        from ecabinet.accounts.models import User
        from ecabinet.extensions import db

        office = db.session.execute(db.select(User).filter_by(username="thu.ky")).scalar_one()
        draft = polls.create_poll(bodies.default_body(), title="Dự thảo Quy chế phối hợp",
                                  questions=["Tán thành?"], actor=office)
        db.session.commit()
        draft_id = draft.id
    page.goto(f"{base}/polls/{draft_id}/edit")
    picker = page.locator(".file-picker").first
    assert "Chọn tệp" in picker.inner_text() and "Chưa chọn tệp nào" in picker.inner_text()
    pdf = tmp_path / "du-thao-quy-che.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_input_files("#file", str(pdf))
    assert picker.locator(".file-picker__name").inner_text() == "du-thao-quy-che.pdf"
    page.screenshot(path=str(_shot(f"forms-file-picker-{size}")), full_page=True)
