"""Every page of the product, for every role, at 1280×800, 800×1280 and 390×844, in Vietnamese and
English: an axe-core audit (node_modules/axe-core, a devDependency) finds no serious or critical
violation, and a full-page screenshot of each goes to test-artifacts/screenshots/every-page/ to look
at. One server, one seeded database and one browser for the module; each role logs in once per
language. Pages run under their real Content-Security-Policy: axe is added as an init script
(Playwright injects it through the DevTools protocol, which the policy does not govern)."""
import io
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, SCREENSHOTS, TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
VIEWPORTS = (("1280x800", TABLET_LANDSCAPE), ("800x1280", TABLET_PORTRAIT), ("390x844", PHONE))
LANGUAGES = ("vi", "en")
SHOTS = SCREENSHOTS / "every-page"
RENDER_TIMEOUT = 20_000  # fetching, parsing and drawing a PDF page in a cold browser

# The audit: every rule axe runs by default (WCAG 2.x A/AA and best practices); the page fails on
# any violation axe rates serious or critical. Returns short lines to read in a failure.
AUDIT = """async () => {
  const result = await window.axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ` + v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(" | ")
                + (v.nodes.length > 4 ? ` (+${v.nodes.length - 4})` : ""));
}"""


# -- the seeded province -----------------------------------------------------------------

