"""Our own error pages: 400 (an expired form), 403, 404, 405, 413, 429 and 500 are pages in the product's
layout and the user's language with a way back, never the framework's English page; /api/ answers JSON."""
import re

import pytest
from werkzeug.exceptions import TooManyRequests

from ecabinet.core.errors import Throttled
from ecabinet.meetings.models import MeetingStatus
from tests.conftest import csrf_token
from tests.factories import create_meeting, create_secretariat, create_user

# What Werkzeug would have said: none of it may reach a page or a JSON message.
FRAMEWORK_WORDS = ("The requested URL", "Method Not Allowed", "Internal Server Error", "Request Entity Too Large",
                   "Too Many Requests", "Bad Request", "The method is not allowed", "The server encountered",
                   "Not Found</h1>", "Forbidden</h1>", "CSRF token")

TITLES = {
    400: ("Biểu mẫu đã hết hạn.", "The form has expired."),
    403: ("Bạn không có quyền mở trang này.", "You are not allowed to open this page."),
    404: ("Trang này không tồn tại.", "This page does not exist."),
    405: ("Không thể mở địa chỉ này theo cách đó.", "This address cannot be opened this way."),
    413: ("Tệp quá lớn.", "The file is too large."),
    429: ("Thao tác quá nhiều lần.", "Too many attempts."),
    500: ("Máy chủ gặp sự cố.", "Something went wrong on the server."),
}
HOME = {"vi": "Về danh sách phiên họp của tôi", "en": "Back to my sessions"}
SESSION = {"vi": "Quay lại phiên họp", "en": "Back to the session"}


@pytest.fixture
def scene(app):
    secretariat = create_secretariat(full_name="Lê Thị Văn Phòng")
    member = create_user(full_name="Trần Văn Thành Viên")
    meeting = create_meeting(actor=secretariat, members=[member], status=MeetingStatus.PUBLISHED)
    return {"secretariat": secretariat, "member": member, "meeting": meeting}


def _client(login, user, lang):
    client = login(user)
    with client.session_transaction() as session:
        session["lang"] = lang
    return client


