"""In Chromium under an American English locale and a New York clock: every date box and list
reads dd/mm/yyyy on a 24-hour clock in Vietnam time; a refused form keeps what was typed. And
searching a real Vietnamese PDF without diacritics, in the reader and in the live room, finds and
highlights the very words ("ngan sach" marks "ngân sách")."""
import io
import re
import unicodedata
import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.documents import pdfs
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]

AMERICAN = {"locale": "en-US", "timezone_id": "America/New_York"}
PHONE = {"width": 390, "height": 844}
NO_BROWSER_DATES = "input[type=date], input[type=datetime-local], input[type=time], input[type=month]"
RENDER_TIMEOUT = 20_000


@pytest.fixture
def office(live_server):
    """A secretariat, an admin and a member; a live session with the budget report as its document."""
    from ecabinet.documents.operations import add_document, prepare_file, receive_upload
    from ecabinet.extensions import db
    from ecabinet.meetings.models import MeetingStatus
    from tests.factories import create_admin, create_meeting, create_secretariat, create_user

    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        secretariat = create_secretariat(username=f"vp{tag}", full_name="Trần Thị Thư Ký", unit="Văn phòng UBND tỉnh")
        admin = create_admin(username=f"qt{tag}", full_name="Quản Trị Viên")
        member = create_user(username=f"tv{tag}", full_name="Lê Văn Hùng", title="Phó Chủ tịch UBND tỉnh")
        chair = create_user(username=f"ct{tag}", full_name="Nguyễn Văn Chủ Tịch", title="Chủ tịch UBND tỉnh")
        meeting = create_meeting("Phiên họp UBND tỉnh thường kỳ tháng 12/2026", actor=secretariat,
                                 status=MeetingStatus.LIVE, chair=chair, members=[member],
                                 agenda=("Báo cáo thu, chi ngân sách năm 2026",))
        prepared = prepare_file(receive_upload(io.BytesIO(pdfs.make_budget_pdf()), "bao-cao-ngan-sach.pdf"))
        document = add_document(meeting, prepared, actor=secretariat, title="Báo cáo thu, chi ngân sách năm 2026",
                                agenda_item=meeting.agenda_items[0])
        db.session.commit()
        result = SimpleNamespace(server=live_server, meeting_id=meeting.id, document_id=document.id,
                                 secretariat=secretariat.username, admin=admin.username, member=member.username)
        db.session.remove()
    return result


# -- dates -----------------------------------------------------------------------------

