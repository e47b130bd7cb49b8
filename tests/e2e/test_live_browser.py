"""The meeting room in Chromium with real documents: PDF.js pages on the tablets, a server restart
under connected browsers, the secretariat's attendance dialog, and the room display (projector)."""
import io
import re
import uuid
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.e2e.canvas import stop_watching, watch_canvas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]

PROJECTOR = {"width": 1920, "height": 1080}
RENDER_TIMEOUT = 20_000     # fetching, parsing and drawing a PDF page in a cold browser
RECONNECT_TIMEOUT = 30_000  # server start-up plus the client's reconnection backoff

# (agenda item index, title, unit, pages): item 2 carries two documents, so a member can browse
# another document of the item being discussed.
DOCUMENTS = [
    (0, "Tờ trình về kế hoạch đầu tư công năm 2027", "Sở Kế hoạch và Đầu tư", 4),
    (1, "Báo cáo tình hình kinh tế - xã hội tháng 11", "Sở Tài chính", 5),
    (1, "Dự thảo Quyết định ban hành bảng giá đất", "Sở Tài nguyên và Môi trường", 3),
    (2, "Đề án chuyển đổi số tỉnh giai đoạn 2026-2030", "Sở Thông tin và Truyền thông", 4),
]


@pytest.fixture
def room(live_server):
    """A live session whose agenda items carry real PDFs, added through the documents' upload checks."""
    from ecabinet.demo_documents import fonts_available
    from tests.documents.pdfs import submission_pdf
    from ecabinet.documents.operations import add_document, prepare_file, receive_upload
    from ecabinet.extensions import db
    from ecabinet.meetings.models import MeetingStatus
    from tests.factories import create_meeting, create_secretariat, create_user

    if not fonts_available():
        pytest.skip("the DejaVu fonts (fonts-dejavu-core) are needed to draw the Vietnamese PDFs")
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        secretariat = create_secretariat(username=f"vp{tag}", full_name="Trần Thị Thư Ký",
                                         unit="Văn phòng UBND tỉnh", title="Chuyên viên")
        chair = create_user(username=f"ct{tag}", full_name="Nguyễn Văn Chủ Tịch", title="Chủ tịch UBND tỉnh")
        members = [create_user(username=f"tv{n}{tag}", full_name=name, title=title)
                   for n, (name, title) in enumerate([
                       ("Lê Văn Hùng", "Phó Chủ tịch UBND tỉnh"),
                       ("Phạm Thị Lan", "Giám đốc Sở Tài chính"),
                       ("Hoàng Minh Tuấn", "Giám đốc Sở Kế hoạch và Đầu tư"),
                       ("Vũ Thị Hồng", "Giám đốc Sở Tư pháp"),
                       ("Đặng Quốc Bảo", "Chánh Văn phòng UBND tỉnh"),
                   ], start=1)]
        stand_in = create_user(username=f"pgd{tag}", full_name="Đỗ Thị Mai", title="Phó Giám đốc Sở Kế hoạch và Đầu tư")
        meeting = create_meeting(
            "Phiên họp UBND tỉnh thường kỳ tháng 11/2026", status=MeetingStatus.LIVE, actor=secretariat,
            chair=chair, members=members,
            agenda=("Tờ trình kế hoạch đầu tư công 2027", "Báo cáo kinh tế - xã hội và bảng giá đất",
                    "Đề án chuyển đổi số"))
        items = list(meeting.agenda_items)
        doc_ids = []
        for index, title, unit, pages in DOCUMENTS:
            data = submission_pdf(title, unit, pages=pages, number=f"{17 * (index + 1)}/TTr")
            prepared = prepare_file(receive_upload(io.BytesIO(data), f"tai-lieu-{len(doc_ids) + 1}.pdf"))
            doc_ids.append(add_document(meeting, prepared, actor=secretariat, title=title,
                                        agenda_item=items[index]).id)
        db.session.commit()
        result = SimpleNamespace(
            meeting_id=meeting.id, item_ids=[i.id for i in items], doc_ids=doc_ids,
            secretariat=SimpleNamespace(id=secretariat.id, username=secretariat.username),
            chair=SimpleNamespace(id=chair.id, username=chair.username, full_name=chair.full_name),
            members=[SimpleNamespace(id=m.id, username=m.username, full_name=m.full_name) for m in members],
            stand_in=SimpleNamespace(id=stand_in.id, full_name=stand_in.full_name))
        db.session.remove()
    return result