PEOPLE = [
    # key, username, full name, title, unit
    ("admin", "quantri", "Trần Quang Khải", "Quản trị hệ thống", "Trung tâm Tin học – Công báo"),
    ("office", "vanphong", "Nguyễn Thị Minh Thư", "Chuyên viên Phòng Tổng hợp", "Văn phòng UBND tỉnh"),
    ("chair", "chutich", "Nguyễn Văn Hùng", "Chủ tịch UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("secretary", "thuky", "Võ Thị Kim Oanh", "Chánh Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh"),
    ("member", "thanhvien", "Hoàng Thị Lan", "Giám đốc Sở", "Sở Tài chính"),
    ("guest", "khachmoi", "Cao Thị Bích Ngọc", "Phó Giám đốc Sở", "Sở Tài chính"),
    ("member2", "thanhvien2", "Vũ Đức Thắng", "Giám đốc Sở", "Sở Xây dựng"),  # the keyboard tests' member
]
MEMBERS = [
    ("Trần Thị Thu Hà", "Phó Chủ tịch Thường trực UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("Lê Minh Tuấn", "Phó Chủ tịch UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("Đỗ Mạnh Cường", "Giám đốc Sở", "Sở Y tế"),
    ("Dương Văn Khánh", "Giám đốc Sở", "Sở Nội vụ"),
]
AGENDA = (
    ("Báo cáo tình hình kinh tế – xã hội tháng 11 và nhiệm vụ trọng tâm tháng 12", "Sở Tài chính", "report", 4),
    ("Tờ trình về kế hoạch đầu tư công năm 2027", "Sở Tài chính", "submission", 5),
    ("Dự thảo Quy chế làm việc của UBND tỉnh nhiệm kỳ 2026–2031", "Sở Nội vụ", "draft", 3),
)


def _seed():
    """A province, its roster and one session in each state, documents with real PDFs, polls,
    minutes in draft and a room display token. Returns the ids the pages need."""
    from datetime import datetime, timedelta

    from ecabinet.core.timeutil import LOCAL_TZ

    from ecabinet.bodies import groups
    from ecabinet.bodies import operations as bodies
    from ecabinet.bodies.models import BodyKind, RosterRole
    from ecabinet.documents import operations as documents
    from ecabinet.documents.models import Classification
    from ecabinet.extensions import db
    from ecabinet.live import operations as live
    from ecabinet.meetings import operations as meetings
    from ecabinet.meetings.models import MeetingStatus
    from ecabinet.polls import operations as polls
    from ecabinet.voting import operations as voting
    from tests.documents.pdfs import submission_pdf
    from tests.factories import create_meeting, create_user

    people = {}
    for key, username, name, title, unit in PEOPLE:
        people[key] = create_user(username, name, title=title, unit=unit, is_admin=key == "admin",
                                  is_secretariat=key == "office")
    others = [create_user(None, name, title=title, unit=unit) for name, title, unit in MEMBERS]
    chair, secretary, member, guest, office = (people[k] for k in ("chair", "secretary", "member", "guest", "office"))
    members = [member, *others, people["member2"]]

    province = bodies.default_body()
    bodies.update_body(province, name="Ủy ban nhân dân tỉnh Lai Châu", kind=BodyKind.PROVINCIAL,
                       short_name="UBND tỉnh", place_name="Lai Châu")
    bodies.set_roster_place(province, chair, role=RosterRole.CHAIR, position="Chủ tịch", rank=10)
    for rank, person in enumerate(members, start=20):
        bodies.set_roster_place(province, person, role=RosterRole.MEMBER, position="Ủy viên", rank=rank)
    bodies.set_roster_place(province, office, role=RosterRole.SECRETARIAT, rank=1000)
    group = groups.create_group(province, "Lãnh đạo UBND tỉnh", [chair, *others[:2]])

    # Each document drawn and checked once, then stored with every session that carries it (drawing
    # a Vietnamese PDF and the upload checks take most of the seeding time).
    prepared_files = {}

    def prepared(number, title, unit, pages):
        if title not in prepared_files:
            data = submission_pdf(title, unit, pages=pages, number=f"{17 * number}/TTr-STC")
            prepared_files[title] = documents.prepare_file(
                documents.receive_upload(io.BytesIO(data), f"tai-lieu-{number}.pdf"))
        return prepared_files[title]

    def add_documents(meeting, count=len(AGENDA)):
        ids = []
        for item, (title, unit, kind, pages) in list(zip(meeting.agenda_items, AGENDA))[:count]:
            classification = Classification.CONFIDENTIAL if kind == "draft" else Classification.NORMAL
            ids.append(documents.add_document(meeting, prepared(item.number, title, unit, pages), actor=office,
                                              title=title, kind=kind, agenda_item=item, guests_allowed=True,
                                              classification=classification).id)
        return ids

    agenda = [title for title, *_ in AGENDA]
    today = datetime.now(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)

    def at(days, hour, minute=0):
        """How far from now a session starts: `days` from today, at a round local time."""
        return today + timedelta(days=days, hours=hour, minutes=minute) - datetime.now(LOCAL_TZ)

    draft = create_meeting("Phiên họp chuyên đề về chuyển đổi số năm 2027", actor=office, agenda=agenda[:2],
                           chair=chair, starts_in=at(9, 8))
    upcoming = create_meeting("Phiên họp UBND tỉnh thường kỳ tháng 12/2026", status=MeetingStatus.PUBLISHED,
                              actor=office, agenda=agenda, chair=chair, secretary=secretary, members=members,
                              guests=[guest], starts_in=at(3, 8))
    upcoming_docs = add_documents(upcoming)

    room = create_meeting("Phiên họp UBND tỉnh thường kỳ tháng 11/2026", status=MeetingStatus.LIVE, actor=office,
                          agenda=agenda, chair=chair, secretary=secretary, members=members, guests=[guest],
                          starts_in=at(0, 8))
    room_docs = add_documents(room)
    live.check_in(room.participant_for(chair), actor=chair)
    live.check_in(room.participant_for(member), actor=member)
    live.set_attendance(room.participant_for(others[0]), "present", actor=office)
    live.set_attendance(room.participant_for(others[1]), "absent_excused", note="Đi công tác", actor=office)
    live.set_current_item(room, room.agenda_items[1], actor=chair)
    live.set_presenter(room, chair, actor=chair)
    live.navigate(room, room_docs[1], 2, actor=chair)
    live.request_floor(room, others[0])
    display_token = live.issue_display_token(room, actor=office)

    # A second room, with a ballot open: the voting sheet over the tablet and the console.
    voting_room = create_meeting("Phiên họp UBND tỉnh bất thường về phòng, chống thiên tai", status=MeetingStatus.LIVE,
                                 actor=office, agenda=agenda[1:2], chair=chair, secretary=secretary, members=members,
                                 starts_in=at(0, 14))
    for person in (chair, member, *others[:2]):
        live.check_in(voting_room.participant_for(person), actor=person)
    live.set_current_item(voting_room, voting_room.agenda_items[0], actor=chair)
    ballot = voting.create_ballot(voting_room, actor=chair, agenda_item=voting_room.agenda_items[0],
                                  question="Thông qua Tờ trình về kế hoạch đầu tư công năm 2027?")
    voting.open_ballot(ballot, actor=chair, override_reason="Thiếu thành viên do đi công tác; Chủ tịch quyết định.")

    ended = create_meeting("Phiên họp chuyên đề về giải ngân vốn đầu tư công", status=MeetingStatus.LIVE,
                           actor=office, agenda=agenda[:2], chair=chair, secretary=secretary, members=members,
                           guests=[guest], starts_in=at(-14, 8, 30))
    add_documents(ended, 2)
    for person in (chair, member, *others[:3]):
        live.set_attendance(ended.participant_for(person), "present", actor=office)
    live.set_attendance(ended.participant_for(others[3]), "absent_excused", note="Ốm, có đơn xin phép", actor=office)
    live.set_current_item(ended, ended.agenda_items[0], actor=chair)
    live.grant_floor(ended, others[0], actor=chair)
    live.end_floor(ended, actor=chair)
    meetings.change_status(ended, MeetingStatus.ENDED, actor=office)

    open_poll = polls.create_poll(province, title="Dự thảo Kế hoạch cải cách hành chính năm 2027",
                                  questions=["Tán thành dự thảo Kế hoạch?", "Tán thành giao Sở Nội vụ chủ trì?"],
                                  description="Xin ý kiến các thành viên UBND tỉnh bằng văn bản.", actor=office)
    polls.send_poll(open_poll, actor=office)
    polls.answer_poll(open_poll, others[0], [(q.id, "yes", None) for q in open_poll.questions])
    draft_poll = polls.create_poll(province, title="Dự thảo Quyết định phê duyệt danh mục dự án năm 2027",
                                   questions=["Tán thành dự thảo Quyết định?"], actor=office)
    db.session.commit()
    return SimpleNamespace(
        users={key: person.id for key, person in people.items()},
        unit_id=member.unit_id, body_id=province.id, group_id=group.id,
        draft=draft.id, upcoming=upcoming.id, upcoming_item=upcoming.agenda_items[0].id, upcoming_docs=upcoming_docs,
        room=room.id, room_docs=room_docs, display_token=display_token, ended=ended.id, voting_room=voting_room.id,
        open_poll=open_poll.id, draft_poll=draft_poll.id)


@pytest.fixture(scope="module")
def site(module_live_server):
    from ecabinet.demo_documents import fonts_available
    from ecabinet.extensions import db

    if not fonts_available():
        pytest.skip("the DejaVu fonts (fonts-dejavu-core) are needed to draw the Vietnamese PDFs")
    with module_live_server.app.app_context():
        ids = _seed()
        db.session.remove()
    ids.url = module_live_server.url
    return ids


# -- one logged-in page per role and language ---------------------------------------------


class Visitors:
    """A page per role, logged in once, switched to the language a test asks for."""

    def __init__(self, browser, site):
        from tests import services

        services.require_service(AXE.exists(), f"{AXE} is missing: run `npm ci --omit=optional`")
        self.browser, self.site = browser, site
        self.pages = {}
        self.languages = {}

    def page(self, role, language):
        if role not in self.pages:
            # Reduced motion as tests/conftest.new_page: no idle page repainting for its pulsing dot.
            context = self.browser.new_context(viewport=TABLET_LANDSCAPE, locale="vi-VN", has_touch=True,
                                               reduced_motion="reduce")
            context.set_default_timeout(20_000)  # as tests/conftest.new_page: a bound on a hang
            context.add_init_script(path=str(AXE))
            page = context.new_page()
            page.policy_errors = []
            page.on("console", lambda message, errors=page.policy_errors:
                    "Content Security Policy" in message.text and errors.append(message.text))
            page.on("dialog", lambda dialog: dialog.dismiss())
            if role != "anonymous":
                username = next(p[1] for p in PEOPLE if p[0] == role)
                browser_login(page, self.site.url, username, PASSWORD)
            self.pages[role] = page
        if self.languages.get(role) != language:
            self._set_language(self.pages[role], language, role)
            self.languages[role] = language
        return self.pages[role]

    def _set_language(self, page, language, role):
        page.goto(f"{self.site.url}/login" if role == "anonymous" else f"{self.site.url}/meetings")
        button = page.locator(f'.lang-switch button[formaction$="/language/{language}"]')
        if button.get_attribute("aria-pressed") != "true":
            with page.expect_navigation():
                button.click()
        expect(page.locator("html")).to_have_attribute("lang", language)

    def close(self):
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(scope="module")
def visitors(browser, site):
    crowd = Visitors(browser, site)
    yield crowd
    crowd.close()


# -- the pages ------------------------------------------------------------------------------


def _connected(page):
    expect(page.locator('[data-live="conn"]').first).to_have_attribute("data-state", "connected")


def _presented(page):
    _connected(page)
    expect(page.locator('[data-live="canvas"][data-page="2"]')).to_be_visible(timeout=RENDER_TIMEOUT)


def _ballot(page):
    _connected(page)
    expect(page.locator("[data-ballot-sheet]:visible, [data-ballot-live]:visible").first).to_be_visible()


def _reader_drawn(page):
    expect(page.locator(".reader-page canvas[data-shown-page]")).to_be_visible(timeout=RENDER_TIMEOUT)


@dataclass
class Case:
    name: str
    role: str
    path: Callable[[SimpleNamespace], str]
    ready: Callable = None          # waits until the page is complete (connected, drawn)
    status: int = 200
    # Pages are laid out by CSS alone and are resized in place; the reader opens again at each size
    # (it chooses its panels when it opens); the live pages keep their connection and redraw.
    reload_per_size: bool = False


def _m(key, suffix=""):
    return lambda s: f"/meetings/{getattr(s, key)}{suffix}"


CASES = [
    Case("login", "anonymous", lambda s: "/login"),
    Case("offline", "anonymous", lambda s: "/offline"),
    Case("verification-anonymous", "anonymous", lambda s: "/verification"),
    Case("display", "anonymous", lambda s: f"/live/display/{s.room}#{s.display_token}", ready=_presented),
    # the home page of every role
    *[Case(f"home-{role}", role, lambda s: "/meetings")
      for role in ("admin", "office", "chair", "secretary", "member", "guest")],
    Case("password", "member", lambda s: "/account/password"),
    Case("verification", "member", lambda s: "/verification"),
    Case("error-403", "member", lambda s: "/admin/users", status=403),
    Case("error-404", "member", lambda s: "/meetings/999999", status=404),
    Case("error-404-anonymous", "anonymous", lambda s: "/khong-co-trang-nay", status=404),
    # administration
    Case("users", "admin", lambda s: "/admin/users"),
    Case("user-new", "admin", lambda s: "/admin/users/new"),
    Case("user-edit", "admin", lambda s: f"/admin/users/{s.users['member']}"),
    Case("units", "admin", lambda s: "/admin/units"),
    Case("unit-new", "admin", lambda s: "/admin/units/new"),
    Case("unit-edit", "admin", lambda s: f"/admin/units/{s.unit_id}"),
    Case("bodies", "admin", lambda s: "/admin/bodies"),
    Case("body-new", "admin", lambda s: "/admin/bodies/new"),
    Case("body-edit", "admin", lambda s: f"/admin/bodies/{s.body_id}"),
    Case("calendar", "admin", lambda s: "/admin/calendar"),
    Case("certificates", "admin", lambda s: "/admin/certificates"),
    Case("groups", "office", lambda s: f"/bodies/{s.body_id}/groups"),
    Case("group-edit", "office", lambda s: f"/bodies/{s.body_id}/groups/{s.group_id}"),
    # preparing a session
    Case("session-new", "office", lambda s: "/meetings/new"),
    Case("session-draft-office", "office", _m("draft")),
    Case("session-edit", "office", _m("upcoming", "/edit")),
    Case("agenda-item-edit", "office", lambda s: f"/meetings/{s.upcoming}/agenda/{s.upcoming_item}"),
    Case("upload", "office", _m("upcoming", "/documents/upload")),
    Case("document-edit", "office", lambda s: f"/meetings/{s.upcoming}/documents/{s.upcoming_docs[1]}/edit"),
    # the upcoming session and its documents, as each role sees them
    *[Case(f"session-upcoming-{role}", role, _m("upcoming"))
      for role in ("office", "chair", "secretary", "member", "guest")],
    Case("reader-member", "member", lambda s: f"/meetings/{s.upcoming}/documents/{s.upcoming_docs[0]}/read",
         ready=_reader_drawn, reload_per_size=True),
    Case("reader-guest", "guest", lambda s: f"/meetings/{s.upcoming}/documents/{s.upcoming_docs[1]}/read",
         ready=_reader_drawn, reload_per_size=True),
    # the live session
    Case("session-live-chair", "chair", _m("room")),
    Case("tablet-member", "member", _m("room", "/live"), ready=_presented),
    Case("tablet-guest", "guest", _m("room", "/live"), ready=_presented),
    Case("tablet-secretary", "secretary", _m("room", "/live"), ready=_presented),
    Case("console-chair", "chair", _m("room", "/live/console"), ready=_presented),
    Case("console-office", "office", _m("room", "/live/console"), ready=_presented),
    Case("tablet-member-ballot", "member", _m("voting_room", "/live"), ready=_ballot),
    Case("console-chair-ballot", "chair", _m("voting_room", "/live/console"), ready=_ballot),
    # after the session
    Case("session-ended-member", "member", _m("ended")),
    Case("minutes-secretary", "secretary", _m("ended", "/minutes")),
    Case("minutes-chair", "chair", _m("ended", "/minutes")),
    Case("minutes-office", "office", _m("ended", "/minutes")),
    # written polls
    Case("polls-office", "office", lambda s: "/polls"),
    Case("polls-member", "member", lambda s: "/polls"),
    Case("poll-new", "office", lambda s: f"/bodies/{s.body_id}/polls/new"),
    Case("poll-edit", "office", lambda s: f"/polls/{s.draft_poll}/edit"),
    Case("poll-results-office", "office", lambda s: f"/polls/{s.open_poll}"),
    Case("poll-answer-member", "member", lambda s: f"/polls/{s.open_poll}"),
    Case("poll-chair", "chair", lambda s: f"/polls/{s.open_poll}"),
]


def _open(page, case, url):
    response = page.goto(url)
    if "#" not in url:  # a fragment-only change answers no response
        assert response is not None and response.status == case.status, (url, response and response.status)
    page.wait_for_load_state("load")


def _settle(page, case):
    if case.ready:
        case.ready(page)
    page.evaluate("() => document.fonts.ready.then(() => new Promise(requestAnimationFrame))")
    # the live pages redraw the presented page for the new size (ResizeObserver, then PDF.js)
    page.wait_for_timeout(300 if case.ready else 50)


@pytest.mark.parametrize("case", CASES, ids=[f"vi-{case.name}" for case in CASES])
def test_every_page_passes_the_audit_at_three_sizes(visitors, site, case):
    """In Vietnamese; the English half is tests/e2e/test_every_page_en.py, a module of its own so
    that another worker audits it at the same time (one module is one worker's)."""
    audit_at_three_sizes(visitors, site, "vi", case)


def audit_at_three_sizes(visitors, site, language, case):
    page = visitors.page(case.role, language)
    url = site.url + case.path(site)
    page.policy_errors.clear()
    found = []
    for index, (size, viewport) in enumerate(VIEWPORTS):
        page.set_viewport_size(viewport)
        if index == 0 or case.reload_per_size:
            _open(page, case, url)
        _settle(page, case)
        assert page.locator("html").get_attribute("lang") == language, f"{case.name}: not in {language}"
        (SHOTS / language).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / language / f"{case.name}-{size}.png"), full_page=True)
        found += [f"{size}: {line}" for line in page.evaluate(AUDIT)]
    page.set_viewport_size(TABLET_LANDSCAPE)
    if "/live" in url:
        page.goto("about:blank")  # leave the room: the next case opens it again
    assert not page.policy_errors, page.policy_errors
    assert not found, f"{case.name} ({language}):\n" + "\n".join(found)


