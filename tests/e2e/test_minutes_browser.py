"""In the browser: the secretary drafts the minutes of an ended session (pre-filled), autosave saves
as they type, a parallel save by the Văn phòng shows as a conflict without losing the typed text, the
chair comments, revisions are compared, and the secretary finalises; a member reads the result."""
import re

import pytest
import requests

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]
SAVED = re.compile(r"Đã lưu lúc \d\d:\d\d")


@pytest.fixture
def ended_session(live_server):
    from ecabinet.accounts.operations import issue_token
    from ecabinet.extensions import db
    from tests.minutes.scene import build_session

    with live_server.app.app_context():
        s = build_session()
        _token, raw = issue_token(s.office)
        db.session.commit()
        info = {"meeting": s.meeting.id, "items": [i.id for i in s.items], "absent": s.absent.id,
                "secretary": s.secretary.username, "chair": s.chair.username, "member": s.present.username,
                "office_headers": {"Authorization": f"Bearer {raw}"}}
        db.session.remove()
    return live_server, info


def _wait_saved(page, revision):
    page.wait_for_function("n => document.getElementById('minutes').dataset.revision === String(n)", arg=revision)
    assert SAVED.search(page.locator("#save-state").inner_text())


def test_the_secretary_drafts_and_finalises_the_minutes(ended_session, new_page):
    server, info = ended_session
    minutes_url = f"{server.url}/meetings/{info['meeting']}/minutes"
    first, second = info["items"]

    page = new_page(TABLET_LANDSCAPE)
    browser_login(page, server.url, info["secretary"], PASSWORD)
    page.goto(f"{server.url}/meetings/{info['meeting']}")
    with page.expect_navigation():
        page.click(f'a[href="/meetings/{info["meeting"]}/minutes"]')
    assert page.locator("h1").inner_text() == "Biên bản phiên họp"
    assert "Lê Văn An (2 lần)" in page.locator(f'[data-item-id="{first}"]').inner_text()
    assert "phiên bản 2" in page.locator(f'[data-item-id="{first}"]').inner_text()

    page.fill(f"#d-{first}", "Sở Kế hoạch và Đầu tư trình bày tờ trình; các thành viên thảo luận về nguồn vốn.")
    _wait_saved(page, 1)
    row = page.locator(f'tr[data-user-id="{info["absent"]}"]')
    row.locator("select").select_option("absent_excused")
    row.locator("input").fill("Ốm, có đơn xin phép")
    _wait_saved(page, 2)
    screenshot(page, "minutes-editor-1280x800")

    # The Văn phòng saves on top of revision 2 from another client while the secretary keeps typing.
    other = requests.put(f"{server.url}/api/v1/meetings/{info['meeting']}/minutes", headers=info["office_headers"],
                         json={"base_revision": 2, "content": {"items": [
                             {"agenda_item_id": second, "discussion": "Văn phòng bổ sung: số liệu tháng 11."}]}},
                         timeout=30)
    assert other.status_code == 200 and other.json()["revision"] == 3
    typed = "Thống nhất thông qua tờ trình, giao Sở Kế hoạch và Đầu tư hoàn thiện hồ sơ."
    page.fill(f"#c-{first}", typed)
    page.locator("#conflict").wait_for(state="visible")
    assert "bản sửa đổi 3" in page.locator("#conflict-diff").inner_text().lower()
    assert typed in page.locator("#conflict-diff").inner_text()
    assert page.input_value(f"#c-{first}") == typed  # nothing lost
    assert "Chưa lưu" in page.locator("#save-state").inner_text()
    screenshot(page, "minutes-conflict-1280x800")
    page.click("#conflict-keep-mine")
    _wait_saved(page, 4)
    assert page.locator("#conflict").is_hidden()

    # The chair comments on the draft from their own tablet.
    chair = new_page(TABLET_PORTRAIT)
    browser_login(chair, server.url, info["chair"], PASSWORD)
    chair.goto(minutes_url)
    assert chair.locator("textarea[data-item]").count() == 0
    chair.fill("#comment-text", "Đề nghị ghi rõ ý kiến của Sở Tài chính về nguồn vốn.")
    with chair.expect_navigation():
        chair.click("#comments button[type=submit]")
    assert "Đề nghị ghi rõ ý kiến của Sở Tài chính" in chair.locator("#comments").inner_text()

    page.reload()
    assert "Đề nghị ghi rõ ý kiến của Sở Tài chính" in page.locator("#comments").inner_text()
    # Both parallel edits are there: the secretary's on item 1, the Văn phòng's on item 2.
    assert page.input_value(f"#c-{first}") == typed
    assert page.input_value(f"#d-{second}") == "Văn phòng bổ sung: số liệu tháng 11."
    page.select_option("#compare-a", "1")
    page.select_option("#compare-b", "4")
    page.click("#compare-form button[type=submit]")
    page.locator("#compare-result .diff__row--changed, #compare-result .diff__row--added").first.wait_for()
    diff = page.locator("#compare-result").inner_text()
    assert "Vũ Thị Em · Điểm danh" in diff and "Vắng có lý do" in diff
    assert typed in diff
    screenshot(page, "minutes-compare-1280x800")

    portrait = new_page(TABLET_PORTRAIT)
    browser_login(portrait, server.url, info["secretary"], PASSWORD)
    portrait.goto(minutes_url)
    screenshot(portrait, "minutes-editor-800x1280")

    page.click("#finalise-open")
    page.locator("#finalise-dialog").wait_for(state="visible")
    with page.expect_navigation():
        page.click("#finalise-confirm")
    assert page.locator("#minutes-status").inner_text() == "Đã hoàn tất"
    assert page.locator("textarea[data-item]").count() == 0
    assert typed in page.locator(f'[data-item-id="{first}"]').inner_text()

    member = new_page(TABLET_PORTRAIT)
    browser_login(member, server.url, info["member"], PASSWORD)
    member.goto(minutes_url)
    assert typed in member.locator(f'[data-item-id="{first}"]').inner_text()
    assert member.locator("#comments").count() == 0
    screenshot(member, "minutes-final-800x1280")


