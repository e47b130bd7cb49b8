"""A live page a member can read: on the tablet and the console, at 1280×800 and 800×1280, the
presented page takes the screen; zoom, fit and private notes work without leaving follow mode; the
console keeps the floor in view; and every screen runs under the real Content-Security-Policy."""
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.e2e import test_live_browser
from tests.e2e.test_live_browser import (
    RENDER_TIMEOUT, _expect_connected, _expect_pdf_page, _mode, _start_item_2_and_present,
)
from tests.factories import PASSWORD

room = test_live_browser.room  # the same fixture: a live session whose items carry real PDFs

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE = {"width": 390, "height": 844}

PAGE_BOX = """() => {
  const box = document.querySelector('[data-live="canvas"]').getBoundingClientRect();
  const height = (selector) => { const node = document.querySelector(selector);
                                  return node ? Math.round(node.getBoundingClientRect().height) : null; };
  return { width: box.width, height: box.height, top: box.top, left: box.left,
           viewportWidth: innerWidth, viewportHeight: innerHeight,
           strip: height(".live-strip"), bar: height(".live-viewbar"), stage: height('[data-live="stage"]') };
}"""

TARGETS = """() => Array.from(document.querySelectorAll('button, a.btn, a.icon-btn, select, .live-doc'))
  .filter((node) => node.offsetParent !== null && !node.closest('[hidden], dialog:not([open])'))
  .map((node) => { const box = node.getBoundingClientRect();
                   return [node.dataset.live || node.className || node.tagName, Math.round(box.width), Math.round(box.height)]; })
  .filter(([, width, height]) => width > 0 && (width < 44 || height < 44))"""


def _open(new_page, server, room, user, viewport, path="live", **options):
    page = new_page(viewport, csp=True, **options)
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.violations = violations
    browser_login(page, server.url, user.username, PASSWORD)
    page.goto(f"{server.url}/meetings/{room.meeting_id}/{path}")
    _expect_connected(page)
    return page


def _box_once(page, holds):
    """PAGE_BOX as soon as holds(box), else as it is after RENDER_TIMEOUT. After a resize or a zoom
    the viewer draws the page again a few frames later, and no attribute says when (the canvas keeps
    its document and page); under the real policy Playwright's wait_for_function cannot run (eval)."""
    deadline = time.monotonic() + RENDER_TIMEOUT / 1000
    while True:
        box = page.evaluate(PAGE_BOX)
        if holds(box) or time.monotonic() > deadline:
            return box
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")  # the next frame


def _takes_the_screen(box, portrait):
    fills = (box["width"] >= 0.85 * box["viewportWidth"] if portrait
             else box["height"] >= 0.80 * box["viewportHeight"])
    # ... and the whole page is on the first screen.
    return fills and box["top"] >= 0 and box["top"] + box["height"] <= box["viewportHeight"] + 1


def _expect_page_takes_the_screen(page, portrait):
    page.evaluate("() => window.scrollTo(0, 0)")  # a tap below the page (portrait) scrolled there
    box = _box_once(page, lambda box: _takes_the_screen(box, portrait))
    if portrait:
        assert box["width"] >= 0.85 * box["viewportWidth"], str(box)
    else:
        assert box["height"] >= 0.80 * box["viewportHeight"], str(box)
    # ... and the whole page is on the first screen.
    assert box["top"] >= 0 and box["top"] + box["height"] <= box["viewportHeight"] + 1, box