def test_the_audit_finds_what_it_should(visitors, site):
    """The audit is real: a page with a low-contrast text and an unlabelled button fails it."""
    page = visitors.page("anonymous", LANGUAGES[-1])
    page.goto(f"{site.url}/login")
    page.evaluate("""() => { const p = document.createElement('p'); p.textContent = 'Chữ mờ khó đọc';
                             p.style.color = '#c8c8c8'; document.querySelector('main, body').append(p);
                             document.body.append(document.createElement('button')); }""")
    found = page.evaluate(AUDIT)
    assert any(re.match(r"serious color-contrast", line) for line in found), found
    assert any(re.match(r"critical button-name", line) for line in found), found


# -- the keyboard ---------------------------------------------------------------------------

# The focused element's ring: its colour against what lies behind it (the ancestors' backgrounds,
# translucent ones blended; the element's own when the ring is drawn inside it), as WCAG's 3:1 asks
# of a focus indicator.
FOCUS_RING = """() => {
  const el = document.activeElement;
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
                                  b: top.b * top.a + under.b * (1 - top.a), a: 1 });
  const luminance = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                             return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const style = getComputedStyle(el);
  const name = (el.getAttribute("aria-label") || el.textContent || el.tagName).trim().slice(0, 40) + ` <${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : ""}>`;
  if (el === document.body) return { name, ratio: null, body: true };
  const width = parseFloat(style.outlineWidth);
  if (style.outlineStyle === "none" || !(width >= 2)) return { name, ratio: 0 };
  const layers = [];
  for (let node = parseFloat(style.outlineOffset) < 0 ? el : el.parentElement; node; node = node.parentElement) {
    const bg = parse(getComputedStyle(node).backgroundColor);
    if (bg && bg.a > 0) { layers.push(bg); if (bg.a >= 1) break; }
  }
  let behind = { r: 255, g: 255, b: 255, a: 1 };
  for (const layer of layers.reverse()) behind = over(layer, behind);
  // A halo (a solid box-shadow wider than the ring's offset and width) is what lies behind the ring.
  const halo = style.boxShadow.match(/(rgba?\\([^)]+\\)) 0px 0px 0px (\\d+)px/);
  if (halo && parseFloat(halo[2]) >= parseFloat(style.outlineOffset) + width) behind = over(parse(halo[1]), behind);
  const ring = over(parse(style.outlineColor), behind);
  const [hi, lo] = [luminance(ring), luminance(behind)].sort((a, b) => b - a);
  return { name, ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100 };
}"""


