"""In the browser: an administrator sets up a commune beside the province, with its roster and
rules; the commune's secretariat prepares its own session and invites the roster in one action."""
import pytest

from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, browser_login, screenshot
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

    # The commune's secretariat: its new session belongs to the commune; the roster in one click.
    office = new_page(TABLET_PORTRAIT)
    browser_login(office, server.url, "vp.tanuyen", PASSWORD)
    office.goto(f"{server.url}/meetings/new")
    office.fill("#title", "Phiên họp UBND xã Tân Uyên thường kỳ tháng 12/2026")
    office.fill("#starts_at", "2026-12-28T08:00")
    office.select_option("#format", "hybrid")
    with office.expect_navigation():
        office.click("main form button[type=submit]")
    office.once("dialog", lambda dialog: dialog.accept())
    with office.expect_navigation():
        office.click("#participants .card__footer button[type=submit]")
    people = office.locator("#participants .person__name").all_inner_texts()
    assert people == ["Lò Văn Thanh", "Tẩn Thị Mây", "Hoàng Thị Đào", "Giàng A Pao"], people
    assert "Họp trực tiếp kết hợp trực tuyến" in office.locator(".page-header").inner_text()
    screenshot(office, "bodies-commune-session-800x1280")
    office.set_viewport_size(TABLET_LANDSCAPE)
    screenshot(office, "bodies-commune-session-1280x800")
