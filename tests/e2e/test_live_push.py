"""Pushed at once, shown at once, in Chromium: an agenda item added while the session is live
appears on every tablet without a reload; ending the session shows "Phiên họp đã kết thúc" on the
member tablet, the console, the room display and the document reader, stops the clocks and "Bạn
đang phát biểu", and says the same after a reload. The reader of a draft session joins no room.
On a portrait tablet the panels are drawers, and a pinch zooms the presented page while following."""
import io
import uuid
from types import SimpleNamespace

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.e2e import test_live_browser
from tests.e2e.test_live_browser import (
    RENDER_TIMEOUT, _expect_connected, _expect_pdf_page, _mode, _start_item_2_and_present, open_drawer,
)
from tests.factories import PASSWORD

room = test_live_browser.room  # a live session whose items carry real PDFs

pytestmark = [pytest.mark.browser, pytest.mark.server]

ENDED = "Phiên họp đã kết thúc"
NEW_ITEM = "Tờ trình bổ sung: điều chỉnh dự toán ngân sách năm 2026"


def _open(new_page, server, user, viewport, path, **options):
    page = new_page(viewport, csp=True, **options)
    browser_login(page, server.url, user.username, PASSWORD)
    page.goto(f"{server.url}{path}")
    return page


def _bearer(server, username):
    response = requests.post(f"{server.url}/api/v1/session", json={"username": username, "password": PASSWORD},
                             timeout=10)
    assert response.ok, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _mark_document(page):
    """A marker a reload would drop: the change arrived in the same page."""
    page.evaluate("() => { window.__sameDocument = true; }")


def _expect_ended(page):
    expect(page.locator('[data-live="ended"]')).to_be_visible()
    expect(page.locator('[data-live="ended"]')).to_contain_text(ENDED)