def _poll(check, what, timeout=10):
    """Wait until check() is true (the pages' policy forbids Playwright's wait_for_function)."""
    import time

    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(0.1)


def _tab_through(page, stops, key="Tab"):
    """Press Tab (or Shift+Tab) `stops` times; the focus ring of every stop, as (name, ratio)."""
    rings = []
    for _ in range(stops):
        page.keyboard.press(key)
        ring = page.evaluate(FOCUS_RING)
        if ring.get("body"):
            break
        rings.append((ring["name"], ring["ratio"]))
    return rings


@pytest.mark.parametrize("role, path", [
    ("anonymous", lambda s: "/login"),  # the name field has the focus at once; the skip link is behind it
    ("member", lambda s: "/meetings"),
    ("office", lambda s: f"/meetings/{s.upcoming}"),
    ("member", lambda s: f"/meetings/{s.upcoming}/documents/{s.upcoming_docs[0]}/read"),
    ("member", lambda s: f"/meetings/{s.room}/live"),
    ("chair", lambda s: f"/meetings/{s.room}/live/console"),
], ids=["login", "home", "session", "reader", "tablet", "console"])
def test_the_skip_link_leads_to_the_content_and_every_focus_ring_stands_out(visitors, site, role, path):
    page = visitors.page(role, "vi")
    page.goto(site.url + path(site))
    page.wait_for_load_state("load")
    skip = page.locator(".skip-link")
    autofocused = page.evaluate("() => document.activeElement !== document.body")
    if autofocused:
        for _ in range(6):
            page.keyboard.press("Shift+Tab")
            if page.evaluate("() => document.activeElement.matches('.skip-link')"):
                break
    else:
        page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport(ratio=1)
    target = skip.get_attribute("href")[1:]
    page.keyboard.press("Enter")
    assert page.evaluate("(id) => document.getElementById(id).contains(document.activeElement)", target)
    # From the top again: the bar's controls, then the content's.
    page.reload()
    page.wait_for_load_state("load")
    rings = _tab_through(page, 45)
    if autofocused:  # the bar and the switch are before the focused field
        page.reload()
        page.wait_for_load_state("load")
        rings += _tab_through(page, 10, "Shift+Tab")
    assert len(rings) >= 5, rings
    weak = [(name, ratio) for name, ratio in rings if ratio < 3]
    assert not weak, weak