# -- helpers ---------------------------------------------------------------------------

def _enter(new_page, server, room, user, viewport, path="live", **options):
    page = new_page(viewport, **options)
    browser_login(page, server.url, user.username, PASSWORD)
    page.goto(f"{server.url}/meetings/{room.meeting_id}/{path}")
    _expect_connected(page)
    return page


def _expect_connected(page, timeout=10_000):
    expect(page.locator('[data-live="conn"]').first).to_have_attribute("data-state", "connected", timeout=timeout)


CANVAS_PIXELS = """() => {
  const canvas = document.querySelector('[data-live="canvas"]');
  if (!canvas || canvas.hidden || !canvas.width) return null;
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let ink = 0, paper = 0, samples = 0;
  for (let i = 0; i < data.length; i += 4 * 53) {
    samples += 1;
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    if (r < 140 && g < 140 && b < 140) ink += 1;
    else if (r > 240 && g > 240 && b > 240) paper += 1;
  }
  const box = canvas.getBoundingClientRect();
  return { ink, paper, samples, width: box.width, height: box.height };
}"""


def _expect_pdf_page(page, document_id, number, total=None):
    """PDF.js drew that page on the visible canvas: white paper with text on it, and the label agrees."""
    canvas = page.locator(f'[data-live="canvas"][data-document-id="{document_id}"][data-page="{number}"]')
    expect(canvas).to_be_visible(timeout=RENDER_TIMEOUT)
    expect(page.locator('[data-live="placeholder"]')).to_be_hidden()
    pixels = page.evaluate(CANVAS_PIXELS)
    assert pixels is not None
    assert pixels["ink"] > 0.005 * pixels["samples"], pixels        # text is drawn
    assert pixels["paper"] > 0.5 * pixels["samples"], pixels        # on a white page
    assert pixels["width"] > 200 and pixels["height"] > 250, pixels
    label = page.locator('[data-live="page-label"]').first
    expect(label).to_contain_text(f"Trang {number}" + (f" / {total}" if total else ""))


def _mode(page):
    return page.get_attribute('[data-live="mode"]', "data-mode")


def open_drawer(page, side):
    """Portrait: open the drawer of that side (start: agenda and documents; end: the floor, or the
    console's attendance) from the strip."""
    page.locator(f'.live-strip [aria-controls="live-rail-{side}"]').tap()
    expect(page.locator(f".live-layout.is-{side}-open")).to_have_count(1)
    focused = page.locator(f"#live-rail-{side}:focus, #live-rail-{side} :focus")
    expect(focused).to_have_count(1)  # the focus lands in the drawer


def _start_item_2_and_present(chair, room, document_id, page_number):
    """The chair moves to agenda item 2, opens the document and turns to the page."""
    chair.locator(f'.live-docs__head[data-item-id="{room.item_ids[1]}"]').click()
    expect(chair.locator(".live-docs__group.is-current")).to_contain_text("Báo cáo kinh tế")
    chair.locator(".live-doc", has_text=_title(room, document_id)).click()
    for _ in range(page_number - 1):
        chair.click('[data-live="next"]')
    expect(chair.locator('[data-live="page-label"]')).to_contain_text(f"Trang {page_number}")


def _title(room, document_id):
    return DOCUMENTS[room.doc_ids.index(document_id)][1]


# -- 1. real PDFs, follow and free mode ------------------------------------------------------


