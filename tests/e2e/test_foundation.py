"""Browser tests on a real `ecabinet run` process: login, preparing and publishing a session,
a member finding it on "Phiên họp của tôi". Screenshots of every accounts/meetings page at
1280×800 and 800×1280 go to test-artifacts/screenshots/."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.factories import PASSWORD, create_admin, create_meeting, create_secretariat, create_user

pytestmark = [pytest.mark.browser, pytest.mark.server]


def shoot(page, name):
    """Both tablet orientations of the current page."""
    page.set_viewport_size(TABLET_LANDSCAPE)
    screenshot(page, f"{name}-1280x800")
    page.set_viewport_size(TABLET_PORTRAIT)
    screenshot(page, f"{name}-800x1280")
    page.set_viewport_size(TABLET_LANDSCAPE)


def seed(live_server, build):
    with live_server.app.app_context():
        return build()


def test_login_with_a_wrong_password_then_the_right_one(live_server, new_page):
    seed(live_server, lambda: create_user("nguyen.hoa", "Nguyễn Thị Hoa"))
    page = new_page()
    page.goto(f"{live_server.url}/login")
    shoot(page, "login")
    page.fill("input[name=username]", "nguyen.hoa")
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("button[type=submit]:not([formaction])")
    page.get_by_text("Sai tên đăng nhập hoặc mật khẩu.").wait_for()
    shoot(page, "login-wrong-password")
    page.fill("input[name=username]", "nguyen.hoa")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not([formaction])")
    page.wait_for_url(f"{live_server.url}/meetings")
    assert page.get_by_role("heading", name="Phiên họp của tôi").is_visible()
    assert page.get_by_text("Nguyễn Thị Hoa").first.is_visible()


def test_the_secretariat_prepares_and_publishes_a_session_and_a_member_opens_it(live_server, new_page):
    def build():
        return {
            "secretariat": create_secretariat(username="thu.ky", full_name="Nguyễn Thị Minh Thư"),
            "chair": create_user("chu.tich", "Nguyễn Văn Hùng", title="Chủ tịch UBND tỉnh"),
            "member": create_user("gd.taichinh", "Hoàng Thị Lan", title="Giám đốc Sở Tài chính",
                                  unit="Sở Tài chính"),
        }

    seed(live_server, build)
    base = live_server.url
    page = new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    browser_login(page, base, "thu.ky", PASSWORD)

    page.get_by_role("link", name="Tạo phiên họp").click()
    page.wait_for_url(f"{base}/meetings/new")
    page.fill("input[name=title]", "Phiên họp UBND tỉnh thường kỳ tháng 12/2030")
    page.fill("input[name=starts_at]", "05/12/2030")
    page.fill("input[name=starts_at-time]", "08:00")
    page.fill("input[name=ends_at]", "05/12/2030")
    page.fill("input[name=ends_at-time]", "11:30")
    page.fill("input[name=location]", "Phòng họp số 1, trụ sở UBND tỉnh")
    shoot(page, "session-form")
    page.get_by_role("button", name="Tạo phiên họp").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    meeting_url = page.url

    agenda = [("Báo cáo tình hình kinh tế – xã hội tháng 11", "Sở Tài chính", "30"),
              ("Tờ trình về kế hoạch đầu tư công năm 2031", "Sở Tài chính", "40"),
              ("Dự thảo Quy chế làm việc của UBND tỉnh", "Sở Nội vụ", "25")]
    titles = page.locator(".agenda-item__title")
    for added, (title, presenter, minutes) in enumerate(agenda, start=1):
        form = page.locator("form[action$='/agenda']")
        if not form.is_visible():
            page.get_by_text("Thêm nội dung", exact=True).click()
        form.locator("input[name='item-title']").fill(title)
        form.locator("input[name='item-presenter']").fill(presenter)
        form.locator("input[name='item-duration_minutes']").fill(minutes)
        with page.expect_navigation():
            form.get_by_role("button", name="Thêm").click()
        # The previous page showed the same message: wait for the new item, not the text.
        expect(titles).to_have_count(added)
        expect(page.get_by_text("Đã thêm nội dung vào chương trình họp.")).to_be_visible()
    expect(titles).to_have_text([a[0] for a in agenda])

    # Move the last item up with its button.
    page.locator(".agenda-item").nth(2).locator(".agenda-item__tools summary.menu__button").click()
    with page.expect_navigation():
        page.locator(".agenda-item").nth(2).get_by_role("button", name="Chuyển lên").click()
    expect(titles).to_have_text([agenda[0][0], agenda[2][0], agenda[1][0]])

    for person, role in (("Nguyễn Văn Hùng", "chair"), ("Hoàng Thị Lan", "member")):
        form = page.locator("form[action$='/participants']")
        if not form.is_visible():
            page.get_by_text("Mời tham dự", exact=True).click()
        option = form.locator("select[name='invite-user_id'] option", has_text=person)
        form.locator("select[name='invite-user_id']").select_option(option.get_attribute("value"))
        form.locator("select[name='invite-role']").select_option(role)
        form.get_by_role("button", name="Mời").click()
        page.get_by_text(f"Đã mời {person}.").wait_for()

    page.get_by_role("button", name="Công bố").click()
    page.get_by_text("Đã công bố phiên họp: thành phần tham dự đã có thể xem.").wait_for()
    assert page.locator(".page-header .badge--published").first.inner_text() == "Đã công bố"
    shoot(page, "session-secretariat")

    page.locator(".agenda-item").first.locator(".agenda-item__tools summary.menu__button").click()
    page.locator(".agenda-item").first.get_by_role("link", name="Sửa").click()
    page.wait_for_url(re.compile(r".*/agenda/\d+$"))
    shoot(page, "agenda-item-form")
    page.goto(f"{base}/meetings")
    shoot(page, "home-secretariat")

    member = new_page()
    browser_login(member, base, "gd.taichinh", PASSWORD)
    card = member.locator("a.meeting-card", has_text="Phiên họp UBND tỉnh thường kỳ tháng 12/2030")
    assert card.is_visible()
    assert "08:00 – 11:30" in card.inner_text()
    shoot(member, "home-member")
    card.click()
    member.wait_for_url(meeting_url)
    assert member.locator(".agenda-item__title").all_inner_texts() == [agenda[0][0], agenda[2][0], agenda[1][0]]
    participants = member.locator("#participants").inner_text()
    assert "Nguyễn Văn Hùng" in participants and "Hoàng Thị Lan" in participants
    assert member.get_by_text("Bạn dự họp với vai trò: Thành viên").is_visible()
    assert member.get_by_role("button", name="Công bố").count() == 0
    assert member.locator("form[action$='/agenda']").count() == 0
    shoot(member, "session-member")


def test_screenshots_of_the_admin_and_account_pages(live_server, new_page):
    def build():
        admin = create_admin(username="quan.tri", full_name="Trần Quang Khải", unit="Trung tâm Tin học – Công báo")
        for n, (name, unit) in enumerate([("Lê Minh Tuấn", "Ủy ban nhân dân tỉnh"), ("Vũ Đức Thắng", "Sở Xây dựng"),
                                          ("Đỗ Mạnh Cường", "Sở Y tế")]):
            create_user(f"nguoi.{n}", name, unit=unit, title="Giám đốc Sở")
        secretariat = create_secretariat(unit="Văn phòng UBND tỉnh")
        create_meeting("Phiên họp chuyên đề về giải ngân vốn đầu tư công", actor=secretariat)
        return admin

    seed(live_server, build)
    base = live_server.url
    page = new_page()
    browser_login(page, base, "quan.tri", PASSWORD)
    page.goto(f"{base}/admin/users")
    assert page.get_by_text("Vũ Đức Thắng").is_visible()
    shoot(page, "users")
    page.get_by_role("row", name=re.compile("Vũ Đức Thắng")).get_by_role("link", name="Sửa").click()
    page.wait_for_url(re.compile(r".*/admin/users/\d+$"))
    shoot(page, "user-form")
    page.goto(f"{base}/admin/users/new")
    shoot(page, "user-form-new")
    page.goto(f"{base}/admin/units")
    assert page.get_by_text("Sở Xây dựng").is_visible()
    shoot(page, "units")
    page.goto(f"{base}/admin/units/new")
    shoot(page, "unit-form")
    page.goto(f"{base}/account/password")
    shoot(page, "password")
    page.goto(f"{base}/meetings/999999")
    shoot(page, "error-404")
