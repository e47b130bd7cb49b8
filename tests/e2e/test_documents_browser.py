"""In the browser: the secretariat uploads with a progress bar per file; a member reads on a tablet."""
import pytest
from playwright.sync_api import expect

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.documents import pdfs
from tests.e2e.canvas import stop_watching, watch_canvas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture
def prepared(live_server, tmp_path):
    from ecabinet.extensions import db
    from ecabinet.meetings import operations
    from ecabinet.meetings.models import MeetingStatus
    from tests.factories import create_meeting, create_secretariat, create_user

    with live_server.app.app_context():
        secretariat = create_secretariat(username="thuky", full_name="Trần Thị Thư Ký", unit="Văn phòng UBND tỉnh")
        member = create_user(username="thanhvien", full_name="Lê Văn Thành", unit="Sở Kế hoạch và Đầu tư",
                             title="Giám đốc Sở")
        meeting = create_meeting("Phiên họp UBND tỉnh thường kỳ tháng 11/2026", actor=secretariat,
                                 status=MeetingStatus.PUBLISHED, members=[member],
                                 agenda=("Tờ trình về kế hoạch đầu tư công năm 2027",
                                         "Dự thảo Nghị quyết quy định bảng giá đất"))
        operations.add_agenda_item(meeting, "Báo cáo tình hình kinh tế - xã hội tháng 11", actor=secretariat)
        db.session.commit()
        meeting_id = meeting.id
    files = {}
    for name, pages, title in [("To trinh dau tu cong.pdf", 12, "Tờ trình về kế hoạch đầu tư công năm 2027"),
                               ("Du thao Nghi quyet gia dat.pdf", 6, "Dự thảo Nghị quyết bảng giá đất"),
                               ("bao-mat.pdf", 2, "Phụ lục số liệu mật")]:
        path = tmp_path / name
        path.write_bytes(pdfs.make_pdf(pages, title=title))
        files[name] = path
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(pdfs.truncated_pdf())
    files["hong.pdf"] = broken
    return live_server, meeting_id, files


def test_secretariat_uploads_and_member_reads_on_tablets(prepared, new_page):
    server, meeting_id, files = prepared
    page = new_page(TABLET_LANDSCAPE)
    browser_login(page, server.url, "thuky", PASSWORD)
    page.goto(f"{server.url}/meetings/{meeting_id}/documents/upload")
    page.set_input_files("#file-input", [str(p) for p in files.values()])
    rows = page.locator(".upload-row")
    assert rows.count() == 4
    rows.nth(0).locator('[data-field="agenda_item_id"]').select_option(index=1)
    rows.nth(1).locator('[data-field="agenda_item_id"]').select_option(index=2)
    rows.nth(1).locator('[data-field="kind"]').select_option("draft")
    rows.nth(2).locator('[data-field="classification"]').select_option("confidential")
    rows.nth(2).locator('[data-field="title"]').fill("Phụ lục số liệu mật")
    screenshot(page, "documents-upload-ready-1280x800")
    page.click("#upload-start")
    page.wait_for_function("document.querySelectorAll('.upload-row[data-state=done], .upload-row[data-state=failed]').length === 4",
                           timeout=60_000)
    assert page.locator('.upload-row[data-state="done"]').count() == 3
    failed = page.locator('.upload-row[data-state="failed"] [data-status]').inner_text()
    assert "hỏng" in failed or "không đầy đủ" in failed, failed
    assert page.locator('.upload-row[data-state="done"] .progress__bar').first.evaluate("e => e.style.width") == "100%"
    screenshot(page, "documents-upload-done-1280x800")

    page.goto(f"{server.url}/meetings/{meeting_id}")
    assert page.locator("#agenda .doc-row").count() == 3
    screenshot(page, "documents-session-panel-1280x800")

    for viewport, label in [(TABLET_LANDSCAPE, "1280x800"), (TABLET_PORTRAIT, "800x1280")]:
        reader = new_page(viewport)
        browser_login(reader, server.url, "thanhvien", PASSWORD)
        reader.goto(f"{server.url}/meetings/{meeting_id}")
        assert reader.locator("#agenda .doc-row").count() == 3
        screenshot(reader, f"documents-member-session-{label}")
        reader.locator("#agenda .doc-row").first.locator("text=Đọc").click()
        reader.wait_for_selector(".reader.is-ready", timeout=30_000)
        assert reader.locator("#goto-page").input_value() == "1"
        screenshot(reader, f"documents-reader-{label}")
        reader.click('[data-action="next"]')
        reader.wait_for_function("document.querySelector('#goto-page').value === '2'")
        box = reader.locator("#stage").bounding_box()
        # Swipe left with a finger to turn to page 3.
        reader.evaluate("""([x, y]) => {
            const stage = document.getElementById('stage');
            const fire = (type, cx) => stage.dispatchEvent(new PointerEvent(type, {pointerId: 7, clientX: cx,
                clientY: y, bubbles: true, pointerType: 'touch', isPrimary: true}));
            fire('pointerdown', x + 250); fire('pointermove', x + 120); fire('pointerup', x);
        }""", [box["x"] + box["width"] / 2 - 150, box["y"] + box["height"] / 2])
        reader.wait_for_function("document.querySelector('#goto-page').value === '3'")
        reader.fill("#goto-page", "10")
        reader.press("#goto-page", "Enter")
        reader.wait_for_function("document.querySelector('#goto-page').value === '10'")
        reader.click('[data-toggle="search"]')
        reader.fill('[data-search] input', "trang 7")
        reader.press('[data-search] input', "Enter")
        reader.wait_for_function("document.querySelector('#goto-page').value === '7'", timeout=20_000)
        reader.wait_for_selector(".reader-hit", state="attached", timeout=10_000)
        reader.click('[data-toggle="notes"]')
        reader.fill('[data-note-form] textarea', "Đề nghị Sở Tài chính làm rõ nguồn vốn")
        reader.click('[data-note-form] button[type=submit]')
        reader.wait_for_selector(".reader-note__text:has-text('nguồn vốn')")
        screenshot(reader, f"documents-reader-notes-search-{label}")
        if label == "1280x800":
            reader.click('[data-tab="thumbs"]')
            reader.wait_for_selector(".reader-thumb")
            screenshot(reader, "documents-reader-thumbs-1280x800")

    secret = new_page(TABLET_PORTRAIT)
    browser_login(secret, server.url, "thanhvien", PASSWORD)
    secret.goto(f"{server.url}/meetings/{meeting_id}")
    secret.locator("#agenda .doc-row", has_text="Phụ lục số liệu mật").locator("text=Đọc").click()
    secret.wait_for_selector(".reader.is-ready", timeout=30_000)
    assert "Lê Văn Thành" in secret.locator(".reader-bar__secret").inner_text()
    screenshot(secret, "documents-reader-confidential-800x1280")