def test_tablet_follows_real_pdf_pages_and_browses_freely(live_server, room, new_page):
    doc2, doc3 = room.doc_ids[1], room.doc_ids[2]
    chair = _enter(new_page, live_server, room, room.chair, TABLET_LANDSCAPE, "live/console")
    member = _enter(new_page, live_server, room, room.members[0], TABLET_PORTRAIT)
    member.tap('[data-live="check-in"]')
    expect(member.locator('[data-live="checked-in"]')).to_be_visible()

    _start_item_2_and_present(chair, room, doc2, 3)
    assert _mode(chair) == "presenting"
    _expect_pdf_page(chair, doc2, 3, 5)
    _expect_pdf_page(member, doc2, 3, 5)
    assert _mode(member) == "follow"
    expect(member.locator('[data-live="doc-title"]')).to_have_text(_title(room, doc2))
    screenshot(chair, "live-pdf-console-1280x800")
    screenshot(member, "live-pdf-tablet-following-800x1280")

    # The member leaves follow mode: page 1 of the other document of the item (portrait: the
    # documents are a drawer; opening one closes it).
    open_drawer(member, "start")
    member.locator(".live-doc", has_text=_title(room, doc3)).tap()
    expect(member.locator(".live-layout.is-start-open")).to_have_count(0)
    expect(member.locator('[data-live="mode"]')).to_have_attribute("data-mode", "free")
    _expect_pdf_page(member, doc3, 1, 3)
    # The chair turns a page; the member stays where they are, and sees where the presenter is.
    chair.click('[data-live="next"]')
    _expect_pdf_page(chair, doc2, 4, 5)
    expect(member.locator('[data-live="mode-hint"]')).to_contain_text("4")
    _expect_pdf_page(member, doc3, 1, 3)
    assert _mode(member) == "free"
    follow = member.get_by_role("button", name="Theo dõi người trình bày")
    expect(follow).to_be_visible()
    screenshot(member, "live-pdf-tablet-free-800x1280")

    follow.tap()
    expect(member.locator('[data-live="mode"]')).to_have_attribute("data-mode", "follow")
    _expect_pdf_page(member, doc2, 4, 5)
    expect(follow).to_be_hidden()


# -- 2. a server restart under connected browsers -----------------------------------------


def test_browsers_reconnect_after_a_server_restart_without_reloading(live_server, room, new_page):
    doc2 = room.doc_ids[1]
    chair = _enter(new_page, live_server, room, room.chair, TABLET_LANDSCAPE, "live/console")
    member = _enter(new_page, live_server, room, room.members[0], TABLET_PORTRAIT)
    _start_item_2_and_present(chair, room, doc2, 3)
    _expect_pdf_page(member, doc2, 3, 5)
    pages = (chair, member)
    for page in pages:
        # A reload would drop this marker; the attempts counter shows the client retried by itself.
        page.evaluate("""() => { window.__sameDocument = true; window.__attempts = 0;
            window.ecabinetLive.socket.io.on("reconnect_attempt", (n) => { window.__attempts = n; }); }""")
    # The member shows page 3, so it has heard the turn; the chair hears it (or the answer to its own
    # turn) on its own time.
    turned = member.evaluate("window.ecabinetLive.state().lastPageSeq")
    chair.wait_for_function("(s) => window.ecabinetLive.state().lastPageSeq >= s", arg=turned)
    seq = [page.evaluate("window.ecabinetLive.state().lastPageSeq") for page in pages]
    assert seq[0] == seq[1] > 0

    # live_server.restart() is stop() then start(): the indicator is checked while it is down.
    live_server.stop()
    for page in pages:
        conn = page.locator('[data-live="conn"]')
        expect(conn).to_have_attribute("data-state", "reconnecting", timeout=10_000)
        expect(conn).to_be_visible()
        expect(conn).to_contain_text("Đang kết nối lại")
    screenshot(chair, "live-reconnecting-console-1280x800")
    screenshot(member, "live-reconnecting-tablet-800x1280")
    live_server.start()

    for page in pages:
        _expect_connected(page, timeout=RECONNECT_TIMEOUT)
        assert page.evaluate("window.__sameDocument") is True
        assert page.evaluate("window.__attempts") >= 1
        # Exponential backoff between attempts, capped.
        assert page.evaluate("window.ecabinetLive.socket.io.reconnectionDelayMax()") > \
            page.evaluate("window.ecabinetLive.socket.io.reconnectionDelay()")
        assert page.evaluate("window.ecabinetLive.state().lastPageSeq") == seq[0]
        _expect_pdf_page(page, doc2, 3, 5)
    assert _mode(member) == "follow" and _mode(chair) == "presenting"

    chair.click('[data-live="next"]')
    _expect_pdf_page(member, doc2, 4, 5)
    assert member.evaluate("window.ecabinetLive.state().lastPageSeq") > seq[0]
    screenshot(member, "live-reconnected-tablet-800x1280")


# -- 3. the secretariat's attendance dialog --------------------------------------------------


def _expect_quorum(page, present, total, met):
    pill = page.locator('[data-live="quorum"]')
    expect(pill).to_contain_text(f"{present}/{total}")
    expect(pill).to_have_attribute("data-met", "yes" if met else "no")
    expect(pill).to_contain_text("Đủ túc số" if met else "Chưa đủ túc số")


