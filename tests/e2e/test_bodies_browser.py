"""In the browser: an administrator sets up a commune beside the province, with its roster and
rules; the commune's secretariat saves an invitation group, prepares its own session and invites the
roster in one action; a live commune session shows its kind and its late documents on the tablet."""
import pytest

from playwright.sync_api import expect

from tests.conftest import SCREENSHOTS, TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def province(live_server):
    from ecabinet.bodies import operations as bodies
    from ecabinet.extensions import db
    from tests.factories import create_admin, create_user

    with live_server.app.app_context():
        create_admin(username="quantri", full_name="Trần Quang Khải")
        body = bodies.default_body()
        bodies.update_body(body, name="Ủy ban nhân dân tỉnh Lai Châu", kind="provincial", place_name="Lai Châu")
        office = create_user(username="vp.tanuyen", full_name="Lù Thị Hương", title="Chuyên viên Văn phòng")
        people = [create_user(username=u, full_name=n, title=t, unit="UBND xã Tân Uyên") for u, n, t in [
            ("chutich.tanuyen", "Lò Văn Thanh", "Chủ tịch UBND xã"),
            ("pct.tanuyen", "Tẩn Thị Mây", "Phó Chủ tịch UBND xã"),
            ("ca.tanuyen", "Giàng A Pao", "Trưởng Công an xã"),
            ("kt.tanuyen", "Hoàng Thị Đào", "Trưởng phòng Kinh tế xã")]]
        db.session.commit()
        ids = {"office": office.id, "people": [p.id for p in people]}
        db.session.remove()
    return live_server, ids


def test_an_administrator_sets_up_a_commune_and_its_secretariat_runs_its_session(province, new_page):
    server, ids = province
    admin = new_page(TABLET_LANDSCAPE)
    browser_login(admin, server.url, "quantri", PASSWORD)
    admin.goto(f"{server.url}/admin/bodies/new")
    admin.fill("#name", "Ủy ban nhân dân xã Tân Uyên")
    admin.fill("#parent_name", "UBND TỈNH LAI CHÂU")
    admin.select_option("#kind", "commune")
    admin.fill("#place_name", "Tân Uyên")
    admin.fill("#rules-legal_basis", "Quy chế làm việc của UBND xã Tân Uyên, ban hành kèm theo Quyết định số 12/QĐ-UBND")
    with admin.expect_navigation():
        admin.click("form.stack button[type=submit]")
    body_url = admin.url.split("#")[0]
    roster = [(ids["office"], "secretariat", ""), (ids["people"][0], "chair", "Chủ tịch"),
              (ids["people"][1], "member", "Phó Chủ tịch"), (ids["people"][2], "member", "Ủy viên"),
              (ids["people"][3], "member", "Ủy viên")]
    for user_id, role, position in roster:
        admin.select_option("#roster-user_id", str(user_id))
        admin.select_option("#roster-role", role)
        admin.fill("#roster-position", position)
        admin.fill("#roster-rank", {"Chủ tịch": "10", "Phó Chủ tịch": "20", "Ủy viên": "100"}.get(position, "1000"))
        with admin.expect_navigation():
            admin.click("#roster .card__footer button[type=submit]")
    names = admin.locator("#roster .list-row__title").all_inner_texts()
    # Chair, vice-chair, the two members in Vietnamese name order (Đào before Pao), the secretariat last.
    assert names == ["Lò Văn Thanh", "Tẩn Thị Mây", "Hoàng Thị Đào", "Giàng A Pao", "Lù Thị Hương"], names
    screenshot(admin, "bodies-commune-1280x800")
    admin.goto(f"{body_url}#rules")
    admin.locator("#rules").scroll_into_view_if_needed()
    admin.screenshot(path=str(SCREENSHOTS / "bodies-rules-1280x800.png"))  # the rules card in view
    for viewport, label in [(TABLET_PORTRAIT, "800x1280"), (PHONE, "390x844")]:
        admin.set_viewport_size(viewport)
        admin.goto(body_url)
        screenshot(admin, f"bodies-commune-{label}")
    admin.set_viewport_size(TABLET_LANDSCAPE)
    admin.goto(f"{server.url}/admin/bodies")
    assert admin.locator(".list-row").count() == 2
    screenshot(admin, "bodies-list-1280x800")
    admin.goto(f"{server.url}/admin/calendar")
    assert "Tết" in admin.locator("section[aria-labelledby=holidays-title] .list").inner_text()
    screenshot(admin, "bodies-calendar-1280x800")

    # The commune's secretariat saves "Lãnh đạo UBND xã" from its home page, ticking two people.
    office = new_page(TABLET_PORTRAIT)
    browser_login(office, server.url, "vp.tanuyen", PASSWORD)
    with office.expect_navigation():
        office.click("main .page-header__actions a[href$='/groups']")
    office.fill("#name", "Lãnh đạo UBND xã")
    for user_id in ids["people"][:2]:
        office.check(f"input[name=user_ids][value='{user_id}']")
    with office.expect_navigation():
        office.click("#new-group button[type=submit]")
    assert office.locator("#groups .list-row__title").all_inner_texts() == ["Lãnh đạo UBND xã"]
    screenshot(office, "bodies-groups-800x1280")
    office.set_viewport_size(TABLET_LANDSCAPE)
    screenshot(office, "bodies-groups-1280x800")
    office.set_viewport_size(TABLET_PORTRAIT)

    # Its new session belongs to the commune; the roster in one click.
    office.goto(f"{server.url}/meetings/new")
    office.fill("#title", "Phiên họp UBND xã Tân Uyên thường kỳ tháng 12/2026")
    office.fill("#starts_at", "28/12/2026")
    office.fill("#starts_at-time", "08:00")
    office.select_option("#format", "hybrid")
    with office.expect_navigation():
        office.click("main form button[type=submit]")
    office.once("dialog", lambda dialog: dialog.accept())
    with office.expect_navigation():
        office.click("#participants .card__footer button[type=submit]")
    people = office.locator("#participants .person__name").all_inner_texts()
    assert people == ["Lò Văn Thanh", "Tẩn Thị Mây", "Hoàng Thị Đào", "Giàng A Pao"], people
    header = office.locator(".page-header").inner_text()
    assert "Thường kỳ" in header and "Họp trực tiếp kết hợp trực tuyến" in header
    office.locator("#invite-group summary").click()
    assert "Lãnh đạo UBND xã (2 người)" in office.locator("#invite-source").inner_text()
    office.evaluate("() => window.scrollTo(0, 0)")  # the sticky top bar stays on top in the full-page shot
    screenshot(office, "bodies-commune-session-800x1280")
    office.set_viewport_size(TABLET_LANDSCAPE)
    screenshot(office, "bodies-commune-session-1280x800")


