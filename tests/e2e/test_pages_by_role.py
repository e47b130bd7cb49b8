"""Every control of every page is a touch target of at least 44×44 CSS px, for every role, on a
landscape tablet (1280×800), a portrait tablet (800×1280) and a phone (390×844).

Measured in Chromium on the demo province (`seed-demo`): every visible a, button, input, select
and summary. The only exceptions, on purpose:
- a link inside running text (a <p>): it is a word in a sentence, not a control;
- a checkbox or radio button inside its <label>: the label is the target (it is measured instead);
- an element of 1×1 px or less: text for screen readers (a skip link shows itself on focus).
The pages are every HTML page of the app: a completeness check fails when a new page has no row.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE = {"width": 390, "height": 844}
VIEWPORTS = (TABLET_LANDSCAPE, TABLET_PORTRAIT, PHONE)
MIN = 44
DEMO_PASSWORD = "demo12345"

# [label, width, height] of each control under 44×44 px on the page as it is now.
SMALL_TARGETS = """(min) => {
  const describe = (node) => {
    const text = (node.getAttribute('aria-label') || node.textContent || node.value || '').trim().replace(/\\s+/g, ' ');
    return `${node.tagName.toLowerCase()}${node.className ? '.' + String(node.className).trim().split(/\\s+/).join('.') : ''} "${text.slice(0, 40)}"`;
  };
  const found = [];
  for (const node of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (!node.checkVisibility({ visibilityProperty: true })) continue;
    if (node.matches('a') && node.closest('p')) continue;          // a word of a sentence
    let target = node;
    if (node.matches('input[type=checkbox], input[type=radio]') && node.closest('label')) target = node.closest('label');
    const box = target.getBoundingClientRect();
    if (box.width <= 1 && box.height <= 1) continue;              // for screen readers only
    if (box.width < min - 0.5 || box.height < min - 0.5) {
      found.push([describe(node), Math.round(box.width * 10) / 10, Math.round(box.height * 10) / 10]);
    }
  }
  return found;
}"""

# Pages that are not HTML pages a person works in (files, the service worker, the PKI's files).
NOT_PAGES = {
    "documents.book", "documents.document_file", "documents.version_file", "documents.service_worker",
    "documents.legacy_service_worker", "live.display_document", "signing.ca_certificate", "signing.crl",
    "meetings.index",  # a redirect to meetings.home
    "documents.offline_messages",  # the service worker's messages (JSON)
}


@pytest.fixture(scope="module")
def demo(module_live_server):
    """The demo province, plus what some pages need: a poll sent and one in draft, an invitation
    group, the room display's token and a session whose minutes exist."""
    from sqlalchemy import select

    from ecabinet.accounts.models import Unit, User
    from ecabinet.bodies.groups import create_group
    from ecabinet.bodies.models import Body, BodyKind
    from ecabinet.demo import seed_demo
    from ecabinet.documents.models import Document
    from ecabinet.extensions import db
    from ecabinet.live.operations import issue_display_token
    from ecabinet.meetings.models import Meeting, MeetingStatus
    from ecabinet.polls import operations as polls

    app = module_live_server.app
    with app.app_context(), app.test_request_context():
        seed_demo()
        user = {u.username: u for u in db.session.execute(select(User)).scalars()}
        province = db.session.execute(select(Body).where(Body.kind == BodyKind.PROVINCIAL)).scalar_one()
        meetings = db.session.execute(select(Meeting).where(Meeting.body_id == province.id)).scalars().all()
        upcoming = next(m for m in meetings if m.status == MeetingStatus.PUBLISHED)
        past = next(m for m in meetings if m.status == MeetingStatus.ENDED)
        document = db.session.execute(select(Document).where(Document.meeting_id == upcoming.id)
                                      .order_by(Document.id)).scalars().first()
        group = create_group(province, "Lãnh đạo UBND tỉnh", [user["chutich"], user["pct.kinhte"]],
                             actor=user["thuky"])
        sent = polls.create_poll(province, title="Dự thảo Kế hoạch cải cách hành chính năm 2027",
                                 questions=["Tán thành dự thảo Kế hoạch?"], actor=user["thuky"])
        polls.send_poll(sent, actor=user["thuky"])
        draft = polls.create_poll(province, title="Dự thảo Quy chế phối hợp", questions=["Tán thành?"],
                                  actor=user["thuky"])
        token = issue_display_token(upcoming, actor=user["thuky"])
        db.session.commit()
        ids = dict(upcoming=upcoming.id, past=past.id, document=document.id, item=upcoming.agenda_items[0].id,
                   body=province.id, group=group.id, poll=sent.id, draft_poll=draft.id,
                   user=user["gd.taichinh"].id, unit=db.session.execute(select(Unit.id)).scalars().first())
        db.session.remove()
    return module_live_server, ids, token


