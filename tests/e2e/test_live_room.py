"""The meeting room in Chromium: the chair's console turns pages, two member tablets follow."""
import pytest
from playwright.sync_api import expect

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.factories import PASSWORD
from tests.live.conftest import Room

pytestmark = [pytest.mark.browser, pytest.mark.server]


def _page_of(page):
    return page.evaluate("document.body.dataset.viewPage")


def _connected(page):
    page.wait_for_selector('[data-live="conn"][data-state="connected"]')


def test_chair_turns_pages_and_tablets_follow(live_server, new_page):
    room = Room(live_server.app)
    base = live_server.url
    chair = new_page(TABLET_LANDSCAPE)
    browser_login(chair, base, room.chair.username, PASSWORD)
    # (The session page's "Enter the meeting room" button is covered in tests/live/test_live_pages.py.)
    chair.goto(f"{base}/meetings/{room.meeting_id}/live/console")
    _connected(chair)

    tablets = []
    for member, viewport in zip(room.members[:2], (TABLET_LANDSCAPE, TABLET_PORTRAIT)):
        page = new_page(viewport)
        browser_login(page, base, member.username, PASSWORD)
        page.goto(f"{base}/meetings/{room.meeting_id}/live")
        _connected(page)
        page.click('[data-live="check-in"]')
        page.wait_for_selector('[data-live="checked-in"]:not([hidden])')
        tablets.append(page)
    landscape, portrait = tablets

    # The chair moves to the first item and opens its document; the tablets follow.
    chair.click('[data-live="next-item"]')
    chair.wait_for_selector(".live-docs__group.is-current")
    chair.click(".live-doc")
    chair.click('[data-live="next"]')
    chair.click('[data-live="next"]')
    for page in (chair, landscape, portrait):
        page.wait_for_function("document.body.dataset.viewPage === '3'")
    assert landscape.get_attribute('[data-live="mode"]', "data-mode") == "follow"
    assert chair.get_attribute('[data-live="mode"]', "data-mode") == "presenting"
    landscape.wait_for_selector(".live-docs__group.is-current")
    chair.click('[data-live="floor-request"]') if chair.is_visible('[data-live="floor-request"]') else None
    portrait.click('[data-live="floor-request"]')
    chair.wait_for_selector(".live-queue--control .live-queue__item")
    screenshot(chair, "live-console-1280x800")
    screenshot(landscape, "live-tablet-following-1280x800")
    screenshot(portrait, "live-tablet-following-800x1280")

    # A member leaves follow mode to browse; the chair's turns no longer move that tablet.
    landscape.click('[data-live="prev"]')
    assert landscape.get_attribute('[data-live="mode"]', "data-mode") == "free"
    chair.click('[data-live="next"]')
    portrait.wait_for_function("document.body.dataset.viewPage === '4'")
    # The browsing tablet has heard the turn too (it says where the presenter is), and stayed.
    expect(landscape.locator('[data-live="mode-hint"]')).to_contain_text("trang 4")
    assert _page_of(landscape) == "2"
    landscape.wait_for_selector('[data-live="follow"]:not([hidden])')
    screenshot(landscape, "live-tablet-free-1280x800")
    landscape.click('[data-live="follow"]')
    landscape.wait_for_function("document.body.dataset.viewPage === '4'")
    assert landscape.get_attribute('[data-live="mode"]', "data-mode") == "follow"

    # A stale event (an older seq arriving late) is ignored.
    seq = portrait.evaluate("window.ecabinetLive.state().lastPageSeq")
    applied = portrait.evaluate(
        "s => window.ecabinetLive.applyPage({meeting_id: %d, document_id: %d, page: 1, seq: s - 2, presenter_id: %d})"
        % (room.meeting_id, room.doc_ids[0], room.chair.id), seq)
    assert applied is False and _page_of(portrait) == "4"

    # The chair gives the floor; the tablets show the speaker.
    chair.click(".live-queue--control .live-queue__item button")
    # (In portrait the floor panel is a drawer: the speaker is listed there, closed.)
    portrait.wait_for_selector(".live-speaker", state="attached")
    screenshot(portrait, "live-tablet-speaking-800x1280")
    screenshot(chair, "live-console-speaking-1280x800")

    # The secretariat's console in portrait.
    secretariat = new_page(TABLET_PORTRAIT)
    browser_login(secretariat, base, room.secretariat.username, PASSWORD)
    secretariat.goto(f"{base}/meetings/{room.meeting_id}/live/console")
    _connected(secretariat)
    secretariat.wait_for_function("document.body.dataset.viewPage === '4'")
    screenshot(secretariat, "live-secretariat-console-800x1280")