def test_escape_closes_the_search_of_the_reader(visitors, site):
    page = visitors.page("member", "vi")
    page.goto(f"{site.url}/meetings/{site.upcoming}/documents/{site.upcoming_docs[0]}/read")
    _reader_drawn(page)
    toggle = page.locator('[data-toggle="search"]')
    toggle.focus()
    page.keyboard.press("Enter")
    field = page.locator("[data-search] input[name=q]")
    expect(field).to_be_focused()
    field.fill("kinh tế")
    page.keyboard.press("Escape")
    expect(page.locator("[data-search]")).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-pressed", "false")


def test_a_zoomed_page_scrolls_from_the_keyboard(visitors, site):
    reader = visitors.page("member", "vi")
    reader.goto(f"{site.url}/meetings/{site.upcoming}/documents/{site.upcoming_docs[0]}/read")
    _reader_drawn(reader)
    for _ in range(3):
        reader.click('[data-action="zoom-in"]')
    stage = reader.locator("#stage")
    stage.focus()
    scroll = "(node) => [node.scrollLeft, node.scrollTop, node.scrollWidth > node.clientWidth]"
    _poll(lambda: stage.evaluate(scroll)[2], "the zoomed page is wider than the stage")
    reader.keyboard.press("ArrowDown")
    reader.keyboard.press("ArrowDown")
    reader.keyboard.press("ArrowRight")
    # (the browser scrolls smoothly: the offsets grow over a few frames)
    _poll(lambda: stage.evaluate(scroll)[0] > 0 and stage.evaluate(scroll)[1] > 0, "the arrows scroll the stage")
    assert reader.locator("#goto-page").input_value() == "1"  # the arrows panned; the page did not turn

    tablet = visitors.page("member2", "vi")
    tablet.set_viewport_size(TABLET_PORTRAIT)
    tablet.goto(f"{site.url}/meetings/{site.room}/live")
    _presented(tablet)
    for _ in range(3):
        tablet.click('[data-live="zoom-in"]')
    expect(tablet.locator('[data-live="stage"]')).to_have_attribute("data-zoom", "zoomed")
    scroller = tablet.locator('[data-live="scroller"]')
    _poll(lambda: scroller.evaluate(scroll)[2], "the zoomed page is wider than the stage")
    scroller.focus()
    for _ in range(3):
        tablet.keyboard.press("ArrowDown")
    tablet.keyboard.press("ArrowRight")
    _poll(lambda: scroller.evaluate(scroll)[0] > 0 and scroller.evaluate(scroll)[1] > 0, "the arrows scroll the page")
    expect(tablet.locator('[data-live="canvas"]')).to_have_attribute("data-page", "2")
    tablet.set_viewport_size(TABLET_LANDSCAPE)