def test_facts_recorded_after_a_save_are_brought_in_on_request(live_server, new_page):
    from ecabinet.extensions import db
    from ecabinet.live import operations as live
    from ecabinet.meetings.models import Meeting
    from ecabinet.minutes import operations
    from tests.minutes.scene import build_session

    with live_server.app.app_context():
        s = build_session(end=False)  # the secretary drafts while the session is still live
        operations.save_revision(s.meeting, {}, base_revision=0, actor=s.secretary)
        db.session.commit()
        info = {"meeting": s.meeting.id, "second": s.items[1].id, "secretary": s.secretary.username,
                "online": s.online.id, "chair": s.chair.id}
        db.session.remove()
    page = new_page(TABLET_LANDSCAPE)
    browser_login(page, live_server.url, info["secretary"], PASSWORD)
    page.goto(f"{live_server.url}/meetings/{info['meeting']}/minutes")
    assert page.locator("#facts-changed").count() == 0
    with live_server.app.app_context():
        from ecabinet.accounts.models import User

        meeting = db.session.get(Meeting, info["meeting"])
        live.grant_floor(meeting, db.session.get(User, info["online"]), actor=db.session.get(User, info["chair"]))
        db.session.commit()
        db.session.remove()
    page.reload()
    page.locator("#facts-changed").wait_for(state="visible")
    with page.expect_navigation():
        page.click("#facts-refresh")
    assert page.locator("#facts-changed").count() == 0
    assert "Phạm Thị Bình" in page.locator(f'[data-item-id="{info["second"]}"]').inner_text()
    assert page.locator("#minutes").get_attribute("data-revision") == "2"