def _shoot(page, name):
    """A screenshot once the page has settled: its scripts ran (the date boxes have their
    calendar button) and its fonts are in."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    screenshot(page, name)


def _no_browser_date_inputs(page):
    assert page.locator(NO_BROWSER_DATES).count() == 0, page.url


def test_dates_read_dd_mm_yyyy_24_hour_whatever_the_browser_locale(office, new_page):
    server = office.server
    for viewport, label in [(TABLET_LANDSCAPE, "1280x800"), (TABLET_PORTRAIT, "800x1280")]:
        page = new_page(viewport, **AMERICAN)
        browser_login(page, server.url, office.secretariat, PASSWORD)
        assert page.evaluate("navigator.language") == "en-US"
        page.goto(f"{server.url}/meetings/new")
        _no_browser_date_inputs(page)
        title = f"Phiên họp chuyên đề tháng 12/2030 ({label})"
        page.fill("#title", title)
        page.fill("#starts_at", "05/12/2030")
        page.fill("#starts_at-time", "8 PM")   # an American habit: refused, with the way to write it
        page.fill("#ends_at", "04/12/2030")
        page.click(".form-actions button[type=submit]")
        error = page.locator(".field--invalid .field__error")
        expect(error).to_have_text(["Hãy nhập giờ theo dạng hh:mm (đồng hồ 24 giờ), ví dụ 14:30.",
                                    "Hãy nhập cả giờ, theo dạng hh:mm (ví dụ 08:00)."])
        # Nothing typed is lost.
        assert page.input_value("#title") == title
        assert page.input_value("#starts_at") == "05/12/2030" and page.input_value("#starts_at-time") == "8 PM"
        assert page.input_value("#ends_at") == "04/12/2030"
        assert page.get_attribute("#starts_at-time", "aria-invalid") == "true"

        # The picker: our own month grid, Monday first, in Vietnamese, opened on the typed date.
        page.click('#ends_at ~ .date-input__pick')
        picker = page.locator(".datepicker")
        expect(picker).to_be_visible()
        expect(picker.locator(".datepicker__title")).to_have_text("Tháng 12 năm 2030")
        expect(picker.locator("th")).to_have_text(["T2", "T3", "T4", "T5", "T6", "T7", "CN"])
        expect(picker.locator(".datepicker__day[aria-pressed=true]")).to_have_attribute(
            "aria-label", "Thứ Tư, 04/12/2030")
        expect(page.locator(".datepicker__day:focus")).to_have_text("4")
        _shoot(page, f"dates-picker-{label}")
        page.keyboard.press("ArrowRight")
        expect(page.locator(".datepicker__day:focus")).to_have_attribute("aria-label", "Thứ Năm, 05/12/2030")
        page.keyboard.press("Enter")
        expect(picker).to_have_count(0)
        assert page.input_value("#ends_at") == "05/12/2030"
        # Escape closes it and gives the focus back to its button.
        page.click('#ends_at ~ .date-input__pick')
        page.keyboard.press("PageDown")
        expect(page.locator(".datepicker__title")).to_have_text("Tháng 1 năm 2031")
        page.keyboard.press("Escape")
        expect(page.locator(".datepicker")).to_have_count(0)
        assert page.evaluate("document.activeElement.classList.contains('date-input__pick')")

        page.fill("#starts_at-time", "08:00")
        page.fill("#ends_at-time", "17h30")
        _shoot(page, f"dates-meeting-form-{label}")
        page.click(".form-actions button[type=submit]")
        page.wait_for_url(re.compile(r".*/meetings/\d+$"))
        header = page.locator("main").inner_text()
        assert "Thứ Năm, 05/12/2030" in header, header
        body = page.locator("main").inner_text()
        assert "08:00" in body and "17:30" in body and not re.search(r"\b(AM|PM)\b", body), body
        _shoot(page, f"dates-meeting-page-{label}")

        # The edit form shows what was saved, the Vietnamese way.
        page.goto(page.url + "/edit")
        _no_browser_date_inputs(page)
        assert page.input_value("#starts_at") == "05/12/2030" and page.input_value("#starts_at-time") == "08:00"
        assert page.input_value("#ends_at-time") == "17:30"

        page.goto(f"{server.url}/meetings")
        card = page.locator("a.meeting-card", has_text=title)
        text = card.inner_text()
        assert "Thứ Năm, 05/12/2030" in text and "08:00 – 17:30" in text, text
        assert not re.search(r"\b(AM|PM)\b|Dec|12/5/2030", page.locator("main").inner_text())
        _shoot(page, f"dates-home-{label}")


def test_the_calendar_and_poll_forms_use_our_date_boxes(office, new_page):
    server = office.server
    admin = new_page(TABLET_PORTRAIT, **AMERICAN)
    browser_login(admin, server.url, office.admin, PASSWORD)
    admin.goto(f"{server.url}/admin/calendar")
    _no_browser_date_inputs(admin)
    admin.fill("#day", "30/02/2027")
    admin.fill("#note", "Nghỉ bù")
    admin.locator("form.form button[type=submit]").click()
    expect(admin.locator(".field--invalid .field__error")).to_have_text(
        ["Ngày 30/02/2027 không tồn tại: tháng 2 năm 2027 không có ngày 30."])
    assert admin.input_value("#day") == "30/02/2027" and admin.input_value("#note") == "Nghỉ bù"
    admin.fill("#day", "26/12/2030")
    admin.locator("form.form button[type=submit]").click()
    expect(admin.locator(".list-row__title", has_text="26/12/2030")).to_have_text(["Thứ Năm, 26/12/2030"])
    _shoot(admin, "dates-calendar-800x1280")

    secretariat = new_page(PHONE, **AMERICAN)
    browser_login(secretariat, server.url, office.secretariat, PASSWORD)
    secretariat.goto(f"{server.url}/polls")
    new_poll = secretariat.locator("a[href*='/polls/new']").first
    with secretariat.expect_navigation():  # else the check below reads the list, which has no date box
        new_poll.click()
    _no_browser_date_inputs(secretariat)
    help_text = secretariat.locator(".field", has=secretariat.locator("#deadline")).locator(".field__help").inner_text()
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", help_text) and not re.search(r"AM|PM", help_text), help_text
    secretariat.fill("#title", "Lấy ý kiến về dự thảo Quyết định")
    secretariat.fill("#questions", "Thống nhất ban hành?")
    secretariat.fill("#deadline", "15/12/2030")
    secretariat.fill("#deadline-time", "25:00")
    secretariat.locator("form.card button[type=submit]").first.click()
    expect(secretariat.locator(".field--invalid .field__error")).to_have_text(
        ["25:00 không phải là giờ hợp lệ: giờ từ 00 đến 23, phút từ 00 đến 59."])
    assert secretariat.input_value("#title") == "Lấy ý kiến về dự thảo Quyết định"
    _shoot(secretariat, "dates-poll-form-390x844")
    secretariat.click("#deadline ~ .date-input__pick")
    picker = secretariat.locator(".datepicker")
    expect(picker).to_be_visible()
    box = picker.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box  # whole on a phone
    _shoot(secretariat, "dates-poll-picker-390x844")


# -- search ----------------------------------------------------------------------------

FOLD_CASES = """async () => {
  const {fold, findInItems} = await import("/static/js/textsearch.js");
  const nfd = "Ngân sách".normalize("NFD");
  return {
    folded: fold("Đầu TƯ  công").text,
    one: findInItems([{str: "Dự toán thu ngân sách xã", hasEOL: false}], "ngan sach"),
    nfdText: findInItems([{str: nfd, hasEOL: false}], "ngan sach"),
    nfdLength: nfd.length,
    nfdQuery: findInItems([{str: "chi ngân sách", hasEOL: false}], "ngân sách".normalize("NFD")),
    split: findInItems([{str: "thu ngân", hasEOL: true}, {str: "sách xã", hasEOL: false}], "ngan sach"),
    none: findInItems([{str: "ngân hàng", hasEOL: false}], "ngan sach"),
  };
}"""


def _open_reader(page, office):
    page.goto(f"{office.server.url}/meetings/{office.meeting_id}/documents/{office.document_id}/read")
    page.wait_for_selector(".reader.is-ready", timeout=RENDER_TIMEOUT)


def _search_reader(page, query):
    box = page.locator("[data-search] input")
    if not box.is_visible():
        page.click('[data-toggle="search"]')
    box.fill(query)
    box.press("Enter")


def _hits_inside(page, hit_selector, canvas_selector):
    """The search marks on screen, each with the canvas's box (to check they lie on the page)."""
    return page.evaluate("""([hitSelector, canvasSelector]) => {
      const canvas = document.querySelector(canvasSelector).getBoundingClientRect();
      return Array.from(document.querySelectorAll(hitSelector)).map((hit) => {
        const r = hit.getBoundingClientRect();
        return {left: r.left - canvas.left, top: r.top - canvas.top, width: r.width, height: r.height,
                pageWidth: canvas.width, current: hit.className.includes("current")};
      });
    }""", [hit_selector, canvas_selector])