def test_the_presented_page_takes_the_screen_on_tablet_and_console(live_server, room, new_page):
    doc2 = room.doc_ids[1]
    chair = _open(new_page, live_server, room, room.chair, TABLET_LANDSCAPE, "live/console")
    landscape = _open(new_page, live_server, room, room.members[0], TABLET_LANDSCAPE)
    portrait = _open(new_page, live_server, room, room.members[1], TABLET_PORTRAIT)
    secretariat = _open(new_page, live_server, room, room.secretariat, TABLET_PORTRAIT, "live/console")
    portrait.tap('[data-live="floor-request"]')
    landscape.tap('[data-live="floor-request"]')

    _start_item_2_and_present(chair, room, doc2, 2)
    for page in (chair, landscape, portrait, secretariat):
        _expect_pdf_page(page, doc2, 2, 5)
    screenshot(chair, "live-read-console-1280x800")
    screenshot(landscape, "live-read-tablet-1280x800")
    screenshot(portrait, "live-read-tablet-800x1280")
    screenshot(secretariat, "live-read-console-800x1280")
    _expect_page_takes_the_screen(chair, portrait=False)
    _expect_page_takes_the_screen(landscape, portrait=False)
    _expect_page_takes_the_screen(portrait, portrait=True)
    _expect_page_takes_the_screen(secretariat, portrait=True)

    # The console: the floor queue and "give the floor" on the first screen, at both sizes, and
    # the end of the session one tap away (it asks first, see below).
    def expect_floor_in_view(console):
        expect(console.locator(".live-queue--control .live-queue__item")).to_have_count(2)
        expect(console.locator(".live-queue--control")).to_be_in_viewport()
        for give in console.get_by_role("button", name="Mời phát biểu").all():
            expect(give).to_be_in_viewport(ratio=1)
        expect(console.get_by_role("button", name="Kết thúc phiên họp")).to_have_count(1)

    expect_floor_in_view(chair)
    expect(chair.get_by_role("button", name="Mời phát biểu")).to_have_count(2)
    expect(chair.get_by_role("button", name="Kết thúc phiên họp")).to_be_in_viewport()
    expect(secretariat.locator(".live-queue--control .live-queue__item")).to_have_count(2)
    expect(secretariat.locator(".live-queue--control")).to_be_in_viewport()
    chair.set_viewport_size(TABLET_PORTRAIT)
    _expect_page_takes_the_screen(chair, portrait=True)  # once drawn again at the new size
    expect_floor_in_view(chair)
    screenshot(chair, "live-read-chair-console-800x1280")
    chair.set_viewport_size(TABLET_LANDSCAPE)
    _expect_page_takes_the_screen(chair, portrait=False)  # drawn again in landscape

    # Every control is a touch target of at least 44 px.
    for page in (chair, landscape, portrait, secretariat):
        assert page.evaluate(TARGETS) == [], page.url

    for page, name in ((portrait, "live-read-tablet-390x844"), (chair, "live-read-console-390x844")):
        page.set_viewport_size(PHONE)
        _expect_pdf_page(page, doc2, 2, 5)
        page.evaluate("() => window.scrollTo(0, 0)")
        # once drawn again at the new size
        box = _box_once(page, lambda box: box["width"] >= 0.85 * box["viewportWidth"] and box["left"] >= 0)
        assert box["width"] >= 0.85 * box["viewportWidth"] and box["left"] >= 0, str(box)
        screenshot(page, name)
    chair.set_viewport_size(TABLET_LANDSCAPE)

    # Folding the rails leaves the page where it is on a landscape tablet (fit to the page).
    landscape.locator('[aria-controls="live-rail-start"]').click()
    expect(landscape.locator("#live-rail-start")).to_be_hidden()
    _expect_page_takes_the_screen(landscape, portrait=False)
    screenshot(landscape, "live-read-tablet-folded-1280x800")

    for page in (chair, landscape, portrait, secretariat):
        assert page.violations == [], page.violations