@pytest.fixture
def commune_live(live_server):
    """A live, hybrid, regular session of a commune whose document went out today: late, since the
    commune's rules ask for documents three working days before."""
    from datetime import timedelta

    from ecabinet.bodies import operations as bodies
    from ecabinet.core.db import utcnow
    from ecabinet.extensions import db
    from ecabinet.meetings import operations as meetings
    from ecabinet.meetings.models import MeetingStatus, Role
    from tests.factories import create_document, create_user

    with live_server.app.app_context():
        bodies.default_body()
        commune = bodies.create_body("Ủy ban nhân dân xã Tân Uyên", kind="commune", parent_name="UBND TỈNH LAI CHÂU")
        office = create_user(username="vp.xa", full_name="Lù Thị Hương")
        chair = create_user(username="ct.xa", full_name="Lò Văn Thanh", title="Chủ tịch UBND xã")
        member = create_user(username="tv.xa", full_name="Tẩn Thị Mây", title="Phó Chủ tịch UBND xã")
        bodies.set_roster_place(commune, office, role="secretariat")
        meeting = meetings.create_meeting("Phiên họp UBND xã Tân Uyên tháng 11/2026", utcnow() - timedelta(minutes=5),
                                          actor=office, body=commune, format="hybrid", location="Hội trường UBND xã")
        item = meetings.add_agenda_item(meeting, "Báo cáo thu chi ngân sách xã", actor=office)
        meetings.invite_participant(meeting, chair, Role.CHAIR, actor=office)
        meetings.invite_participant(meeting, member, Role.MEMBER, actor=office)
        meetings.change_status(meeting, MeetingStatus.PUBLISHED, actor=office)
        meetings.change_status(meeting, MeetingStatus.LIVE, actor=office)
        create_document(meeting, actor=office, title="Báo cáo thu chi ngân sách xã 10 tháng", agenda_item=item)
        db.session.commit()
        ids = {"meeting": meeting.id}
        db.session.remove()
    return live_server, ids


def test_a_commune_session_shows_its_kind_and_late_documents_on_the_tablet(commune_live, new_page):
    server, ids = commune_live
    for user, path in [("tv.xa", "live"), ("ct.xa", "live/console")]:
        for viewport, label in [(TABLET_LANDSCAPE, "1280x800"), (TABLET_PORTRAIT, "800x1280")]:
            page = new_page(viewport)
            browser_login(page, server.url, user, PASSWORD)
            page.goto(f"{server.url}/meetings/{ids['meeting']}/{path}")
            expect(page.locator('[data-live="conn"]').first).to_have_attribute("data-state", "connected")
            strip = page.locator(".live-strip__eyebrow").inner_text()
            assert "Thường kỳ" in strip and "Họp trực tiếp kết hợp trực tuyến" in strip, strip
            expect(page.locator(".live-doc .live-doc__late")).to_have_text("Gửi muộn")
            screenshot(page, f"bodies-commune-{path.replace('/', '-')}-{label}")
    reader = new_page(TABLET_LANDSCAPE)
    browser_login(reader, server.url, "tv.xa", PASSWORD)
    reader.goto(f"{server.url}/meetings/{ids['meeting']}")
    assert "Gửi muộn" in reader.locator("#agenda").inner_text()
    with reader.expect_navigation():
        reader.locator("#agenda a[href$='/read']").first.click()
    expect(reader.locator(".reader-library__late")).to_be_visible()
    expect(reader.locator(".reader-library__late")).to_have_text("Gửi muộn")
    expect(reader.locator(".reader-page")).to_be_visible(timeout=20_000)
    screenshot(reader, "bodies-commune-reader-1280x800")
    home = new_page(TABLET_PORTRAIT)
    browser_login(home, server.url, "tv.xa", PASSWORD)
    home.goto(f"{server.url}/meetings")
    assert "Thường kỳ" in home.locator(".meeting-card").first.inner_text()
    screenshot(home, "bodies-commune-home-800x1280")