def _mark(secretariat, person, attendance, note=None, stand_in=None, shot=None):
    secretariat.locator(f'.live-person--btn[data-user-id="{person.id}"]').click()
    dialog = secretariat.locator('[data-live="attendance-dialog"]')
    expect(dialog).to_be_visible()
    expect(dialog.locator('[data-live="attendance-name"]')).to_have_text(person.full_name)
    dialog.locator("#att-state").select_option(attendance)
    if note is not None:
        expect(dialog.locator("#att-note")).to_be_visible()
        dialog.locator("#att-note").fill(note)
    if stand_in is not None:
        expect(dialog.locator("#att-note")).to_be_hidden()
        dialog.locator("#att-standin").select_option(str(stand_in.id))
    if shot:
        screenshot(secretariat, shot)
    dialog.get_by_role("button", name="Lưu").click()
    expect(dialog).to_be_hidden()


def test_secretariat_marks_attendance_and_quorum_updates_everywhere(live_server, room, new_page):
    secretariat = _enter(new_page, live_server, room, room.secretariat, TABLET_PORTRAIT, "live/console")
    chair = _enter(new_page, live_server, room, room.chair, TABLET_LANDSCAPE, "live/console")
    member = _enter(new_page, live_server, room, room.members[4], TABLET_PORTRAIT)
    hung, lan, tuan, hong, bao = room.members
    total = 6  # the chair and five members vote

    open_drawer(secretariat, "end")  # portrait: the attendance list is a drawer
    for page in (secretariat, chair, member):
        _expect_quorum(page, 0, total, met=False)
    member.tap('[data-live="check-in"]')
    for page in (secretariat, chair, member):
        _expect_quorum(page, 1, total, met=False)

    _mark(secretariat, hung, "present")
    _mark(secretariat, lan, "absent_excused", note="Đi công tác tại Hà Nội", shot="live-attendance-dialog-absent-800x1280")
    _mark(secretariat, tuan, "substituted", stand_in=room.stand_in, shot="live-attendance-dialog-standin-800x1280")
    _mark(secretariat, room.chair, "present")

    for page in (secretariat, chair, member):
        _expect_quorum(page, 3, total, met=False)
    people = chair.locator('[data-live="people"]')
    expect(people.locator(f'[data-user-id="{hung.id}"]')).to_have_attribute("data-attendance", "present")
    expect(people.locator(f'[data-user-id="{lan.id}"]')).to_have_attribute("data-attendance", "absent_excused")
    expect(people.locator(f'[data-user-id="{lan.id}"]')).to_contain_text("Đi công tác tại Hà Nội")
    expect(people.locator(f'[data-user-id="{tuan.id}"]')).to_have_attribute("data-attendance", "substituted")
    expect(people.locator(f'[data-user-id="{tuan.id}"]')).to_contain_text(room.stand_in.full_name)
    # The stand-in joins the list as a participant, present.
    expect(people.locator(f'[data-user-id="{room.stand_in.id}"]')).to_have_attribute("data-attendance", "present")
    expect(people.locator(f'[data-user-id="{bao.id}"]')).to_have_attribute("data-attendance", "present")
    box = chair.locator('[data-live="quorum-box"]')
    expect(box).to_have_attribute("data-met", "no")
    expect(box).to_contain_text("3")

    # One more member present: four of six is two thirds, the quorum is reached.
    _mark(secretariat, hong, "present")
    for page in (secretariat, chair, member):
        _expect_quorum(page, 4, total, met=True)
    expect(box).to_have_attribute("data-met", "yes")
    expect(people.locator(f'[data-user-id="{hong.id}"]')).to_have_attribute("data-attendance", "present")
    screenshot(secretariat, "live-attendance-secretariat-800x1280")
    screenshot(chair, "live-attendance-console-1280x800")
    screenshot(member, "live-attendance-tablet-800x1280")


# -- 4. the room display ------------------------------------------------------------------