def _canvas_width_until(page, predicate, timeout=RENDER_TIMEOUT / 1000):
    """Poll the drawn page's width until predicate(width) (wait_for_function would need eval)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        width = page.evaluate(BOX)["width"]
        if predicate(width) or time.monotonic() > deadline:
            return width
        page.wait_for_timeout(100)


def test_an_item_added_live_and_the_end_of_the_session_reach_every_screen(live_server, room, new_page):
    mid = room.meeting_id
    chair = _open(new_page, live_server, room.chair, TABLET_LANDSCAPE, f"/meetings/{mid}/live/console")
    member = _open(new_page, live_server, room.members[0], TABLET_LANDSCAPE, f"/meetings/{mid}/live")
    portrait = _open(new_page, live_server, room.members[1], TABLET_PORTRAIT, f"/meetings/{mid}/live")
    for page in (chair, member, portrait):
        _expect_connected(page)
        _mark_document(page)
        expect(page.locator('[data-live="status-badge"]')).to_have_text("Đang họp")
    reader = _open(new_page, live_server, room.members[2], TABLET_LANDSCAPE,
                   f"/meetings/{mid}/documents/{room.doc_ids[0]}/read")
    reader.wait_for_selector(".reader.is-ready", timeout=RENDER_TIMEOUT)
    assert reader.get_attribute("#reader", "data-live-room") == "1"  # live, and a participant
    _mark_document(reader)

    # The chair moves to item 2 and presents; a member asks for the floor and is given it.
    _start_item_2_and_present(chair, room, room.doc_ids[1], 2)
    member.locator('[data-live="floor-request"]').click()
    chair.get_by_role("button", name="Mời phát biểu").click()
    expect(member.locator('[data-live="floor-status"]')).to_have_text("Bạn đang phát biểu")
    expect(member.locator('[data-live="strip-timer"]')).not_to_have_text("")

    # The secretariat adds an item from the API: it appears on every tablet, no reload.
    api = _bearer(live_server, room.secretariat.username)
    response = requests.post(f"{live_server.url}/api/v1/meetings/{mid}/agenda", headers=api, timeout=10,
                             json={"title": NEW_ITEM, "presenter": "Sở Tài chính", "duration_minutes": 15})
    assert response.status_code == 201, response.text
    for page in (chair, member):
        agenda = page.locator('[data-live="documents"]')  # the agenda, each item with its documents
        expect(agenda.locator(".live-docs__group[data-item-id]:not([data-item-id=general])")).to_have_count(4)
        expect(agenda.locator(".live-docs__group").nth(3)).to_contain_text(NEW_ITEM)
        expect(agenda.locator(".live-docs__group.is-current")).to_contain_text("Báo cáo kinh tế")
    # In portrait the agenda is a drawer: the new item is there.
    open_drawer(portrait, "start")
    expect(portrait.locator('[data-live="documents"] .live-docs__group').nth(3)).to_contain_text(NEW_ITEM)
    expect(portrait.locator('[data-live="documents"]')).to_be_in_viewport()
    screenshot(portrait, "live-push-item-added-drawer-800x1280")
    portrait.keyboard.press("Escape")
    expect(portrait.locator(".live-layout.is-start-open")).to_have_count(0)
    screenshot(member, "live-push-item-added-tablet-1280x800")
    # The chair's console can move to it at once.
    chair.locator(".live-docs__head", has_text=NEW_ITEM).click()
    for page in (member, portrait):
        expect(page.locator('[data-live="strip-item-title"]')).to_contain_text(f"4. {NEW_ITEM}")

    # The chair ends the session from the console (it asks first).
    chair.on("dialog", lambda dialog: dialog.accept())
    chair.get_by_role("button", name="Kết thúc phiên họp").click()
    chair.wait_for_url(f"**/meetings/{mid}")
    for page in (member, portrait):
        _expect_ended(page)
        expect(page.locator('[data-live="status-badge"]')).to_have_text("Đã kết thúc")
        expect(page.locator('[data-live="strip-item"]')).to_be_hidden()
        expect(page.locator('[data-live="floor-status"]')).to_be_hidden()
        expect(page.locator('[data-live="floor-request"]')).to_be_hidden()
        expect(page.locator('[data-live="speaking-timer"]')).to_have_count(0)
        assert page.evaluate("window.__sameDocument") is True
    expect(member.get_by_text("Bạn đang phát biểu")).to_be_hidden()
    expect(reader.locator("[data-ended]")).to_be_visible()
    expect(reader.locator("[data-ended]")).to_contain_text(ENDED)
    assert reader.evaluate("window.__sameDocument") is True
    screenshot(member, "live-push-ended-tablet-1280x800")
    screenshot(portrait, "live-push-ended-tablet-800x1280")
    screenshot(reader, "live-push-ended-reader-1280x800")

    # ... and after a reload, from the server's page and the join snapshot.
    for page in (member, portrait, reader):
        page.reload()
    for page in (member, portrait):
        _expect_connected(page)
        _expect_ended(page)
        expect(page.locator('[data-live="status-badge"]')).to_have_text("Đã kết thúc")
        expect(page.locator('[data-live="floor-status"]')).to_be_hidden()
        expect(page.locator('[data-live="strip-item"]')).to_be_hidden()
    expect(reader.locator("[data-ended]")).to_be_visible()
    assert reader.get_attribute("#reader", "data-live-room") == "0"
    console = _open(new_page, live_server, room.secretariat, TABLET_PORTRAIT, f"/meetings/{mid}/live/console")
    _expect_connected(console)
    _expect_ended(console)
    expect(console.locator('[data-live="session-action"]')).to_have_count(0)  # nothing left to start or end
    screenshot(console, "live-push-ended-console-800x1280")
    screenshot(portrait, "live-push-ended-reloaded-800x1280")


def test_the_room_display_and_the_console_hear_the_start_and_the_end(live_server, new_page):
    from ecabinet.extensions import db
    from ecabinet.live import operations
    from ecabinet.meetings.models import MeetingStatus
    from tests.factories import create_meeting, create_secretariat, create_user

    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        secretariat = create_secretariat(username=f"vp{tag}", full_name="Trần Thị Thư Ký")
        chair = create_user(username=f"ct{tag}", full_name="Nguyễn Văn Chủ Tịch")
        member = create_user(username=f"tv{tag}", full_name="Lê Văn Hùng")
        meeting = create_meeting("Phiên họp chuyên đề về chuyển đổi số", status=MeetingStatus.PUBLISHED,
                                 actor=secretariat, chair=chair, members=[member],
                                 agenda=("Đề án chuyển đổi số", "Kế hoạch năm 2027"))
        token = operations.issue_display_token(meeting, actor=secretariat)
        db.session.commit()
        mid, users = meeting.id, {"secretariat": secretariat.username, "member": member.username}
        db.session.remove()
    display = new_page({"width": 1920, "height": 1080}, csp=True)
    display.goto(f"{live_server.url}/live/display/{mid}#{token}")
    _expect_connected(display)
    console = _open(new_page, live_server, SimpleNamespace(username=users["secretariat"]), TABLET_LANDSCAPE,
                    f"/meetings/{mid}/live/console")
    tablet = _open(new_page, live_server, SimpleNamespace(username=users["member"]), TABLET_PORTRAIT,
                   f"/meetings/{mid}/live")
    for page in (console, tablet):
        _expect_connected(page)
    # The secretariat reads the workflow's label, a member when the session is (in two days).
    expect(console.locator('[data-live="status-badge"]')).to_have_text("Đã công bố")
    expect(tablet.locator('[data-live="status-badge"]')).to_have_text("Sắp diễn ra")
    expect(console.get_by_role("button", name="Bắt đầu phiên họp")).to_be_visible()

    api = _bearer(live_server, users["secretariat"])
    assert requests.post(f"{live_server.url}/api/v1/meetings/{mid}/start", headers=api, timeout=10).ok
    for page in (console, tablet):
        expect(page.locator('[data-live="status-badge"]')).to_have_text("Đang họp")
    # The console offers the end now, and the tablet can ask for the floor.
    expect(console.get_by_role("button", name="Kết thúc phiên họp")).to_be_visible()
    expect(console.get_by_role("button", name="Bắt đầu phiên họp")).to_be_hidden()
    expect(tablet.locator('[data-live="floor-request"]')).to_be_visible()

    assert requests.post(f"{live_server.url}/api/v1/meetings/{mid}/end", headers=api, timeout=10).ok
    for page in (console, tablet, display):
        _expect_ended(page)
    expect(console.get_by_role("button", name="Kết thúc phiên họp")).to_be_hidden()
    screenshot(display, "live-push-ended-display-1920x1080")
    screenshot(console, "live-push-ended-console-1280x800")
    # A reload of the display: its token no longer opens the room, and it still says why.
    display.reload()
    _expect_ended(display)


def _audit_count(app, **where):
    from ecabinet.audit.models import AuditEntry
    from ecabinet.extensions import db

    with app.app_context():
        query = select(func.count(AuditEntry.id))
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        count = db.session.execute(query).scalar()
        db.session.remove()
        return count


def test_the_reader_of_a_draft_session_joins_no_room_and_refetches_when_shown(live_server, new_page):
    from ecabinet.demo_documents import fonts_available
    from tests.documents.pdfs import submission_pdf
    from ecabinet.documents.operations import add_document, prepare_file, receive_upload
    from ecabinet.extensions import db
    from tests.factories import create_meeting, create_secretariat, create_user

    if not fonts_available():
        pytest.skip("the DejaVu fonts (fonts-dejavu-core) are needed to draw the Vietnamese PDFs")
    tag = uuid.uuid4().hex[:6]

    def add(meeting, actor, title):
        prepared = prepare_file(receive_upload(io.BytesIO(submission_pdf(title, "Sở Tài chính", pages=2)),
                                               "to-trinh.pdf"))
        return add_document(meeting, prepared, actor=actor, title=title).id

    with live_server.app.app_context():
        secretariat = create_secretariat(username=f"vp{tag}")
        chair = create_user(username=f"ct{tag}", full_name="Nguyễn Văn Chủ Tịch")
        meeting = create_meeting("Phiên họp đang chuẩn bị", actor=secretariat, chair=chair)
        document_id = add(meeting, secretariat, "Dự thảo tờ trình")
        db.session.commit()
        mid, chair_id, secretariat_id = meeting.id, chair.id, secretariat.id
        db.session.remove()
    sent = []  # what the reader sends over its socket (kept only to hear a sign-out from the server)
    reader = new_page(TABLET_PORTRAIT, csp=True)
    reader.on("websocket", lambda socket: socket.on("framesent", lambda frame: sent.append(str(frame))))
    browser_login(reader, live_server.url, f"ct{tag}", PASSWORD)
    before = _audit_count(live_server.app, actor_id=chair_id)  # the login's entry
    reader.goto(f"{live_server.url}/meetings/{mid}/documents/{document_id}/read")
    reader.wait_for_selector(".reader.is-ready", timeout=RENDER_TIMEOUT)
    assert reader.get_attribute("#reader", "data-live-room") == "0"

    # A document is added while the reader is open; coming back to the reader shows it changed.
    with live_server.app.app_context():
        from ecabinet.accounts.models import User
        from ecabinet.meetings.models import Meeting

        add(db.session.get(Meeting, mid), db.session.get(User, secretariat_id), "Phụ lục kèm theo")
        db.session.commit()
        db.session.remove()
    with reader.expect_response(lambda response: response.url.endswith(f"/api/v1/meetings/{mid}/documents")):
        reader.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    expect(reader.locator("[data-banner]")).to_be_visible()
    expect(reader.locator("[data-banner-text]")).to_have_text("Tài liệu của phiên họp vừa được cập nhật.")
    screenshot(reader, "reader-draft-list-changed-800x1280")

    # No room was joined, and opening the document wrote no audit entry (no refused join).
    assert sent and not any('"join"' in frame for frame in sent), sent
    assert _audit_count(live_server.app, actor_id=chair_id) == before
    assert _audit_count(live_server.app, action="live.join_refused") == 0


CENTRE = """() => {
  const box = document.querySelector('[data-live="scroller"]').getBoundingClientRect();
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
}"""


def _pinch(page, spread_from, spread_to, steps=6):
    """Two fingers on the presented page moving apart, through Chromium's touch input (CDP)."""
    centre = page.evaluate(CENTRE)
    cdp = page.context.new_cdp_session(page)

    def points(spread):
        return [{"x": centre["x"] - spread / 2, "y": centre["y"], "id": 0},
                {"x": centre["x"] + spread / 2, "y": centre["y"], "id": 1}]

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points(spread_from)})
    for step in range(1, steps + 1):
        spread = spread_from + (spread_to - spread_from) * step / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": points(spread)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