def _visible(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_our_page(response, status, lang, *ways_back):
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html and 'class="topbar"' in html and "error-page" in html
    text = _visible(html)
    title = TITLES[status][0 if lang == "vi" else 1]
    assert title in text, text
    other = TITLES[status][1 if lang == "vi" else 0]
    assert other not in text
    for words in FRAMEWORK_WORDS:
        assert words not in html, words
    for way in ways_back:
        assert way in text, (way, text)
    return html


def _errors_in(response, status, code, lang):
    assert response.status_code == status and response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert not any(words in error["message"] for words in FRAMEWORK_WORDS)
    has_vietnamese = bool(re.search(r"[ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữìíịỉĩòóọỏõùúụủũỳýỵỷỹ]", error["message"]))
    assert has_vietnamese == (lang == "vi"), error["message"]
    return error


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_404_of_an_unknown_address_and_of_a_session_you_cannot_see(login, scene, lang):
    client = _client(login, scene["member"], lang)
    assert_our_page(client.get("/no/such/page"), 404, lang, HOME[lang])
    hidden = create_meeting("Phiên họp kín của người khác")
    html = assert_our_page(client.get(f"/meetings/{hidden.id}"), 404, lang, HOME[lang])
    assert ("Phiên họp không tồn tại hoặc bạn không được xem." if lang == "vi"
            else "This session does not exist or is not visible to you.") in html
    assert SESSION[lang] not in html  # no way into a session the user may not see
    # Under a session the user sees: back to it.
    meeting = scene["meeting"]
    assert_our_page(client.get(f"/meetings/{meeting.id}/documents/999999/read"), 404, lang, SESSION[lang], HOME[lang])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_404_before_logging_in_offers_the_login(client, lang):
    with client.session_transaction() as session:
        session["lang"] = lang
    assert_our_page(client.get("/no/such/page"), 404, lang, "Đăng nhập" if lang == "vi" else "Log in")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_403_for_a_page_of_the_administrator(login, scene, lang):
    client = _client(login, scene["member"], lang)
    assert_our_page(client.get("/admin/users"), 403, lang, HOME[lang])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_405_for_an_address_that_only_takes_a_form(login, scene, lang):
    client = _client(login, scene["secretariat"], lang)
    meeting = scene["meeting"]
    response = client.get(f"/meetings/{meeting.id}/agenda")  # e.g. the address of a refused form, reloaded
    assert_our_page(response, 405, lang, SESSION[lang])
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_413_for_a_body_over_the_limit(app, login, scene, lang, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    client = _client(login, scene["secretariat"], lang)
    meeting = scene["meeting"]
    token = csrf_token(client, f"/meetings/{meeting.id}")
    response = client.post(f"/meetings/{meeting.id}/agenda", data={"csrf_token": token, "item-title": "x" * 5000})
    html = assert_our_page(response, 413, lang, SESSION[lang])
    assert ("tối đa" if lang == "vi" else "up to") in html


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_429_and_500_pages(app, login, scene, lang, monkeypatch):
    client = _client(login, scene["member"], lang)

    def throttled(**_kwargs):
        raise TooManyRequests()

    def broken(**_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "polls.index", throttled)
    assert_our_page(client.get("/polls"), 429, lang, HOME[lang])
    monkeypatch.setitem(app.view_functions, "polls.index", lambda **_kw: (_ for _ in ()).throw(Throttled()))
    assert_our_page(client.get("/polls"), 429, lang, HOME[lang])
    monkeypatch.setitem(app.view_functions, "meetings.show", broken)
    meeting = scene["meeting"]
    html = assert_our_page(client.get(f"/meetings/{meeting.id}"), 500, lang, HOME[lang])
    assert "a bug" not in html and "Traceback" not in html


def test_500_when_even_the_layout_cannot_be_drawn(app, login, scene, monkeypatch):
    """The layout asks the database who is signed in; if that fails too, a plain page in our words."""
    client = _client(login, scene["member"], "vi")

    def broken(**_kwargs):
        raise RuntimeError("a bug")

    def broken_layout():
        raise RuntimeError("the database is gone")

    monkeypatch.setitem(app.view_functions, "polls.index", broken)
    monkeypatch.setattr("ecabinet.core.web.design_token", lambda name: broken_layout())
    response = client.get("/polls")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Máy chủ gặp sự cố." in html and 'lang="vi"' in html and "Internal Server Error" not in html
    assert "Về danh sách phiên họp của tôi" in html


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_expired_form_is_a_page_that_keeps_what_was_typed(login, scene, lang):
    client = _client(login, scene["secretariat"], lang)
    meeting = scene["meeting"]
    client.get(f"/meetings/{meeting.id}", headers={"Referer": f"http://localhost/meetings/{meeting.id}"})
    response = client.post(f"/meetings/{meeting.id}/agenda", data={
        "csrf_token": "stale", "item-title": "Tờ trình về quy hoạch đô thị mới", "item-presenter": "Sở Xây dựng",
        "item-duration_minutes": "30"}, headers={"Referer": f"http://localhost/meetings/{meeting.id}"})
    html = assert_our_page(response, 400, lang, SESSION[lang])
    assert "Tờ trình về quy hoạch đô thị mới" in html and "Sở Xây dựng" in html
    assert ("Quay lại trang trước" if lang == "vi" else "Back to the previous page") in html
    assert "data-history-back" in html


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_api_keeps_answering_json_in_the_language_asked_for(app, bearer, login, scene, lang, monkeypatch):
    headers = {**bearer(scene["member"]), "Accept-Language": lang}
    client = app.test_client()
    _errors_in(client.get("/api/v1/no-such-thing", headers=headers), 404, "not_found", lang)
    _errors_in(client.get(f"/api/v1/meetings/{scene['meeting'].id}/publish", headers=headers), 405,
               "method_not_allowed", lang)
    assert "POST" in client.get(f"/api/v1/meetings/{scene['meeting'].id}/publish", headers=headers).headers["Allow"]
    _errors_in(client.post("/api/v1/users", json={}, headers=headers), 403, "forbidden", lang)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    office = {**bearer(scene["secretariat"]), "Accept-Language": lang}
    _errors_in(client.post(f"/api/v1/meetings/{scene['meeting'].id}/documents", headers=office,
                           data={"title": "x" * 5000}, content_type="multipart/form-data"), 413, "too_large", lang)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", None)
    monkeypatch.setitem(app.view_functions, "meetings_api.list_meetings",
                        lambda **_kw: (_ for _ in ()).throw(TooManyRequests()))
    _errors_in(client.get("/api/v1/meetings", headers=headers), 429, "throttled", lang)
    monkeypatch.setitem(app.view_functions, "meetings_api.list_meetings",
                        lambda **_kw: (_ for _ in ()).throw(RuntimeError("a bug")))
    error = _errors_in(client.get("/api/v1/meetings", headers=headers), 500, "internal_error", lang)
    assert "a bug" not in error["message"]
    # A cookie call without the CSRF header.
    cookie = _client(login, scene["member"], lang)
    _errors_in(cookie.post(f"/api/v1/meetings/{scene['meeting'].id}/publish", json={}), 400, "csrf_failed", lang)