# (endpoint, role, path): every page, as the role that works in it (several roles where what they
# see differs). `None` role: signed out.
PAGES = [
    ("accounts.login", None, "/login"),
    ("documents.offline", None, "/offline"),
    ("live.display", None, "/live/display/{upcoming}"),
    ("meetings.home", "gd.taichinh", "/meetings"),
    ("meetings.show", "gd.taichinh", "/meetings/{upcoming}"),
    ("documents.read", "gd.taichinh", "/meetings/{upcoming}/documents/{document}/read"),
    ("live.tablet", "gd.taichinh", "/meetings/{upcoming}/live"),
    ("minutes.show", "gd.taichinh", "/meetings/{past}/minutes"),
    ("polls.index", "gd.taichinh", "/polls"),
    ("polls.show", "gd.taichinh", "/polls/{poll}"),
    ("accounts.change_password", "gd.taichinh", "/account/password"),
    ("signing.verification", "gd.taichinh", "/verification"),
    ("meetings.show", "pgd.taichinh", "/meetings/{upcoming}"),
    ("live.tablet", "pgd.taichinh", "/meetings/{upcoming}/live"),
    ("meetings.show", "chutich", "/meetings/{upcoming}"),
    ("live.console", "chutich", "/meetings/{upcoming}/live/console"),
    ("meetings.home", "thuky", "/meetings"),
    ("meetings.show", "thuky", "/meetings/{upcoming}"),
    ("meetings.show", "thuky", "/meetings/{past}"),
    ("meetings.new_meeting", "thuky", "/meetings/new"),
    ("meetings.edit_meeting", "thuky", "/meetings/{upcoming}/edit"),
    ("meetings.edit_agenda_item", "thuky", "/meetings/{upcoming}/agenda/{item}"),
    ("documents.upload", "thuky", "/meetings/{upcoming}/documents/upload"),
    ("documents.edit", "thuky", "/meetings/{upcoming}/documents/{document}/edit"),
    ("live.console", "thuky", "/meetings/{upcoming}/live/console"),
    ("minutes.show", "thuky", "/meetings/{past}/minutes"),
    ("notices.show", "thuky", "/meetings/{past}/notice"),
    ("bodies.group_list", "thuky", "/bodies/{body}/groups"),
    ("bodies.group_edit", "thuky", "/bodies/{body}/groups/{group}"),
    ("polls.new_poll", "thuky", "/bodies/{body}/polls/new"),
    ("polls.edit", "thuky", "/polls/{draft_poll}/edit"),
    ("polls.index", "thuky", "/polls"),
    ("accounts.users", "quantri", "/admin/users"),
    ("accounts.new_user", "quantri", "/admin/users/new"),
    ("accounts.edit_user", "quantri", "/admin/users/{user}"),
    ("accounts.units", "quantri", "/admin/units"),
    ("accounts.edit_unit", "quantri", "/admin/units/{unit}"),
    ("bodies.index", "quantri", "/admin/bodies"),
    ("bodies.edit", "quantri", "/admin/bodies/{body}"),
    ("bodies.calendar", "quantri", "/admin/calendar"),
    ("signing.certificates", "quantri", "/admin/certificates"),
    ("errors.not_found", "gd.taichinh", "/meetings/999999"),
]
ROLES = sorted({role for _endpoint, role, _path in PAGES if role}) + [None]


def test_every_page_has_a_row(app):
    """A new HTML page must be measured too."""
    pages = {endpoint for endpoint, _role, _path in PAGES}
    routes = {rule.endpoint for rule in app.url_map.iter_rules()
              if "GET" in rule.methods and not rule.rule.startswith(("/api/", "/static/"))}
    assert routes - NOT_PAGES - pages == set()