def _upload_as_secretariat(server, meeting_id, path):
    """Upload a PDF through the API as the demo secretariat; returns the response (201)."""
    import requests

    session = requests.Session()
    token = session.post(f"{server.url}/api/v1/session", json={"username": "thuky", "password": PASSWORD},
                         timeout=10).json()["token"]
    with open(path, "rb") as handle:
        created = session.post(f"{server.url}/api/v1/meetings/{meeting_id}/documents",
                               headers={"Authorization": f"Bearer {token}"}, timeout=60,
                               files={"file": ("To trinh.pdf", handle, "application/pdf")}, data={"kind": "submission"})
    assert created.status_code == 201, created.text
    return created


def test_offline_download_marks_documents_available(prepared, new_page):
    server, meeting_id, files = prepared
    created = _upload_as_secretariat(server, meeting_id, files["To trinh dau tu cong.pdf"])
    page = new_page(TABLET_LANDSCAPE)
    browser_login(page, server.url, "thanhvien", PASSWORD)
    page.goto(f"{server.url}/meetings/{meeting_id}")
    page.click("[data-offline-download]")
    page.wait_for_selector(".doc-offline:not([hidden])", timeout=30_000)
    # The status line says "done" once the worker's messages are handled (a progress message says
    # "downloading" again until the page has looked at the cache).
    expect(page.locator("[data-offline-status]")).to_contain_text("ngoại tuyến")
    screenshot(page, "documents-offline-ready-1280x800")
    # With the network gone, the cached version still opens in the reader.
    page.context.set_offline(True)
    page.goto(f"{server.url}/meetings/{meeting_id}/documents/{created.json()['id']}/read")
    page.wait_for_selector(".reader.is-ready", timeout=30_000)
    screenshot(page, "documents-reader-offline-1280x800")
    page.context.set_offline(False)


def _swipe(reader, direction):
    """A finger swipe across the page: -1 turns forward, +1 back."""
    box = reader.locator("#stage").bounding_box()
    reader.evaluate("""([x, y, dx]) => {
        const stage = document.getElementById('stage');
        const fire = (type, cx) => stage.dispatchEvent(new PointerEvent(type, {pointerId: 7, clientX: cx,
            clientY: y, bubbles: true, pointerType: 'touch', isPrimary: true}));
        fire('pointerdown', x); fire('pointermove', x + dx / 2); fire('pointerup', x + dx);
    }""", [box["x"] + box["width"] / 2 - 125 * direction, box["y"] + box["height"] / 2, 250 * direction])


