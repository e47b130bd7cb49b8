"""A ballot in Chromium: the chair prepares and opens it on the console, three member tablets
(1280×800 and 800×1280) vote on the sheet with its confirmation step, the chair closes it, and the
result shows on every screen. Screenshots under test-artifacts/screenshots/ballot-*."""
import pytest

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.factories import PASSWORD
from tests.live.conftest import Room

pytestmark = [pytest.mark.browser, pytest.mark.server]


def _connected(page):
    page.wait_for_selector('[data-live="conn"][data-state="connected"]')


def test_the_chair_opens_a_ballot_and_three_tablets_vote(live_server, new_page):
    room = Room(live_server.app)
    base = live_server.url
    chair = new_page(TABLET_LANDSCAPE)
    browser_login(chair, base, room.chair.username, PASSWORD)
    chair.goto(f"{base}/meetings/{room.meeting_id}/live/console")
    _connected(chair)

    tablets = []
    for member, viewport in zip(room.members[:3], (TABLET_LANDSCAPE, TABLET_PORTRAIT, TABLET_LANDSCAPE)):
        page = new_page(viewport)
        browser_login(page, base, member.username, PASSWORD)
        page.goto(f"{base}/meetings/{room.meeting_id}/live")
        _connected(page)
        page.click('[data-live="check-in"]')
        page.wait_for_selector('[data-live="checked-in"]:not([hidden])')
        tablets.append(page)
    landscape, portrait, third = tablets

    # The chair prepares the ballot in the console and opens it (three members and the chair
    # are not present: 3 of 5 is below the two-thirds quorum, so the console asks for a reason).
    chair.click(".ballot-prepare > summary")
    chair.fill('[data-ballot-form] textarea[name="question"]', "Thông qua Tờ trình kế hoạch đầu tư công năm 2027?")
    chair.click('[data-ballot-form] button[type="submit"]')
    chair.wait_for_selector("[data-ballot-open]")
    chair.click("[data-ballot-open]")
    chair.wait_for_selector(".ballot-override input")
    chair.fill(".ballot-override input", "Chủ tọa quyết định biểu quyết")
    chair.click(".ballot-override button")
    chair.wait_for_selector("[data-ballot-close]")

    # Every tablet gets the sheet at once; the document stays in view above it.
    for page in tablets:
        page.wait_for_selector('[data-ballot-sheet][data-state="vote"]')
    sheet = landscape.locator("[data-ballot-sheet]").bounding_box()
    assert sheet["height"] <= 0.5 * TABLET_LANDSCAPE["height"] + 1
    for button in landscape.locator(".ballot-choice").all():
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    screenshot(landscape, "ballot-tablet-vote-1280x800")
    screenshot(portrait, "ballot-tablet-vote-800x1280")

    def vote(page, choice):
        page.click(f'.ballot-choice[data-choice="{choice}"]')
        page.wait_for_selector('[data-ballot-sheet][data-state="confirm"]')
        if page is portrait:
            screenshot(portrait, "ballot-tablet-confirm-800x1280")
        page.click("[data-ballot-confirm]")
        page.wait_for_selector("[data-ballot-voted]")

    def progress_is(page, selector, text):
        page.wait_for_function("([s, t]) => { const n = document.querySelector(s); return n && n.textContent.startsWith(t); }",
                               arg=[selector, text])

    vote(landscape, "yes")
    vote(portrait, "yes")
    screenshot(landscape, "ballot-tablet-voted-1280x800")
    # The chair sees the count fill in and who has not voted yet (the chair did not check in: the
    # three members present are the voters).
    progress_is(chair, ".ballot-live__progress", "2/3")
    assert chair.locator(".ballot-notvoted__row").count() == 1
    assert room.members[2].full_name in chair.locator(".ballot-notvoted__row").inner_text()
    screenshot(chair, "ballot-console-open-1280x800")
    progress_is(third, "[data-ballot-progress]", "2/3")
    vote(third, "no")
    progress_is(chair, ".ballot-live__progress", "3/3")

    chair.click("[data-ballot-close]")
    for page in tablets:
        page.wait_for_selector(".ballot-sheet [data-ballot-result]")
    chair.wait_for_selector(".ballot-item--closed [data-ballot-result]")
    text = landscape.locator(".ballot-sheet [data-ballot-result]").inner_text()
    assert "Không thông qua" in text   # 2 of 5 members: not more than half of all members
    screenshot(landscape, "ballot-tablet-result-1280x800")
    screenshot(portrait, "ballot-tablet-result-800x1280")
    screenshot(chair, "ballot-console-result-1280x800")

    # The session page lists it with its stored result.
    chair.goto(f"{base}/meetings/{room.meeting_id}")
    chair.wait_for_selector("#ballots .ballot-row")
    screenshot(chair, "ballot-session-page-1280x800")