def test_room_display_follows_the_chair_full_screen(live_server, room, new_page):
    doc2 = room.doc_ids[1]
    secretariat = new_page(TABLET_LANDSCAPE)
    browser_login(secretariat, live_server.url, room.secretariat.username, PASSWORD)
    secretariat.goto(f"{live_server.url}/meetings/{room.meeting_id}")
    secretariat.locator(".page-header summary", has_text="Quản lý").click()  # the secretariat's tools
    secretariat.get_by_role("button", name="Liên kết màn hình trình chiếu").click()
    link = secretariat.locator('[data-test="display-link"]')
    expect(link).to_be_visible()
    url = link.input_value()
    assert url.startswith(f"{live_server.url}/live/display/{room.meeting_id}#")
    screenshot(secretariat, "live-display-link-1280x800")

    chair = _enter(new_page, live_server, room, room.chair, TABLET_LANDSCAPE, "live/console")
    _start_item_2_and_present(chair, room, doc2, 3)

    display = new_page(PROJECTOR)  # a fresh context: no login, no cookie
    display.goto(url)
    _expect_connected(display)
    expect(display.locator('[data-live="conn"]')).to_be_hidden()  # nothing distracting once connected
    label = display.locator('[data-live="page-label"]')
    expect(label).to_contain_text("Trang 3 / 5")
    expect(display.locator('[data-live="strip-item-title"]')).to_contain_text("Báo cáo kinh tế")
    stage = display.locator('[data-live="stage"]').bounding_box()
    assert stage["width"] == PROJECTOR["width"] and stage["height"] > 0.85 * PROJECTOR["height"]
    chair.click('[data-live="next"]')
    expect(label).to_contain_text("Trang 4 / 5")
    screenshot(display, "live-display-1920x1080")

    # The projector draws the page itself: its token reads the presented document, and nothing else.
    statuses = display.evaluate("""async ([meeting, presented, other]) => {
        const token = decodeURIComponent(location.hash.slice(1));
        const get = (id, headers) => fetch(`/live/display/${meeting}/documents/${id}/file`, { headers })
            .then((r) => r.status);
        return [await get(presented, { "X-Display-Token": token }), await get(other, { "X-Display-Token": token }),
                await get(presented, {})]; }""", [room.meeting_id, doc2, room.doc_ids[0]])
    assert statuses == [200, 404, 404]
    _expect_pdf_page(display, doc2, 4, 5)
    screenshot(display, "live-display-pdf-1920x1080")


# -- 5. every document of the session on the tablet, grouped by agenda item -------------------

GENERAL_TITLE = "Chương trình phiên họp và giấy mời"


def _add_general_document(server, room):
    """A document of the session attached to no agenda item (the programme, the invitation)."""
    from ecabinet.accounts.models import User
    from tests.documents.pdfs import submission_pdf
    from ecabinet.documents.operations import add_document, prepare_file, receive_upload
    from ecabinet.extensions import db
    from ecabinet.meetings.models import Meeting

    with server.app.app_context():
        meeting = db.session.get(Meeting, room.meeting_id)
        secretariat = db.session.get(User, room.secretariat.id)
        data = submission_pdf(GENERAL_TITLE, "Văn phòng UBND tỉnh", pages=2, number="01/GM")
        prepared = prepare_file(receive_upload(io.BytesIO(data), "giay-moi.pdf"))
        document_id = add_document(meeting, prepared, actor=secretariat, title=GENERAL_TITLE).id
        db.session.commit()
        db.session.remove()
    return document_id


def _groups(page):
    """[(heading, current?, [document titles])] as the tablet lists them."""
    groups = page.evaluate("""() => Array.from(document.querySelectorAll('[data-live="documents"] > .live-docs__group'))
        .map((group) => [group.querySelector('.live-docs__item').textContent.trim(),
                         group.classList.contains('is-current'),
                         Array.from(group.querySelectorAll('.live-doc__title')).map((t) => t.textContent.trim())])""")
    return [tuple(group) for group in groups]


def _expect_touch_friendly_list(page):
    """Every document is a large target inside its column, and no title is cut off sideways."""
    sizes = page.evaluate("""() => {
        const list = document.querySelector('[data-live="documents"]');
        return { overflow: list.scrollWidth - list.clientWidth,
                 buttons: Array.from(list.querySelectorAll('.live-doc')).map((b) => {
                     const box = b.getBoundingClientRect();
                     const title = b.querySelector('.live-doc__title');
                     return [box.width, box.height, title.scrollWidth - title.clientWidth]; }) }; }""")
    assert sizes["overflow"] <= 0, sizes
    for width, height, clipped in sizes["buttons"]:
        assert height >= 56 and width >= 260 and clipped <= 0, sizes