def _settle(page):
    """Wait for what a page draws after it loads: the live pages their lists, from the socket's
    snapshot (in once they say connected), the reader its document."""
    page.wait_for_load_state("load")
    conn = page.locator('[data-live="conn"]')
    if conn.count():
        expect(conn.first).to_have_attribute("data-state", "connected", timeout=10_000)
    if page.locator("#reader").count():
        expect(page.locator("#reader")).to_have_class(re.compile(r"\bis-ready\b"), timeout=20_000)


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "signed-out")
def test_every_control_is_a_44px_touch_target(demo, new_page, role):
    server, ids, token = demo
    page = new_page(TABLET_LANDSCAPE)
    if role:
        browser_login(page, server.url, role, DEMO_PASSWORD)
    problems = []
    for endpoint, page_role, path in PAGES:
        if page_role != role:
            continue
        url = server.url + path.format(**ids) + ("#" + token if endpoint == "live.display" else "")
        page.set_viewport_size(TABLET_LANDSCAPE)
        response = page.goto(url)
        expected = 404 if endpoint == "errors.not_found" else 200
        assert response.status == expected, (url, response.status)
        _settle(page)
        for viewport in VIEWPORTS:
            page.set_viewport_size(viewport)
            page.wait_for_timeout(150)
            for label, width, height in page.evaluate(SMALL_TARGETS, MIN):
                problems.append(f"{path} {viewport['width']}x{viewport['height']}: {label} {width}×{height}")
    assert not problems, "\n".join(problems)


def test_the_measure_finds_a_small_control(demo, new_page):
    """The check itself: a 30 px button and a bare table link are caught, a link in a sentence is not."""
    server, _ids, _token = demo
    page = new_page(TABLET_LANDSCAPE)
    page.goto(f"{server.url}/login")
    page.evaluate("""() => {
        const box = document.createElement('div');
        box.innerHTML = '<button id="tiny">x</button><p>Đọc <a href="/x" id="inline">quy chế</a>.</p>'
                      + '<table><tr><td><a href="/y" id="cell">Sửa</a></td></tr></table>';
        document.body.prepend(box);
        document.getElementById('tiny').classList.add('u-m0');
    }""")
    found = " ".join(label for label, _w, _h in page.evaluate(SMALL_TARGETS, MIN))
    assert re.search(r'button\.u-m0 "x"', found) and '"Sửa"' in found and "quy chế" not in found


# -- one way in, the tools grouped, the agenda with its documents, the reader ------------------

def _login(new_page, server, role, viewport=TABLET_LANDSCAPE):
    page = new_page(viewport)
    browser_login(page, server.url, role, DEMO_PASSWORD)
    return page


def _agenda_titles(server, meeting_id):
    from ecabinet.extensions import db
    from ecabinet.meetings.models import Meeting

    with server.app.app_context():
        titles = [item.title for item in db.session.get(Meeting, meeting_id).agenda_items]
        db.session.remove()
    return titles


def test_a_member_enters_the_room_from_one_button_and_finds_each_title_once(demo, new_page):
    server, ids, _token = demo
    titles = _agenda_titles(server, ids["upcoming"])
    for viewport, label in ((TABLET_LANDSCAPE, "1280x800"), (TABLET_PORTRAIT, "800x1280"), (PHONE, "390x844")):
        page = _login(new_page, server, "gd.taichinh", viewport)
        page.goto(f"{server.url}/meetings/{ids['upcoming']}")
        expect(page.locator(".page-header .badge").first).to_have_text(re.compile("Sắp diễn ra|Hôm nay"))
        assert page.locator(".lifecycle").count() == 0
        # Each agenda title once on the page; the item's own document is named by its kind under it.
        text = page.locator("main").inner_text()
        for title in titles:
            assert text.count(title) == 1, title
        # Under its item a document is named by its kind when it bears the item's title, else by its
        # own title (the demo's carry their numbers): never the item's title again.
        first = page.locator(".agenda-item").first
        assert first.locator(".doc-row__title").first.inner_text() not in titles
        screenshot(page, f"pages-session-member-{label}")
        enter = page.get_by_role("link", name="Vào phòng họp")
        expect(enter).to_have_count(1)
        enter.click()
        page.wait_for_url(re.compile(rf"/meetings/{ids['upcoming']}/live$"))
        if viewport is not TABLET_LANDSCAPE:
            page.locator('.live-strip [aria-controls="live-rail-start"]').tap()
        groups = page.locator('[data-live="documents"] > .live-docs__group[data-item-id]:not([data-item-id=general])')
        expect(groups).to_have_count(len(titles))
        listed = page.locator('[data-live="documents"]').inner_text()
        for title in titles:
            assert listed.count(title) == 1, title
        assert page.locator('[data-live="agenda"]').count() == 0  # no second list of the same titles
        expect(page.locator('[data-live="status-badge"]')).to_have_text(re.compile("Sắp diễn ra|Hôm nay"))
        screenshot(page, f"pages-live-member-{label}")