def _pinch(reader, ratio):
    """Two fingers spread apart from 100 px to 100 * ratio px, hold for a few frames, then lift."""
    box = reader.locator("#stage").bounding_box()
    fire = """([events, x, y]) => {
        const stage = document.getElementById('stage');
        for (const [type, id, dx] of events) stage.dispatchEvent(new PointerEvent(type, {pointerId: id,
            clientX: x + dx, clientY: y, bubbles: true, pointerType: 'touch', isPrimary: id === 1}));
    }"""
    at = [box["x"] + box["width"] / 2 - 50, box["y"] + box["height"] / 3]
    reader.evaluate(fire, [[["pointerdown", 1, 0], ["pointerdown", 2, 100]], *at])
    for step in (0.25, 0.5, 0.75, 1):
        reader.evaluate(fire, [[["pointermove", 2, 100 * (1 + (ratio - 1) * step)]], *at])
        reader.wait_for_timeout(30)
    reader.wait_for_timeout(150)
    reader.evaluate(fire, [[["pointerup", 2, 100 * ratio], ["pointerup", 1, 0]], *at])


def _expect_shown(reader, number, hits=False):
    reader.wait_for_function(f"document.querySelector('.reader-page canvas').dataset.shownPage === '{number}'",
                             timeout=20_000)
    if hits:
        reader.wait_for_selector(".reader-hit", state="attached", timeout=10_000)


def test_reader_turns_pages_without_a_blank_frame(prepared, new_page):
    """Buttons, page number, swipe, search hits, zoom and pinch: in every frame between one page and
    the next, the reader shows a drawn page, its frame fits it, and its marks belong to it."""
    server, meeting_id, files = prepared
    created = _upload_as_secretariat(server, meeting_id, files["To trinh dau tu cong.pdf"])
    reader = new_page(TABLET_PORTRAIT)
    browser_login(reader, server.url, "thanhvien", PASSWORD)
    reader.goto(f"{server.url}/meetings/{meeting_id}/documents/{created.json()['id']}/read")
    reader.wait_for_selector(".reader.is-ready", timeout=30_000)
    _expect_shown(reader, 1)
    watch = dict(canvas=".reader-page canvas", frame=".reader-page", overlay="[data-overlay]", page_key="shownPage")

    watch_canvas(reader, **watch)
    reader.click('[data-action="next"]')          # drawn ahead of time
    _expect_shown(reader, 2)
    reader.click('[data-action="next"]')
    _expect_shown(reader, 3)
    reader.fill("#goto-page", "10")               # not drawn yet
    reader.press("#goto-page", "Enter")
    _expect_shown(reader, 10)
    _swipe(reader, +1)
    _expect_shown(reader, 9)
    reader.click('[data-toggle="search"]')
    reader.fill('[data-search] input', "trang 1")  # pages 1, 10, 11 and 12, each with its hit
    reader.press('[data-search] input', "Enter")
    _expect_shown(reader, 1, hits=True)
    reader.click('[data-action="search-next"]')
    _expect_shown(reader, 10, hits=True)
    reader.click('[data-action="search-next"]')
    _expect_shown(reader, 11, hits=True)
    before = reader.locator(".reader-page canvas").bounding_box()["width"]
    reader.click('[data-action="zoom-in"]')       # the same page, larger
    reader.wait_for_function(f"document.querySelector('.reader-page canvas').getBoundingClientRect().width > {before + 20}")
    seen = stop_watching(reader)
    assert seen["bad"] == [], seen
    assert seen["pages"] == [f":{n}" for n in (1, 2, 3, 10, 9, 1, 10, 11)], seen

    # A pinch: the page keeps its spread size until the page drawn at the new zoom replaces it,
    # rather than snapping back to the old size meanwhile.
    width = reader.locator(".reader-page canvas").bounding_box()["width"]
    watch_canvas(reader, **watch)
    _pinch(reader, 1.5)
    reader.wait_for_function(f"""(() => {{ const box = document.querySelector('.reader-page');
        return !box.style.transform && document.querySelector('.reader-page canvas').getBoundingClientRect().width > {width * 1.3}; }})()""")
    seen = stop_watching(reader)
    assert seen["bad"] == [], seen
    spread = [n for n, w in enumerate(seen["widths"]) if w > width * 1.3]
    assert spread and all(w > width * 1.3 for w in seen["widths"][spread[0]:]), (width, seen)
    screenshot(reader, "documents-reader-pinched-800x1280")