def test_the_focus_stays_near_a_button_that_hides_itself(visitors, site):
    page = visitors.page("member2", "vi")
    page.goto(f"{site.url}/meetings/{site.room}/live")
    _presented(page)
    check_in = page.locator('[data-live="check-in"]')
    check_in.focus()
    page.keyboard.press("Enter")
    expect(check_in).to_be_hidden()
    request = page.locator('[data-live="floor-request"]')
    expect(request).to_be_focused()  # the next control of "My participation"
    page.keyboard.press("Enter")
    expect(request).to_be_hidden()
    withdraw = page.locator('[data-live="floor-withdraw"]')
    expect(withdraw).to_be_focused()
    page.keyboard.press("Enter")
    expect(request).to_be_focused()

    # Browsing away from the presenter, then back: the page keeps the focus.
    page.locator('[data-live="next"]').click()
    follow = page.locator('[data-live="follow"]')
    expect(follow).to_be_visible()
    follow.focus()
    page.keyboard.press("Enter")
    expect(follow).to_be_hidden()
    expect(page.locator('[data-live="scroller"]')).to_be_focused()


# -- the text of the presented page ---------------------------------------------------------

# The text layer over a canvas: its box against the canvas's, its text, and, for its longest runs
# of text, the share of dark pixels the canvas has under each run (the text lies over the drawn
# glyphs, not beside them).
TEXT_LAYER = """(canvasSelector) => {
  const canvas = document.querySelector(canvasSelector);
  const layer = canvas.nextElementSibling;
  if (!layer || !layer.classList.contains("pdf-text")) return null;
  const c = canvas.getBoundingClientRect(), l = layer.getBoundingClientRect();
  const ctx = canvas.getContext("2d");
  const sx = canvas.width / c.width, sy = canvas.height / c.height;
  const runs = Array.from(layer.querySelectorAll("span:not(.markedContent)"))
    .filter((span) => span.textContent.trim().length >= 8)
    .sort((a, b) => b.textContent.length - a.textContent.length).slice(0, 5)
    .map((span) => {
      const r = span.getBoundingClientRect();
      const x = Math.max(0, Math.round((r.left - c.left) * sx)), y = Math.max(0, Math.round((r.top - c.top) * sy));
      const w = Math.max(1, Math.round(r.width * sx)), h = Math.max(1, Math.round(r.height * sy));
      const { data } = ctx.getImageData(x, y, w, h);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 1] < 128 && data[i + 2] < 128) ink += 1;
      return { text: span.textContent, ink: ink / (data.length / 4),
               inside: r.left >= c.left - 1 && r.right <= c.right + 1 && r.top >= c.top - 1 && r.bottom <= c.bottom + 1 };
    });
  return { canvas: [c.left, c.top, c.width, c.height].map(Math.round),
           layer: [l.left, l.top, l.width, l.height].map(Math.round),
           text: layer.textContent, hidden: layer.closest("[aria-hidden=true]") !== null,
           color: getComputedStyle(layer.querySelector("span")).color, runs };
}"""