def test_the_secretariats_tools_are_one_menu_that_opens_and_closes(demo, new_page):
    server, ids, _token = demo
    page = _login(new_page, server, "thuky")
    page.goto(f"{server.url}/meetings/{ids['upcoming']}")
    header = page.locator(".page-header")
    expect(header.get_by_role("link", name="Vào phòng họp")).to_have_attribute(
        "href", f"/meetings/{ids['upcoming']}/live/console")
    manage = header.locator("summary", has_text="Quản lý")
    menu = header.locator(".menu__panel")
    expect(menu).to_be_hidden()
    manage.click()
    for name in ("Sửa thông tin phiên họp", "Mở giao diện máy tính bảng của thành viên"):
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    expect(menu.get_by_role("button", name="Liên kết màn hình trình chiếu")).to_be_visible()
    screenshot(page, "pages-session-secretariat-menu-1280x800")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(manage).to_be_focused()
    manage.click()
    page.locator("h1").click()  # a tap elsewhere closes it too
    expect(menu).to_be_hidden()
    # A row's actions: one menu, opened on its own.
    row = page.locator(".agenda-item").nth(1).locator(".agenda-item__tools")
    row.locator("summary.menu__button").click()
    expect(row.get_by_role("link", name="Sửa")).to_be_visible()
    expect(row.get_by_role("button", name="Chuyển lên")).to_be_visible()
    expect(header.locator(".menu__panel")).to_be_hidden()


def test_the_readers_back_is_top_left_and_the_page_keeps_the_screen(demo, new_page):
    server, ids, _token = demo
    for viewport, label in ((TABLET_LANDSCAPE, "1280x800"), (TABLET_PORTRAIT, "800x1280"), (PHONE, "390x844")):
        page = _login(new_page, server, "gd.taichinh", viewport)
        page.goto(f"{server.url}/meetings/{ids['upcoming']}/documents/{ids['document']}/read")
        page.wait_for_selector(".reader.is-ready", timeout=20_000)
        boxes = page.evaluate("""() => {
            const box = (selector) => { const b = document.querySelector(selector).getBoundingClientRect();
                                        return { x: b.x, y: b.y, width: b.width, height: b.height }; };
            const controls = Array.from(document.querySelectorAll('.reader-bar a, .reader-bar button, .reader-bar input'))
              .filter((node) => node.checkVisibility()).map((node) => node.getBoundingClientRect());
            return { back: box('.reader-bar__back'), bar: box('.reader-bar'), stage: box('.reader-stage'),
                     top: Math.min(...controls.map((b) => b.y)), left: Math.min(...controls.map((b) => b.x)),
                     notes: document.querySelector('[data-toggle="notes"] svg').innerHTML };
        }""")
        # "Back" is the first control of the bar's first row, at its left.
        assert boxes["back"]["x"] <= boxes["left"] + 1 and boxes["back"]["y"] <= boxes["top"] + 1, boxes
        # The bar takes at most two rows of controls; the page has the rest.
        assert boxes["bar"]["height"] <= 2 * 48 + 3 * 8 + 6, boxes
        assert boxes["stage"]["height"] >= 0.75 * viewport["height"], boxes
        # The notes tool has its own icon, not the pencil of "edit".
        assert "M4 20h4L19 9" not in boxes["notes"]
        screenshot(page, f"pages-reader-member-{label}")