BOX = """() => { const box = document.querySelector('[data-live="canvas"]').getBoundingClientRect();
                 return { width: box.width, height: box.height }; }"""


def test_a_pinch_zooms_the_presented_page_on_a_portrait_tablet_while_following(live_server, room, new_page):
    doc2 = room.doc_ids[1]
    mid = room.meeting_id
    chair = _open(new_page, live_server, room.chair, TABLET_LANDSCAPE, f"/meetings/{mid}/live/console")
    member = _open(new_page, live_server, room.members[0], TABLET_PORTRAIT, f"/meetings/{mid}/live")
    for page in (chair, member):
        _expect_connected(page)
    _start_item_2_and_present(chair, room, doc2, 2)
    _expect_pdf_page(member, doc2, 2, 5)
    fitted = member.evaluate(BOX)
    # The page takes the portrait screen: the panels are drawers, closed.
    assert fitted["width"] >= 0.85 * 800, fitted
    for side in ("start", "end"):
        expect(member.locator(f".live-layout.is-{side}-open")).to_have_count(0)
    expect(member.locator('[data-live="documents"]')).not_to_be_in_viewport()
    expect(member.locator('[data-live="check-in"]')).to_be_in_viewport()  # the member's own actions stay

    _pinch(member, 120, 300)
    expect(member.locator('[data-live="stage"]')).to_have_attribute("data-zoom", "zoomed")
    _canvas_width_until(member, lambda width: width > 1.5 * fitted["width"])
    zoomed = member.evaluate(BOX)
    assert zoomed["width"] > 1.5 * fitted["width"], (fitted, zoomed)
    assert _mode(member) == "follow"
    # The presenter turns the page: it arrives at the member's zoom, still following.
    chair.click('[data-live="next"]')
    _expect_pdf_page(member, doc2, 3, 5)
    assert abs(member.evaluate(BOX)["width"] - zoomed["width"]) < 2
    assert _mode(member) == "follow"
    screenshot(member, "live-pinch-zoomed-800x1280")

    # Pinching in goes back towards the whole page.
    _pinch(member, 300, 120)
    assert _canvas_width_until(member, lambda width: width < zoomed["width"] - 50) < zoomed["width"] - 50
    assert _mode(member) == "follow"

    # The drawers: the documents from the start side, the floor from the end side, over a scrim.
    open_drawer(member, "start")
    expect(member.locator('[data-live="documents"]')).to_be_in_viewport()
    screenshot(member, "live-drawer-documents-800x1280")
    member.locator('[data-live="scrim"]').click(position={"x": 700, "y": 600})
    expect(member.locator(".live-layout.is-start-open")).to_have_count(0)
    expect(member.locator('.live-strip [aria-controls="live-rail-start"]')).to_be_focused()  # back to its button
    open_drawer(member, "end")
    expect(member.locator('[data-live="queue"]')).to_be_in_viewport()
    screenshot(member, "live-drawer-floor-800x1280")
    member.keyboard.press("Escape")
    expect(member.locator(".live-layout.is-end-open")).to_have_count(0)
    expect(member.locator('.live-strip [aria-controls="live-rail-end"]')).to_be_focused()