def test_zoom_fit_and_notes_while_following(live_server, room, new_page):
    doc2 = room.doc_ids[1]
    chair = _open(new_page, live_server, room, room.chair, TABLET_LANDSCAPE, "live/console")
    member = _open(new_page, live_server, room, room.members[0], TABLET_LANDSCAPE)
    _start_item_2_and_present(chair, room, doc2, 2)
    _expect_pdf_page(member, doc2, 2, 5)
    fitted = member.evaluate(PAGE_BOX)

    # Fit to the width: the page is wider, and the member pans it; still following.
    member.get_by_role("button", name="Vừa chiều rộng").click()
    expect(member.get_by_role("button", name="Vừa trang")).to_be_visible()
    wide = _box_once(member, lambda box: box["width"] > fitted["width"] * 1.2)  # drawn again, wider
    assert wide["width"] > fitted["width"] * 1.2, (fitted, wide)
    scroller = member.locator('[data-live="scroller"]')
    assert scroller.evaluate("(node) => node.scrollHeight > node.clientHeight")
    scroller.evaluate("(node) => { node.scrollTop = 200; }")
    assert _mode(member) == "follow"
    # Zoom in with the button: larger still, and the presenter's next page arrives at that size.
    member.get_by_role("button", name="Phóng to").click()
    zoomed = _box_once(member, lambda box: box["width"] > wide["width"] * 1.2)
    assert zoomed["width"] > wide["width"] * 1.2, (wide, zoomed)
    chair.click('[data-live="next"]')
    _expect_pdf_page(member, doc2, 3, 5)
    assert abs(member.evaluate(PAGE_BOX)["width"] - zoomed["width"]) < 2
    assert _mode(member) == "follow"
    screenshot(member, "live-read-tablet-zoomed-1280x800")
    # Back to the whole page.
    member.get_by_role("button", name="Vừa trang").click()
    whole = _box_once(member, lambda box: abs(box["height"] - fitted["height"]) < 2)
    assert abs(whole["height"] - fitted["height"]) < 2, (fitted, whole)

    # A private note and a highlight on the page being presented, without leaving follow mode.
    member.get_by_role("button", name="Ghi chú của tôi").click()
    notes = member.locator('[data-live="notes"]')
    expect(notes).to_be_visible()
    expect(notes.locator('[data-live="note-label"]')).to_have_text("Ghi chú trang 3")
    notes.locator("textarea").fill("Hỏi Sở Tài chính về nguồn vốn")
    notes.get_by_role("button", name="Lưu ghi chú").click()
    expect(notes.locator(".live-notes__item")).to_contain_text("Hỏi Sở Tài chính về nguồn vốn")
    notes.get_by_role("button", name="Đánh dấu vùng").click()
    sheet = member.locator('[data-live="sheet"]').bounding_box()
    member.mouse.move(sheet["x"] + 60, sheet["y"] + 120)
    member.mouse.down()
    member.mouse.move(sheet["x"] + 260, sheet["y"] + 160, steps=5)
    member.mouse.up()
    expect(member.locator('[data-live="overlay"] .live-mark')).to_have_count(1)
    expect(notes.locator(".live-notes__item")).to_have_count(2)
    assert _mode(member) == "follow"
    screenshot(member, "live-read-tablet-notes-1280x800")

    # The same notes as the reader's, for this user only; they come back after a reload.
    member.reload()
    _expect_connected(member)
    _expect_pdf_page(member, doc2, 3, 5)
    expect(member.locator('[data-live="overlay"] .live-mark')).to_have_count(1, timeout=RENDER_TIMEOUT)
    # The next page has no highlight of its own.
    chair.click('[data-live="next"]')
    _expect_pdf_page(member, doc2, 4, 5)
    expect(member.locator('[data-live="overlay"] .live-mark')).to_have_count(0)
    assert member.violations == [] and chair.violations == []


def test_ending_the_session_from_the_console_asks_first(live_server, room, new_page):
    """The console offers the end of the session, and asks before it ends it."""
    chair = _open(new_page, live_server, room, room.chair, TABLET_LANDSCAPE, "live/console")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    chair.on("dialog", dismiss)
    chair.get_by_role("button", name="Kết thúc phiên họp").click()
    assert asked and "Kết thúc phiên họp" in asked[0]
    assert "/live/console" in chair.url   # dismissed: nothing happened
    asked.clear()
    chair.remove_listener("dialog", dismiss)
    chair.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    chair.get_by_role("button", name="Kết thúc phiên họp").click()
    chair.wait_for_url(f"**/meetings/{room.meeting_id}")
    expect(chair.locator(".badge--ended").first).to_be_visible()


def test_the_reader_runs_under_the_policy(live_server, room, new_page):
    """The document reader (PDF.js without eval) reports no policy violation."""
    doc1 = room.doc_ids[0]
    member = new_page(TABLET_LANDSCAPE, csp=True)
    violations = []
    member.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    browser_login(member, live_server.url, room.members[0].username, PASSWORD)
    response = member.goto(f"{live_server.url}/meetings/{room.meeting_id}/documents/{doc1}/read")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    member.wait_for_selector(".reader.is-ready", timeout=RENDER_TIMEOUT)
    member.click('[data-action="next"]')
    expect(member.locator(".reader-page canvas")).to_have_attribute("data-shown-page", "2")
    assert violations == []
