"""In the browser: an administrator issues a certificate; the user's test signature is uploaded to
the verification page and reported valid in Vietnamese, and a tampered copy not valid."""
import pytest
import requests

from tests.conftest import TABLET_LANDSCAPE, browser_login, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]
PIN = "135790"


@pytest.fixture
def pilot(live_server):
    from ecabinet.extensions import db
    from ecabinet.signing import operations
    from tests.factories import create_admin, create_user

    with live_server.app.app_context(), live_server.app.test_request_context():
        operations.init_ca("UBND tỉnh Lai Châu - CA thử nghiệm")
        create_admin(username="quantri", full_name="Trần Quang Khải")
        create_user(username="pct.tinh", full_name="Lò Văn Thanh", title="Phó Chủ tịch UBND tỉnh")
        db.session.commit()
        db.session.remove()
    return live_server


def test_issue_sign_and_verify_in_the_browser(pilot, new_page, tmp_path):
    admin = new_page(TABLET_LANDSCAPE)
    browser_login(admin, pilot.url, "quantri", PASSWORD)
    admin.goto(f"{pilot.url}/admin/certificates")
    admin.select_option("#issue-user_id", label="Lò Văn Thanh (pct.tinh)")
    admin.fill("#issue-pin", PIN)
    admin.click("button:has-text('Cấp hoặc nhập')")
    admin.wait_for_selector("text=Đang sử dụng", timeout=90_000)  # a 600 000-round PBKDF2 key bundle
    assert "Lò Văn Thanh" in admin.inner_text("table")
    screenshot(admin, "signing-certificates")

    api = requests.Session()
    token = api.post(f"{pilot.url}/api/v1/session", json={"username": "pct.tinh", "password": PASSWORD}).json()["token"]
    signed = api.post(f"{pilot.url}/api/v1/me/test-signature", json={"pin": PIN},
                      headers={"Authorization": f"Bearer {token}"}, timeout=120)
    assert signed.status_code == 200
    good = tmp_path / "ky-thu.pdf"
    good.write_bytes(signed.content)
    bad = tmp_path / "ky-thu-sua.pdf"
    data = bytearray(signed.content)
    data[data.index(b"stream", data.index(b"/Contents")) + 40] ^= 1
    bad.write_bytes(bytes(data))

    reader = new_page(TABLET_LANDSCAPE)
    browser_login(reader, pilot.url, "pct.tinh", PASSWORD)
    reader.goto(f"{pilot.url}/verification")
    reader.set_input_files("#file", str(good))
    with reader.expect_navigation(timeout=60_000):  # the report is the page the form posts to
        reader.click("button[type=submit]:has-text('Kiểm tra')")
    verdict = reader.inner_text("#verdict")
    assert "Mọi chữ ký đều hợp lệ" in verdict
    assert "Lò Văn Thanh" in reader.inner_text("main")
    screenshot(reader, "signing-verification-valid")

    reader.set_input_files("#file", str(bad))
    # The page already shows the first report's verdict: wait for the new page, not for #verdict.
    with reader.expect_navigation(timeout=60_000):
        reader.click("button[type=submit]:has-text('Kiểm tra')")
    assert "Không hợp lệ" in reader.inner_text("#verdict")
    assert "bị thay đổi sau khi ký" in reader.inner_text("main")
    screenshot(reader, "signing-verification-tampered")