def test_tablet_lists_every_document_grouped_by_agenda_item(live_server, room, new_page):
    general = _add_general_document(live_server, room)
    doc1, doc2, doc3, doc4 = room.doc_ids
    chair = _enter(new_page, live_server, room, room.chair, TABLET_LANDSCAPE)  # the chair presents from a tablet
    console = _enter(new_page, live_server, room, room.secretariat, TABLET_LANDSCAPE, "live/console")
    console.locator(f'.live-docs__head[data-item-id="{room.item_ids[1]}"]').click()
    member = _enter(new_page, live_server, room, room.members[0], TABLET_PORTRAIT)
    other = _enter(new_page, live_server, room, room.members[1], TABLET_LANDSCAPE)
    open_drawer(member, "start")  # portrait: the documents are a drawer

    # One list: each agenda item (its title once) with its documents under it, the general ones last.
    expected = [
        ("Tờ trình kế hoạch đầu tư công 2027", False, [_title(room, doc1)]),
        ("Báo cáo kinh tế - xã hội và bảng giá đất", True, [_title(room, doc2), _title(room, doc3)]),
        ("Đề án chuyển đổi số", False, [_title(room, doc4)]),
        ("Tài liệu chung", False, [GENERAL_TITLE]),
    ]
    for page in (chair, member, other):
        expect(page.locator(".live-docs__group.is-current")).to_contain_text("Đang thảo luận")
        assert _groups(page) == expected
        numbers = page.locator(".live-docs__group .live-docs__no").all_inner_texts()
        assert [n.strip() for n in numbers] == ["1", "2", "3", ""]
        _expect_touch_friendly_list(page)

    # The chair presents a document of the first item, from the list of the tablet.
    chair.locator(f'.live-doc[data-document-id="{doc1}"]').click()
    assert _mode(chair) == "presenting"
    _expect_pdf_page(chair, doc1, 1, 4)
    _expect_pdf_page(member, doc1, 1, 4)
    expect(member.locator(f'.live-doc[data-document-id="{doc1}"]')).to_have_class(re.compile(r"\bis-open\b"))

    # A landscape tablet following the presenter into another item's document shows where it is.
    expect(other.locator(f'.live-doc[data-document-id="{doc1}"]')).to_be_in_viewport()

    # A member reads ahead: a document of the next item, without leaving the room page.
    member.locator(f'.live-doc[data-document-id="{doc4}"]').tap()
    expect(member.locator('[data-live="mode"]')).to_have_attribute("data-mode", "free")
    # In portrait the list is a drawer over the page: the tap closes it, the document is in view.
    expect(member.locator(".live-layout.is-start-open")).to_have_count(0)
    expect(member.locator('[data-live="stage"]')).to_be_in_viewport(ratio=0.9)
    _expect_pdf_page(member, doc4, 1, 4)
    expect(member.locator(".live-doc.is-open")).to_have_count(1)
    expect(member.locator(".live-doc.is-open")).to_have_attribute("data-document-id", str(doc4))
    # ... and still sees which document is on the room's screen.
    expect(member.locator(f'.live-doc[data-document-id="{doc1}"] .live-doc__screen')).to_have_text("Đang trình chiếu")
    expect(member.locator(".live-doc__screen")).to_have_count(1)
    open_drawer(member, "start")
    member.locator(f'.live-doc[data-document-id="{general}"]').tap()
    _expect_pdf_page(member, general, 1, 2)
    screenshot(member, "live-documents-member-free-800x1280")
    screenshot(other, "live-documents-member-following-1280x800")
    screenshot(chair, "live-documents-presenter-1280x800")

    # The session moves on: the mark follows, and the landscape list brings the group into view.
    console.locator(f'.live-docs__head[data-item-id="{room.item_ids[2]}"]').click()
    for page in (chair, member, other):
        expect(page.locator(".live-docs__group.is-current")).to_have_attribute("data-item-id", str(room.item_ids[2]))
        expect(page.locator(".live-docs__group.is-current")).to_contain_text("Đang thảo luận")
    expect(other.locator(".live-docs__group.is-current")).to_be_in_viewport()
    assert _mode(member) == "free"   # moving on does not pull a reader out of their document
    _expect_pdf_page(member, general, 1, 2)
    screenshot(other, "live-documents-next-item-1280x800")


# -- 6. page turns without a blank frame ------------------------------------------------------


