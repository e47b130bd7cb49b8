"""In the browser: the secretary writes and finalises the minutes, sets the signing order (a vice chair
signs between the secretary and the chair), signs with their PIN after a wrong one; the vice chair
and then the chair sign; the verification panel reports every signature valid. The signed PDF's pages
are rendered with pdftoppm to look at the stamps in their blocks."""
import io
import re
import shutil
import subprocess

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import SCREENSHOTS, TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]
PIN = "482916"
SAVED = re.compile(r"Đã lưu lúc \d\d:\d\d")


@pytest.fixture
def ended_session(live_server):
    from ecabinet.extensions import db
    from ecabinet.signing import operations as signing
    from tests.minutes.scene import build_session

    with live_server.app.app_context(), live_server.app.test_request_context():
        if not signing.ca_exists():
            signing.init_ca("UBND tỉnh Lai Châu - CA thử nghiệm")
        s = build_session()
        for user in (s.secretary, s.chair, s.present):
            signing.issue_certificate(user, PIN)
        db.session.commit()
        info = {"meeting": s.meeting.id, "first_item": s.items[0].id, "secretary": s.secretary.username,
                "chair": s.chair.username, "vice_chair": s.present.username, "vice_chair_id": s.present.id}
        db.session.remove()
    return live_server, info


def _api(server, username):
    api = requests.Session()
    token = api.post(f"{server.url}/api/v1/session", json={"username": username, "password": PASSWORD},
                     timeout=30).json()["token"]
    api.headers.update({"Authorization": f"Bearer {token}", "Accept-Language": "vi"})
    return api


def _sign_in_page(page, pin):
    page.click("#sign-open")
    page.locator("#sign-dialog").wait_for(state="visible")
    page.fill("#sign-pin", pin)
    page.click("#sign-submit")


