"""Browser test on a real `ecabinet run` process: the secretariat reorders the agenda with the
up/down buttons and by dragging the handle (SortableJS), and the order survives a reload."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting, MeetingStatus
from tests.conftest import TABLET_LANDSCAPE, browser_login, screenshot
from tests.factories import PASSWORD, create_meeting, create_secretariat, create_user

pytestmark = [pytest.mark.browser, pytest.mark.server]

AGENDA = ["Báo cáo tình hình kinh tế – xã hội tháng 11",
          "Tờ trình về kế hoạch đầu tư công năm 2031",
          "Dự thảo Quy chế làm việc của UBND tỉnh",
          "Tờ trình về bảng giá đất"]


def seed(live_server):
    with live_server.app.app_context():
        secretariat = create_secretariat(username="thu.ky", full_name="Nguyễn Thị Minh Thư")
        # Three weeks ahead, as sessions are prepared: no late-documents notice above the agenda, so the
        # whole list stays inside the viewport the mouse drags in.
        meeting = create_meeting("Phiên họp UBND tỉnh thường kỳ tháng 12", status=MeetingStatus.PUBLISHED,
                                 actor=secretariat, agenda=AGENDA, chair=create_user(full_name="Nguyễn Văn Hùng"),
                                 starts_in=timedelta(days=21))
        return meeting.id


def stored_order(live_server, meeting_id):
    with live_server.app.app_context():
        db.session.remove()
        meeting = db.session.get(Meeting, meeting_id)
        return [(item.position, item.title) for item in meeting.agenda_items]


def titles(page):
    return page.locator(".agenda-item__title").all_inner_texts()


def numbers(page):
    return page.locator(".agenda-item__no").all_inner_texts()


def expect_numbered(page):
    """The badges read 1, 2, 3, 4 again: after a drag the page renumbers them once the server has
    taken the new order (the response's handler, a moment after the response itself)."""
    expect(page.locator(".agenda-item__no")).to_have_text(["1", "2", "3", "4"])


def press(page, index, name):
    """Click a move button in the menu of item `index` and wait for the page it posts to to load."""
    item = page.locator(".agenda-item").nth(index)
    item.locator(".agenda-item__tools summary.menu__button").click()
    with page.expect_navigation():
        item.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def offered(page, index, name):
    """Whether the menu of item `index` offers that move (the first item cannot go up, the last down)."""
    item = page.locator(".agenda-item").nth(index)
    item.locator(".agenda-item__tools summary.menu__button").click()
    count = item.get_by_role("button", name=name).count()
    page.keyboard.press("Escape")
    return count > 0


def settled(page):
    """Wait until Sortable's swap animations are over (it clears the inline transforms)."""
    page.wait_for_function("""() => Array.from(document.querySelectorAll('#agenda-list > li'))
        .every(li => !li.style.transform || li.style.transform === 'none')""")


def drag(page, source_index, target_index):
    """Press on item source_index's handle and move it, slot by slot, onto item target_index's slot."""
    settled(page)
    page.evaluate("window.scrollTo(0, 0)")
    slots = [page.locator(".agenda-item").nth(i).bounding_box() for i in range(page.locator(".agenda-item").count())]
    handle = page.locator(".agenda-item").nth(source_index).locator(".drag-handle").bounding_box()
    x = handle["x"] + handle["width"] / 2
    page.mouse.move(x, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    step = 1 if target_index > source_index else -1
    for index in range(source_index + step, target_index + step, step):
        slot = slots[index]
        # Past the middle of the next slot, in the direction of the move, so Sortable swaps with it.
        page.mouse.move(x, slot["y"] + slot["height"] * (0.5 + 0.3 * step), steps=10)
        settled(page)
    with page.expect_response(lambda r: r.url.endswith("/agenda/order") and r.request.method == "PUT") as reply:
        page.mouse.up()
    assert reply.value.status == 200, reply.value.text()
    settled(page)


def test_the_secretariat_reorders_the_agenda_with_buttons_and_by_dragging(live_server, new_page):
    meeting_id = seed(live_server)
    base = live_server.url
    # With motion: drag() is choreographed on Sortable's swap animation (settled() waits for it, and
    # each move stops past the middle of the next slot). Under reduced motion the page asks Sortable
    # for no animation, and Sortable then swaps on other moves of these synthetic steps (one late,
    # or one early): the items end up elsewhere than a person's continuous drag would put them.
    page = new_page(viewport=TABLET_LANDSCAPE, reduced_motion="no-preference")
    page.on("dialog", lambda dialog: dialog.accept())
    browser_login(page, base, "thu.ky", PASSWORD)
    page.goto(f"{base}/meetings/{meeting_id}")
    assert titles(page) == AGENDA
    a, b, c, d = AGENDA

    # The buttons: the first item down one place, then the last item up one place.
    press(page, 0, "Chuyển xuống")
    assert titles(page) == [b, a, c, d]
    press(page, 3, "Chuyển lên")
    assert titles(page) == [b, a, d, c]
    assert stored_order(live_server, meeting_id) == list(enumerate([b, a, d, c]))
    # At the ends the menu does not offer a move that cannot be made.
    assert not offered(page, 0, "Chuyển lên") and offered(page, 0, "Chuyển xuống")
    assert not offered(page, 3, "Chuyển xuống") and offered(page, 3, "Chuyển lên")
    assert titles(page) == [b, a, d, c]

    # Dragging: the last item to the top, then the (new) second item to the bottom.
    drag(page, 3, 0)
    assert titles(page) == [c, b, a, d]
    expect_numbered(page)
    assert stored_order(live_server, meeting_id) == list(enumerate([c, b, a, d]))
    drag(page, 1, 3)
    assert titles(page) == [c, a, d, b]
    expect_numbered(page)

    page.reload()
    assert titles(page) == [c, a, d, b]
    assert numbers(page) == ["1", "2", "3", "4"]
    assert stored_order(live_server, meeting_id) == list(enumerate([c, a, d, b]))
    screenshot(page, "agenda-reorder-1280x800")

    # Once the session has ended, neither the handle nor the buttons are offered.
    for action in ("start", "end"):
        page.evaluate("""async ([url]) => {
            const r = await window.ecabinetFetch(url, {method: "POST"});
            if (!r.ok) throw new Error(await r.text());
        }""", [f"/api/v1/meetings/{meeting_id}/{action}"])
    page.reload()
    assert titles(page) == [c, a, d, b]
    assert page.locator(".drag-handle").count() == 0
    assert page.get_by_role("button", name="Chuyển lên").count() == 0
    assert page.locator(".agenda-item summary.menu__button").count() == 0
