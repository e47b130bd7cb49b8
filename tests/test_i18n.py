"""Vietnamese first: complete catalogs, vi by default, en after the switch, Vietnam time."""
import importlib.util
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.meetings import operations
from tests.conftest import csrf_token
from tests.factories import create_meeting, create_secretariat, create_user

ROOT = Path(__file__).resolve().parent.parent


def _i18n_script():
    spec = importlib.util.spec_from_file_location("ecabinet_i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


I18N = _i18n_script()


@pytest.mark.parametrize("domain", I18N.domains())
def test_every_string_has_a_vietnamese_translation(domain):
    gaps = [msgid for gap_domain, msgid in I18N.missing() if gap_domain == domain]
    assert not gaps, f"{len(gaps)} untranslated strings in the {domain} catalog " \
                     f"(python scripts/i18n.py update {domain}, then fill the msgstr):\n" + "\n".join(gaps)


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.mark.parametrize("domain", I18N.domains())
def test_translations_keep_their_placeholders_and_one_plural_form(domain):
    catalog = I18N.load(domain, "vi")
    assert catalog.num_plurals == 1
    for message in catalog:
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        targets = [message.string] if isinstance(message.string, str) else list(message.string)
        for target in targets:
            assert sorted(PLACEHOLDER.findall(target)) == sorted(PLACEHOLDER.findall(source)), (domain, message.id)


def test_a_string_means_the_same_in_every_domain():
    """Flask-Babel merges the catalogs: one msgid translated two ways would pick one at random."""
    seen = {}
    for domain in I18N.domains():
        for message in I18N.load(domain, "vi"):
            if message.id and message.string:
                key = message.id if isinstance(message.id, str) else tuple(message.id)
                seen.setdefault(key, {}).setdefault(str(message.string), []).append(domain)
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not clashes, clashes


def test_pages_are_vietnamese_by_default_and_english_after_the_switch(login):
    user = create_user()
    client = login(user)
    page = client.get("/meetings").get_data(as_text=True)
    assert "Phiên họp của tôi" in page and 'lang="vi"' in page
    response = client.post("/language/en", data={"csrf_token": csrf_token(client, "/meetings"), "next": "/meetings"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/meetings")
    page = client.get("/meetings").get_data(as_text=True)
    assert "My sessions" in page and "Phiên họp của tôi" not in page and 'lang="en"' in page
    # The choice is remembered for the user: a new login is in English too.
    db.session.expire_all()
    assert "My sessions" in login(user).get("/meetings").get_data(as_text=True)
    client.post("/language/vi", data={"csrf_token": csrf_token(client, "/meetings")})
    assert "Phiên họp của tôi" in client.get("/meetings").get_data(as_text=True)


def test_the_switch_works_before_login_and_rejects_unknown_languages(client):
    token = csrf_token(client, "/login")
    assert client.post("/language/fr", data={"csrf_token": token}).status_code == 404
    client.post("/language/en", data={"csrf_token": token, "next": "/login"})
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_the_api_speaks_the_language_asked_for(bearer, client):
    headers = bearer(create_user())
    vi = client.get("/api/v1/meetings/999999", headers={**headers, "Accept-Language": "vi"})
    en = client.get("/api/v1/meetings/999999", headers={**headers, "Accept-Language": "en-US,en;q=0.9"})
    assert vi.get_json()["error"]["message"] == "Phiên họp không tồn tại hoặc bạn không được xem."
    assert en.get_json()["error"]["message"] == "This session does not exist or is not visible to you."


def test_dates_and_times_show_in_vietnam_time(login):
    secretariat = create_secretariat()
    member = create_user()
    meeting = create_meeting(actor=secretariat, members=[member])
    # 01:00 UTC on a Monday is 08:00 in Hà Nội.
    starts_at = datetime(2030, 3, 4, 1, 0, tzinfo=timezone.utc)
    operations.update_meeting(meeting, actor=secretariat, title=meeting.title, starts_at=starts_at,
                              ends_at=starts_at + timedelta(hours=3, minutes=30), location=meeting.location)
    db.session.commit()
    page = login(secretariat).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "08:00 – 11:30" in page and "Thứ Hai, 04/03/2030" in page
    home = login(secretariat).get("/meetings").get_data(as_text=True)
    assert "Thứ Hai, 04/03/2030" in home and "08:00 – 11:30" in home and "01:00" not in home
    # The edit form shows local time as well.
    form = login(secretariat).get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="04/03/2030"' in form and 'value="08:00"' in form


def test_a_time_typed_in_the_form_is_vietnam_time(login):
    secretariat = create_secretariat()
    client = login(secretariat)
    response = client.post("/meetings/new", data={
        "title": "Phiên họp thử giờ", "kind": "regular", "starts_at": "04/03/2030", "starts_at-time": "08:00",
        "ends_at": "", "ends_at-time": "",
        "location": "", "description": "", "confidentiality": "normal",
        "csrf_token": csrf_token(client, "/meetings/new")})
    assert response.status_code == 302
    meeting_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    detail = client.get(f"/api/v1/meetings/{meeting_id}").get_json()
    assert datetime.fromisoformat(detail["starts_at"]) == datetime(2030, 3, 4, 1, 0, tzinfo=timezone.utc)
    assert utcnow() < datetime.fromisoformat(detail["starts_at"])