def test_page_turns_never_show_a_blank_canvas(live_server, room, new_page):
    """Turning pages, in follow and in free mode, and opening another document: between the old
    page and the new one the visible canvas is never hidden, cleared or blank, in any frame."""
    doc2, doc3 = room.doc_ids[1], room.doc_ids[2]
    chair = _enter(new_page, live_server, room, room.chair, TABLET_LANDSCAPE, "live/console")
    member = _enter(new_page, live_server, room, room.members[0], TABLET_PORTRAIT)
    _start_item_2_and_present(chair, room, doc2, 1)
    _expect_pdf_page(member, doc2, 1, 5)
    _expect_pdf_page(chair, doc2, 1, 5)
    canvas = '[data-live="canvas"]'
    for page in (chair, member):
        watch_canvas(page, canvas)

    for number in (2, 3, 4):
        chair.click('[data-live="next"]')
        _expect_pdf_page(member, doc2, number, 5)
    chair.locator(f'.live-doc[data-document-id="{doc3}"]').click()   # another PDF, fetched and parsed
    _expect_pdf_page(member, doc3, 1, 3)
    member.tap('[data-live="next"]')                                  # the member turns on their own
    _expect_pdf_page(member, doc3, 2, 3)
    member.keyboard.press("ArrowLeft")
    _expect_pdf_page(member, doc3, 1, 3)

    seen = stop_watching(member)
    assert seen["bad"] == [], seen
    assert seen["pages"] == [f"{doc2}:{n}" for n in (1, 2, 3, 4)] + [f"{doc3}:1", f"{doc3}:2", f"{doc3}:1"], seen
    seen = stop_watching(chair)
    assert seen["bad"] == [], seen
    assert seen["pages"][-1] == f"{doc3}:1", seen


# -- 7. documents that arrive during the session ----------------------------------------------


def test_a_document_uploaded_during_the_session_reaches_the_tablets(live_server, room, new_page):
    """The secretariat uploads a confidential report mid-session: every tablet lists it, marked, at once."""
    import requests

    from tests.documents.pdfs import submission_pdf

    title = "Báo cáo mật về công tác thanh tra đất đai"
    # Without the offline worker: the test holds the file request on its way, and page.route does
    # not see requests a service worker makes (the offline copies are tested in test_offline_browser).
    member = _enter(new_page, live_server, room, room.members[0], TABLET_LANDSCAPE, service_workers="block")
    expect(member.locator(".live-doc")).to_have_count(len(DOCUMENTS))
    expect(member.locator(".live-doc__secret")).to_have_count(0)
    login = requests.post(f"{live_server.url}/api/v1/session", timeout=10,
                          json={"username": room.secretariat.username, "password": PASSWORD})
    pdf = submission_pdf(title, "Thanh tra tỉnh", pages=3, number="09/BC-TTr")
    response = requests.post(f"{live_server.url}/api/v1/meetings/{room.meeting_id}/documents", timeout=30,
                             headers={"Authorization": f"Bearer {login.json()['token']}"},
                             files={"file": ("bao-cao-thanh-tra.pdf", pdf, "application/pdf")},
                             data={"title": title, "agenda_item_id": str(room.item_ids[0]),
                                   "classification": "confidential"})
    assert response.status_code == 201, response.text
    document_id = response.json()["id"]
    listed = member.locator(f'.live-doc[data-document-id="{document_id}"]')
    expect(listed).to_contain_text(title, timeout=10_000)
    expect(listed.locator(".live-doc__secret")).to_have_text("Mật")
    expect(member.locator(".live-doc__secret")).to_have_count(1)
    # Opening it: while the file is on its way the old page dims under a spinner.
    held, released = [], []

    def hold(route):
        if released:
            route.continue_()
        else:
            held.append(route)

    member.route(f"**/api/v1/documents/{document_id}/file*", hold)
    listed.click()
    stage = member.locator('[data-live="stage"]')
    expect(stage).to_have_attribute("data-loading", "true")
    expect(member.locator('[data-live="doc-title"]')).to_have_text(title)
    for _ in range(100):  # PDF.js loads, then asks for the file (the route answers it meanwhile)
        if held:
            break
        member.wait_for_timeout(100)
    assert held, "the tablet asked for the file"
    screenshot(member, "live-documents-loading-1280x800")
    released.append(True)
    for route in held:
        route.continue_()
    _expect_pdf_page(member, document_id, 1, 3)
    expect(stage).not_to_have_attribute("data-loading", "true")
    screenshot(member, "live-documents-uploaded-confidential-1280x800")
