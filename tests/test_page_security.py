"""Every page runs under a Content-Security-Policy without inline script, and the templates and style
sheets keep to it: no inline script code, no inline event handlers, no style attributes, and no
colour outside the design tokens of ecabinet.css (nor a transition's or an animation's duration)."""
import re
from pathlib import Path

import pytest

from ecabinet.meetings.models import MeetingStatus
from tests.factories import create_admin, create_meeting, create_secretariat, create_user

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
STYLESHEETS = sorted((ROOT / "static" / "css").glob("*.css"))

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_templates_have_no_inline_script_handler_or_style(path):
    text = path.read_text(encoding="utf-8")
    for attributes, body in SCRIPT_TAG.findall(text):
        # A script is a file (src=...) or data for one (a JSON block); never code in the page.
        if 'type="application/json"' in attributes:
            continue
        assert "src=" in attributes and not body.strip(), f"inline script in {path.name}: {body[:80]!r}"
    assert not HANDLER.search(text), f"inline event handler in {path.name}: {HANDLER.search(text).group(0)}"
    assert not STYLE_ATTRIBUTE.search(text), f"style attribute in {path.name}"


def test_colours_come_only_from_the_design_tokens():
    for path in STYLESHEETS:
        text = path.read_text(encoding="utf-8")
        if path.name == "ecabinet.css":
            start = text.index(":root {")
            text = text[:start] + text[text.index("\n}\n", start):]  # the token block itself
        found = HEX_COLOUR.findall(re.sub(r"/\*.*?\*/", "", text, flags=re.S))
        assert not found, f"{path.name} has colours outside the tokens: {found}"


MOTION = re.compile(r"(?<![-\w])(?:transition|animation)(?:-duration)?\s*:\s*([^;}]+)")
TIME_OR_TOKEN = re.compile(r"^(?:var\(|-?[\d.]+m?s$)")


def test_durations_come_only_from_the_motion_tokens():
    """Every transition and animation takes its duration from the motion tokens, which reduced
    motion sets to nothing (ecabinet.css): a literal duration would move for those who asked for
    no motion. The loading spinner is the one exception, on purpose (it says that something comes)."""
    for path in STYLESHEETS:
        text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r":root\s*\{[^}]*\}", "", text)  # the token blocks themselves
        for value in MOTION.findall(text):
            for part in value.split(","):
                words = part.split()
                duration = next((word for word in words if TIME_OR_TOKEN.match(word)), None)
                if duration is None or duration.startswith("var(") or "live-spin" in words:
                    continue
                assert float(duration.rstrip("ms") or 0) == 0, f"{path.name}: a duration of its own: {part.strip()}"


def test_templates_and_scripts_name_no_colour_of_their_own():
    """Pages and scripts take colours from the tokens too (the theme-color meta reads its token)."""
    scripts = [path for path in (ROOT / "static" / "js").rglob("*.js")]
    for path in TEMPLATES + scripts:
        found = HEX_COLOUR.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.relative_to(ROOT)} has colours outside the tokens: {found}"


def test_the_theme_colour_is_the_token_of_the_site_bar(client):
    from ecabinet.core.web import design_token

    page = client.get("/login").get_data(as_text=True)
    css = (ROOT / "static" / "css" / "ecabinet.css").read_text(encoding="utf-8")
    value = re.search(r"--c-primary-strong:\s*([^;]+);", css).group(1).strip()
    assert f'<meta name="theme-color" content="{value}">' in page
    with client.application.test_request_context():
        assert design_token("--c-primary-strong") == value


def _assert_policy(response, path):
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert "script-src" in directives, f"{path}: no script-src in {policy!r}"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"], path
    assert directives.get("frame-ancestors"), path
    assert directives.get("object-src") == ["'none'"], path
    assert any(source.startswith("ws") for source in directives.get("connect-src", [])), path  # Socket.IO
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy"), path


def test_every_page_has_the_security_headers(client, login):
    secretariat = create_secretariat()
    chair, member = create_user(), create_user()
    admin = create_admin()
    meeting = create_meeting(status=MeetingStatus.LIVE, actor=secretariat, chair=chair, members=[member])
    pages = [
        (client, ["/login", "/offline", f"/live/display/{meeting.id}"]),
        (login(member), ["/meetings", f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/live",
                         "/account/password", "/no-such-page"]),
        (login(chair), [f"/meetings/{meeting.id}/live/console"]),
        (login(secretariat), [f"/meetings/{meeting.id}/documents/upload", "/meetings/new"]),
        (login(admin), ["/admin/users", "/admin/units"]),
    ]
    checked = 0
    for web, paths in pages:
        for path in paths:
            response = web.get(path)
            assert response.status_code in (200, 404), (path, response.status_code)
            _assert_policy(response, path)
            checked += 1
    assert checked == 13