def test_reader_search_ignores_diacritics_and_highlights_the_words(office, new_page):
    page = new_page(TABLET_LANDSCAPE)
    browser_login(page, office.server.url, office.member, PASSWORD)
    _open_reader(page, office)

    # The matching itself, on the module the pages use.
    cases = page.evaluate(FOLD_CASES)
    assert cases["folded"] == "dau tu cong"
    assert cases["one"] == [[{"item": 0, "start": 12, "end": 21}]]
    assert cases["nfdText"] == [[{"item": 0, "start": 0, "end": cases["nfdLength"]}]]  # the marks too
    assert cases["nfdQuery"] == [[{"item": 0, "start": 4, "end": 13}]]
    assert cases["split"] == [[{"item": 0, "start": 4, "end": 8}, {"item": 1, "start": 0, "end": 4}]]
    assert cases["none"] == []

    status = page.locator("[data-search-status]")
    for query in ["ngan sach", "NGAN SACH", "ngân sách", unicodedata.normalize("NFD", "Ngân Sách"), "  ngan   sach "]:
        _search_reader(page, query)
        expect(status).to_have_text("Kết quả 1/4")
    expect(page.locator("#goto-page")).to_have_value("1")
    expect(page.locator(".reader-hit")).to_have_count(3)
    hits = _hits_inside(page, ".reader-hit", ".reader-page canvas")
    assert sum(h["current"] for h in hits) == 1
    # The words, not the lines: "NGÂN SÁCH" in the title and "Ngân sách" at the start of line 2 are
    # a fraction of their lines, start where the words start, and lie on the page.
    for hit in hits:
        assert 0 < hit["left"] and hit["left"] + hit["width"] < hit["pageWidth"], hit
        assert 0.06 * hit["pageWidth"] < hit["width"] < 0.3 * hit["pageWidth"], hit
        assert 4 < hit["height"] < 60, hit
    margin = min(h["left"] for h in hits)
    assert abs(margin - 10 / 210 * hits[0]["pageWidth"]) < 6, hits  # line 2 starts at the 10 mm margin
    assert max(h["left"] for h in hits) > margin + 0.15 * hits[0]["pageWidth"], hits  # "thu ngân sách" mid-line
    screenshot(page, "search-reader-1280x800")

    page.click('[data-action="search-next"]')
    page.click('[data-action="search-next"]')
    page.click('[data-action="search-next"]')
    expect(status).to_have_text("Kết quả 4/4")
    expect(page.locator("#goto-page")).to_have_value("2")
    expect(page.locator(".reader-hit")).to_have_count(1)
    expect(page.locator(".reader-hit--current")).to_have_count(1)

    _search_reader(page, "dau tu")   # Đ folds to d
    expect(status).to_have_text("Kết quả 1/2")
    expect(page.locator(".reader-hit")).to_have_count(2)
    _search_reader(page, "ngan hang")
    expect(status).to_have_text("Không tìm thấy trong tài liệu này.")
    expect(page.locator(".reader-hit")).to_have_count(0)

    portrait = new_page(TABLET_PORTRAIT)
    browser_login(portrait, office.server.url, office.member, PASSWORD)
    _open_reader(portrait, office)
    _search_reader(portrait, "cho dau tu")
    expect(portrait.locator("[data-search-status]")).to_have_text("Kết quả 1/1")
    expect(portrait.locator("#goto-page")).to_have_value("2")
    expect(portrait.locator(".reader-hit--current")).to_have_count(1)
    screenshot(portrait, "search-reader-800x1280")