def _render_pages(pdf_bytes, stem):
    """The PDF's pages as PNG files under the screenshots folder (pdftoppm), their paths."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    source = SCREENSHOTS / f"{stem}.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(source), str(SCREENSHOTS / stem)], check=True, timeout=60)
    return sorted(SCREENSHOTS.glob(f"{stem}-*.png"))


def test_the_minutes_are_finalised_ordered_signed_and_verified(ended_session, new_page):
    server, info = ended_session
    url = f"{server.url}/meetings/{info['meeting']}/minutes"

    # The secretary writes, finalises, then sets the order: a vice chair between them.
    page = new_page(TABLET_LANDSCAPE)
    browser_login(page, server.url, info["secretary"], PASSWORD)
    page.goto(url)
    page.fill(f"#c-{info['first_item']}", "Thống nhất thông qua Tờ trình; giao Sở Kế hoạch và Đầu tư hoàn thiện hồ sơ.")
    page.wait_for_function("() => document.getElementById('minutes').dataset.revision === '1'")
    assert SAVED.search(page.locator("#save-state").inner_text())
    page.click("#finalise-open")
    with page.expect_navigation():
        page.click("#finalise-confirm")
    assert page.locator("#minutes-status").inner_text() == "Đã hoàn tất"
    assert page.locator("#signing-state").inner_text() == "Sẵn sàng ký"
    assert [t.strip() for t in page.locator("#signers .signer__name").all_inner_texts()] == [
        "Nguyễn Thị Thư", "Trần Quốc Chủ"]

    page.click("#order-open")
    page.select_option("#order-candidate", str(info["vice_chair_id"]))
    assert page.input_value("#order-title") == "Phó Chủ tịch UBND tỉnh"  # their title, to edit if need be
    page.click("#order-add")
    items = page.locator("#order-list .order-list__item")
    assert items.count() == 3
    items.nth(2).get_by_role("button", name=re.compile("Chuyển lên")).click()  # before the chair
    assert [t.strip() for t in page.locator("#order-list .signer__name").all_inner_texts()] == [
        "Nguyễn Thị Thư", "Lê Văn An", "Trần Quốc Chủ"]
    screenshot(page, "minutes-signing-order-1280x800")
    with page.expect_navigation():
        page.click("#order-save")
    assert [t.strip() for t in page.locator("#signers .signer__name").all_inner_texts()] == [
        "Nguyễn Thị Thư", "Lê Văn An", "Trần Quốc Chủ"]
    assert "PHÓ CHỦ TỊCH UBND TỈNH" in page.locator("#signers").inner_text()

    # A wrong PIN first: a clear message by the field, the PIN gone from the page, nothing signed.
    _sign_in_page(page, "000000")
    error = page.locator("#sign-error")
    error.wait_for(state="visible", timeout=60_000)
    assert error.inner_text() == "Mã PIN không đúng. Văn bản chưa được ký."
    assert page.input_value("#sign-pin") == ""
    assert page.locator("#sign-dialog").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "minutes-signing-wrong-pin-1280x800.png"))  # the dialog, as seen
    page.fill("#sign-pin", PIN)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    with page.expect_navigation(timeout=120_000):
        page.click("#sign-submit")
    assert page.locator("#signers .signer--signed").count() == 1
    assert re.search(r"Đã ký \d\d/\d\d/\d{4} \d\d:\d\d", page.locator("#signers").inner_text())
    try:
        page.locator("#verdict").wait_for(timeout=60_000)
    finally:
        screenshot(page, "minutes-signing-first-signed-1280x800")
        assert not errors, errors
    assert "còn chờ ký: Lê Văn An, Trần Quốc Chủ" in page.locator("#verdict").inner_text()
    assert page.locator("#order-open").count() == 0  # locked since the first signature
    assert page.locator("#sign-open").count() == 0  # not the secretary's turn any more
    assert PIN not in page.content()  # the PIN is in no field, no attribute, no data block

    # The chair has the minutes open, waiting. The vice chair signs from their own device (through
    # the API here): the chair's page says, without a reload, that it is now the chair's turn, and
    # the secretary's that a signature was added.
    chair = new_page(TABLET_PORTRAIT)
    browser_login(chair, server.url, info["chair"], PASSWORD)
    chair.goto(url)
    assert chair.locator(".signer--turn .signer__name").inner_text() == "Lê Văn An"
    assert chair.locator("#minutes-follow").is_hidden()
    assert _api(server, info["vice_chair"]).post(
        f"{server.url}/api/v1/meetings/{info['meeting']}/minutes/signatures", json={"pin": PIN},
        timeout=120).status_code == 201
    expect(chair.locator("#minutes-follow")).to_be_visible(timeout=30_000)
    assert chair.locator("#minutes-follow [data-follow-text]").inner_text() == "Đã đến lượt bạn ký biên bản."
    expect(page.locator("#minutes-follow [data-follow-text]")).to_have_text("Biên bản vừa có thêm chữ ký.")
    # As seen: the bar over the foot of the screen, wherever the reader has scrolled to.
    page.screenshot(path=str(SCREENSHOTS / "minutes-signing-new-signature-1280x800.png"))
    chair.screenshot(path=str(SCREENSHOTS / "minutes-signing-your-turn-800x1280.png"))
    page.get_by_role("button", name="Để sau").click()  # the secretary reads on; the bar goes
    expect(page.locator("#minutes-follow")).to_be_hidden()
    with chair.expect_navigation():
        chair.click("#minutes-follow [data-follow-reload]")
    assert chair.locator(".signer--turn .signer__name").inner_text() == "Trần Quốc Chủ"
    assert chair.locator("#minutes-follow").is_hidden()
    # The chair's home page says so too, with the way to the signing panel.
    chair.goto(f"{server.url}/meetings")
    notice = chair.get_by_role("note").filter(has_text="biên bản đang chờ đồng chí ký số")
    expect(notice).to_contain_text("1 biên bản đang chờ đồng chí ký số")
    screenshot(chair, "home-minutes-to-sign-800x1280")
    with chair.expect_navigation():
        notice.get_by_role("link").click()
    assert chair.url.endswith("/minutes#signing")
    chair.click("#sign-open")
    chair.fill("#sign-pin", PIN)
    # Hold the request a moment to see the progress while the signature is made.
    held = []
    chair.route("**/minutes/signatures", lambda route: held.append(route))
    chair.click("#sign-submit")
    chair.locator("#sign-progress").wait_for(state="visible")
    assert chair.input_value("#sign-pin") == "" and chair.locator("#sign-submit").is_disabled()
    for _ in range(50):
        if held:
            break
        chair.wait_for_timeout(100)
    chair.screenshot(path=str(SCREENSHOTS / "minutes-signing-progress-800x1280.png"))
    with chair.expect_navigation(timeout=120_000):
        held[0].continue_()
    chair.unroute("**/minutes/signatures")
    chair.locator("#verdict").wait_for(timeout=60_000)
    verdict = chair.locator("#verdict").inner_text()
    assert verdict.startswith("Hợp lệ: mọi chữ ký đều nguyên vẹn"), verdict
    assert chair.locator("#signing-state").inner_text() == "Đã ký đủ"
    reports = chair.locator(".signature-report")
    assert reports.count() == 3
    for index, name in enumerate(("Nguyễn Thị Thư", "Lê Văn An", "Trần Quốc Chủ")):
        text = reports.nth(index).inner_text()
        assert name in text and "Hợp lệ" in text and "CA thử nghiệm" in text
        assert "Không hợp lệ" not in text
    assert "Chứng nhận văn bản" in reports.nth(0).inner_text()
    screenshot(chair, "minutes-signing-panel-800x1280")

    page.reload()
    page.locator("#verdict").wait_for(timeout=60_000)
    assert page.locator(".signature-report").count() == 3
    screenshot(page, "minutes-signing-panel-1280x800")

    # The signed PDF, as the download link gives it, rendered page by page to look at the stamps.
    href = page.get_attribute("#signed-pdf", "href")
    signed = _api(server, info["vice_chair"]).get(f"{server.url}{href}", timeout=60)
    assert signed.status_code == 200 and signed.content.count(b"/ByteRange") == 3
    from pypdf import PdfReader

    stamps = [a.get_object() for page_ in PdfReader(io.BytesIO(signed.content)).pages
              for a in page_.get("/Annots") or [] if a.get_object().get("/FT") == "/Sig"]
    assert sorted(str(s["/T"]) for s in stamps) == sorted(["secretary", "chair", f"member_{info['vice_chair_id']}"])
    if shutil.which("pdftoppm"):
        pngs = _render_pages(signed.content, "minutes-signed")
        assert pngs
