"""A ballot in Chromium: the chair prepares and opens it on the console, three member tablets
(1280×800 and 800×1280) vote on the sheet with its confirmation step, the chair closes it, and the
result shows on every screen. Screenshots under test-artifacts/screenshots/ballot-*."""
import pytest
from playwright.sync_api import expect

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
    # (The room's count can come before the organisers' copy that says who has voted.)
    expect(chair.locator(".ballot-notvoted__row")).to_have_count(1)
    expect(chair.locator(".ballot-notvoted__row")).to_contain_text(room.members[2].full_name)
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


def test_a_vote_by_hand_is_confirmed_and_the_chair_settles_a_tied_secret_ballot(live_server, new_page):
    """The session's secretariat records two votes by hand on its console, each after a confirmation
    that names the member and the choice (a cancelled one records nothing); it cannot open or close
    the ballot. Two members vote from their tablets' API. The secret ballot is tied (2 of 4 present)
    and the body's rule lets the chair decide: closing asks the chair for the deciding choice, and the
    result says how the tie was settled."""
    import requests

    from ecabinet.accounts.models import User
    from ecabinet.extensions import db
    from ecabinet.live import operations as live
    from ecabinet.meetings.models import Meeting
    from ecabinet.voting import operations as voting

    room = Room(live_server.app)
    base = live_server.url
    with live_server.app.app_context():
        meeting = db.session.get(Meeting, room.meeting_id)
        meeting.rules = {**(meeting.rules or {}), "tie": "chair_decides"}
        for member in room.members:
            user = db.session.get(User, member.id)
            live.check_in(meeting.participant_for(user), actor=user)
        secretariat = db.session.get(User, room.secretariat.id)
        with live_server.app.test_request_context():
            ballot = voting.create_ballot(meeting, actor=secretariat, secret=True, rule="majority_of_present",
                                          question="Thông qua phương án phân bổ vốn đầu tư công năm 2027?")
        db.session.commit()
        ballot_id = ballot.id
        db.session.remove()

    chair = new_page(TABLET_LANDSCAPE)
    browser_login(chair, base, room.chair.username, PASSWORD)
    chair.goto(f"{base}/meetings/{room.meeting_id}/live/console")
    _connected(chair)
    office = new_page(TABLET_PORTRAIT)
    browser_login(office, base, room.secretariat.username, PASSWORD)
    office.goto(f"{base}/meetings/{room.meeting_id}/live/console")
    _connected(office)

    # The secretariat prepares and records, the chair opens and closes.
    # (On a portrait screen the panel waits in the attendance drawer until a ballot opens.)
    office.wait_for_selector(f'[data-ballot-id="{ballot_id}"] .ballot-item__note', state="attached")
    assert office.locator("[data-ballot-open]").count() == 0
    chair.click(f'[data-ballot-open="{ballot_id}"]')
    chair.wait_for_selector(f'[data-ballot-close="{ballot_id}"]')
    office.wait_for_selector(".ballot-notvoted__row [data-ballot-hand]")
    assert office.locator("[data-ballot-close]").count() == 0
    assert chair.locator("[data-ballot-hand]").count() == 0   # the chair watches; the secretariat records

    def row_of(page, name):
        return page.locator(".ballot-notvoted__row", has_text=name)

    def progress_is(page, text):
        page.wait_for_function("t => { const n = document.querySelector('.ballot-live__progress'); "
                               "return n && n.textContent.startsWith(t); }", arg=text)

    first, second, third, fourth = room.members
    # A choice is only a question until it is confirmed; cancelling records nothing.
    row_of(office, first.full_name).locator('[data-ballot-hand="no"]').click()
    office.wait_for_selector(f'[data-ballot-hand-confirm="{first.id}"]')
    assert first.full_name in office.locator(f'[data-ballot-hand-confirm="{first.id}"]').inner_text()
    row_of(office, first.full_name).get_by_role("button", name="Hủy").click()
    office.wait_for_selector(f'[data-ballot-hand-confirm="{first.id}"]', state="detached")
    progress_is(office, "0/4")

    for member, choice in ((first, "yes"), (second, "no")):
        row_of(office, member.full_name).locator(f'[data-ballot-hand="{choice}"]').click()
        office.wait_for_selector(f'[data-ballot-hand-confirm="{member.id}"] [data-ballot-hand-record]')
        if member is first:
            screenshot(office, "ballot-console-hand-confirm-800x1280")
        office.click(f'[data-ballot-hand-confirm="{member.id}"] [data-ballot-hand-record]')
        row_of(office, member.full_name).wait_for(state="detached")
    progress_is(office, "2/4")

    for member, choice in ((third, "yes"), (fourth, "no")):
        token = requests.post(f"{base}/api/v1/session", json={"username": member.username, "password": PASSWORD},
                              timeout=10).json()["token"]
        reply = requests.post(f"{base}/api/v1/ballots/{ballot_id}/votes", json={"choice": choice},
                              headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert reply.status_code == 201, reply.text
    progress_is(chair, "4/4")

    chair.click(f'[data-ballot-close="{ballot_id}"]')
    chair.wait_for_selector(f'[data-ballot-casting="{ballot_id}"]')
    screenshot(chair, "ballot-console-casting-1280x800")
    chair.click('[data-ballot-casting-choice="yes"]')
    chair.wait_for_selector(".ballot-item--closed [data-ballot-result]")
    result = chair.locator(".ballot-item--closed [data-ballot-result]").inner_text()
    assert "Thông qua" in result and "Chủ tọa quyết định" in result
    office.wait_for_selector('.ballot-item--closed [data-ballot-tie="chair_declared"]', state="attached")
    screenshot(chair, "ballot-console-casting-result-1280x800")
    screenshot(office, "ballot-console-casting-result-800x1280")