def test_live_search_ignores_diacritics_and_highlights_the_words(office, new_page):
    for viewport, label in [(TABLET_LANDSCAPE, "1280x800"), (TABLET_PORTRAIT, "800x1280")]:
        page = new_page(viewport)
        browser_login(page, office.server.url, office.member, PASSWORD)
        page.goto(f"{office.server.url}/meetings/{office.meeting_id}/live")
        expect(page.locator('[data-live="conn"]').first).to_have_attribute("data-state", "connected")
        if viewport is TABLET_PORTRAIT:
            page.locator('.live-strip [aria-controls="live-rail-start"]').tap()
        page.locator(f'.live-doc[data-document-id="{office.document_id}"]').click()
        canvas = f'[data-live="canvas"][data-document-id="{office.document_id}"][data-page="1"]'
        expect(page.locator(canvas)).to_be_visible(timeout=RENDER_TIMEOUT)

        page.click('[data-live="search-toggle"]')
        box = page.locator('[data-live="search-input"]')
        expect(box).to_be_focused()
        box.fill("ngan sach")
        box.press("Enter")
        status = page.locator('[data-live="search-status"]')
        expect(status).to_have_text("Kết quả 1/4")
        expect(page.locator('[data-live="hits"] .live-hit')).to_have_count(3)
        hits = _hits_inside(page, '[data-live="hits"] .live-hit', '[data-live="canvas"]')
        assert sum(h["current"] for h in hits) == 1
        for hit in hits:
            assert 0 < hit["left"] and 0.06 * hit["pageWidth"] < hit["width"] < 0.3 * hit["pageWidth"], hit
        screenshot(page, f"search-live-{label}")

        # Enter again goes on to the next match; the last one is on page 2 (browsing there).
        for expected in ["Kết quả 2/4", "Kết quả 3/4", "Kết quả 4/4"]:
            box.press("Enter")
            expect(status).to_have_text(expected)
        expect(page.locator('[data-live="canvas"][data-page="2"]')).to_be_visible(timeout=RENDER_TIMEOUT)
        expect(page.locator('[data-live="hits"] .live-hit--current')).to_have_count(1)
        box.fill(unicodedata.normalize("NFD", "ĐẦU TƯ"))
        box.press("Enter")
        expect(status).to_have_text("Kết quả 1/2")
        screenshot(page, f"search-live-page2-{label}")
        # Escape closes the bar, the marks go, the focus returns to the search button.
        box.press("Escape")
        expect(page.locator('[data-live="search"]')).to_be_hidden()
        expect(page.locator('[data-live="hits"] .live-hit')).to_have_count(0)
        expect(page.locator('[data-live="search-toggle"]')).to_be_focused()


def test_the_reader_and_session_page_write_dates_and_sizes_the_vietnamese_way(office, new_page):
    page = new_page(TABLET_LANDSCAPE, **AMERICAN)
    browser_login(page, office.server.url, office.member, PASSWORD)
    page.goto(f"{office.server.url}/meetings/{office.meeting_id}")
    main = page.locator("main").inner_text()
    starts = datetime.now(timezone.utc) + timedelta(days=2, hours=7)
    assert f"{starts:%d/%m/%Y}" in main, main
    assert not re.search(r"\b(AM|PM)\b", main)
    sizes = page.locator("#agenda").inner_text()
    assert re.search(r"\d+ KB|\d+,\d MB", sizes), sizes