def _expect_text_over_the_page(page, canvas_selector):
    found = page.evaluate(TEXT_LAYER, canvas_selector)
    assert found is not None, "no text layer after the canvas"
    assert all(abs(a - b) <= 1 for a, b in zip(found["canvas"], found["layer"])), found
    assert len(found["text"]) > 100 and re.search(r"[ạ-ỹđ]", found["text"].lower()), found["text"][:200]
    assert not found["hidden"] and found["color"] == "rgba(0, 0, 0, 0)", found  # read aloud, never seen
    assert found["runs"] and all(run["inside"] and run["ink"] > 0.03 for run in found["runs"]), found["runs"]
    return found


def test_a_screen_reader_reads_the_text_of_the_page_on_the_reader_tablet_and_console(visitors, site):
    reader = visitors.page("member", "vi")
    reader.goto(f"{site.url}/meetings/{site.upcoming}/documents/{site.upcoming_docs[1]}/read")
    _reader_drawn(reader)
    first = _expect_text_over_the_page(reader, ".reader-page canvas")
    reader.click('[data-action="next"]')
    expect(reader.locator(".reader-page canvas")).to_have_attribute("data-shown-page", "2")
    second = _expect_text_over_the_page(reader, ".reader-page canvas")
    assert second["text"] != first["text"]  # the layer turned with the page
    reader.click('[data-action="zoom-in"]')
    # The same page drawn again, larger (no attribute changes: its width says it is in).
    canvas = reader.locator(".reader-page canvas")
    _poll(lambda: canvas.bounding_box()["width"] > second["canvas"][2] + 1, "the page drawn at the new zoom",
          timeout=RENDER_TIMEOUT / 1000)
    zoomed = _expect_text_over_the_page(reader, ".reader-page canvas")
    assert zoomed["canvas"][2] > second["canvas"][2]  # and follows the zoom
    # What a screen reader gets: the page's text in the accessibility tree of the main region.
    tree = reader.locator("#stage").aria_snapshot()
    assert second["runs"][0]["text"].strip()[:20] in tree, tree[:500]

    for role, path in (("member", "live"), ("chair", "live/console")):
        page = visitors.page(role, "vi")
        page.goto(f"{site.url}/meetings/{site.room}/{path}")
        _presented(page)
        _expect_text_over_the_page(page, '[data-live="canvas"]')
