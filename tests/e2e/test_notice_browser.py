"""In the browser: the Văn phòng opens the conclusions notice drafted from the signed minutes, edits a
conclusion, previews the PDF, signs and issues it with a PIN; a member then finds it on the session
page and reads it; the session is archived and its ZIP is downloaded from the session page."""
import io
import zipfile

import pytest

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]
PIN = "246810"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def signed_minutes(live_server):
    from ecabinet.extensions import db
    from ecabinet.minutes import operations as minutes
    from ecabinet.minutes import signatures
    from ecabinet.signing import operations as signing
    from tests.minutes.scene import build_session

    app = live_server.app
    with app.app_context(), app.test_request_context():
        signing.init_ca("UBND tỉnh Lai Châu - CA thử nghiệm")
        s = build_session()
        minutes.save_revision(s.meeting, {"summary": "Phiên họp thường kỳ tháng 11 năm 2026", "items": [
            {"agenda_item_id": s.items[0].id, "conclusion": "Thống nhất thông qua kế hoạch đầu tư công năm 2027.\n"
                                                            "Giao Sở Tài chính hoàn thiện hồ sơ trước ngày 15/12/2026."},
            {"agenda_item_id": s.items[1].id, "conclusion": "Yêu cầu các sở, ngành đẩy nhanh tiến độ giải ngân."}]},
            base_revision=0, actor=s.secretary)
        minutes.finalise(s.meeting, actor=s.secretary)
        for user in (s.secretary, s.chair, s.office):
            signing.issue_certificate(user, PIN)
        db.session.commit()
        for user in (s.secretary, s.chair):
            signatures.sign_minutes(s.meeting, user, PIN)
            db.session.commit()
        info = {"meeting": s.meeting.id, "office": s.office.username, "member": s.present.username}
        db.session.remove()
    return live_server, info


def test_the_office_issues_the_notice_and_a_member_reads_it(signed_minutes, new_page):
    server, info = signed_minutes
    url = f"{server.url}/meetings/{info['meeting']}"
    office = new_page(TABLET_LANDSCAPE)
    browser_login(office, server.url, info["office"], PASSWORD)
    office.goto(url)
    office.click("#notice a:has-text('Lập thông báo')")
    office.wait_for_selector("#notice-form")
    assert "1. Nội dung 1. Tờ trình về kế hoạch đầu tư công năm 2027" in office.inner_text("#notice-form")
    screenshot(office, "notice-draft-1280")
    office.fill("#conclusion-2-text", "Giao Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện.")
    office.fill("#summary", "")
    office.click("#notice-save")
    office.wait_for_selector("#notice-error")  # a refused save keeps what was typed
    assert office.input_value("#conclusion-2-text") == "Giao Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện."
    office.fill("#summary", "Kết luận của Chủ tịch UBND tỉnh tại phiên họp thường kỳ tháng 11 năm 2026")
    office.click("#notice-save")
    office.wait_for_selector(".flash--success")
    assert office.input_value("#conclusion-2-text").startswith("Giao Văn phòng UBND tỉnh")
    preview = office.request.get(f"{server.url}/api/v1/meetings/{info['meeting']}/notice.pdf")
    assert preview.ok and preview.headers["content-type"] == "application/pdf"
    office.fill("#pin", "000000")
    office.click("#issue-submit")
    office.wait_for_selector(".flash--error", timeout=60_000)
    assert "PIN" in office.inner_text(".flash--error")
    office.fill("#pin", PIN)
    office.click("#issue-submit")
    office.wait_for_selector("#notice-status:has-text('Đã ban hành')", timeout=90_000)
    assert office.locator(".notice-read__list li").count() == 3
    screenshot(office, "notice-issued-1280")

    for viewport, name in ((TABLET_PORTRAIT, "800"), (PHONE, "390")):
        member = new_page(viewport)
        browser_login(member, server.url, info["member"], PASSWORD)
        member.goto(url)
        panel = member.locator("#notice")
        assert "Đã ban hành" in panel.inner_text() and "Mới" in panel.inner_text()
        screenshot(member, f"notice-session-page-{name}")
        member.click("#notice a:has-text('Mở')")
        member.wait_for_selector(".notice-read__list")
        assert member.locator(".notice-read__list li").count() == 3
        assert "Giao Văn phòng UBND tỉnh theo dõi" in member.inner_text(".notice-read__list")
        screenshot(member, f"notice-read-{name}")

    office.goto(url)
    office.once("dialog", lambda dialog: dialog.accept())  # "Archive the session? It can no longer be changed."
    with office.expect_navigation():  # the archived page itself, not the one the click left
        office.click(".page-header__actions button:has-text('Lưu trữ')")
    office.wait_for_selector(".badge--archived")
    office.wait_for_selector("#notice")
    with office.expect_download() as download:
        office.click("#archive-download")
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert "thong-bao-ket-luan-da-ky.pdf" in archive.namelist() and "manifest.json" in archive.namelist()
    screenshot(office, "notice-session-page-archived-1280")
