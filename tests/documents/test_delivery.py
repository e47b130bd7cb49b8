"""Delivery: ETag and conditional requests, Range, caching, watermarks, audit of openings, X-Accel."""
import subprocess

import pytest

from ecabinet.audit.models import AuditEntry
from ecabinet.extensions import db
from ecabinet.meetings.models import MeetingStatus
from tests.documents import pdfs
from tests.documents.helpers import upload
from tests.factories import Cast


@pytest.fixture
def setup(app, client, bearer):
    cast = Cast(status=MeetingStatus.PUBLISHED)
    headers = {name: bearer(getattr(cast, name)) for name in ("secretariat", "member", "guest", "chair")}
    normal = upload(client, cast.meeting, pdfs.make_pdf(6), headers=headers["secretariat"],
                    title="Báo cáo công khai").get_json()
    secret = upload(client, cast.meeting, pdfs.make_pdf(2, title="Nội dung mật"), headers=headers["secretariat"],
                    title="Tờ trình mật", classification="confidential").get_json()
    return cast, headers, normal, secret


def test_etag_and_if_none_match(client, setup):
    _cast, headers, normal, _secret = setup
    first = client.get(normal["file_url"], headers=headers["member"])
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.headers["ETag"].strip('"') == normal["sha256"]
    assert first.headers["Accept-Ranges"] == "bytes"
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(normal["file_url"], headers={**headers["member"], "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_versioned_url_is_cached_for_a_year(client, setup):
    _cast, headers, normal, _secret = setup
    response = client.get(normal["version_file_url"], headers=headers["member"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"


def test_range_requests(client, setup):
    _cast, headers, normal, _secret = setup
    whole = client.get(normal["file_url"], headers=headers["member"]).data
    part = client.get(normal["file_url"], headers={**headers["member"], "Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(whole)}"
    assert part.data == whole[100:1100]
    tail = client.get(normal["file_url"], headers={**headers["member"], "Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.data == whole[-50:]
    beyond = client.get(normal["file_url"], headers={**headers["member"], "Range": f"bytes={len(whole) + 10}-"})
    assert beyond.status_code == 416
    stale = client.get(normal["file_url"], headers={**headers["member"], "Range": "bytes=0-9", "If-Range": '"old"'})
    assert stale.status_code == 200 and stale.data == whole


def test_confidential_copy_is_watermarked_per_reader(client, setup, tmp_path):
    cast, headers, _normal, secret = setup
    member_copy = client.get(secret["file_url"], headers=headers["member"])
    chair_copy = client.get(secret["file_url"], headers=headers["chair"])
    assert member_copy.status_code == 200 and chair_copy.status_code == 200
    assert member_copy.data != chair_copy.data
    assert member_copy.headers["ETag"] != chair_copy.headers["ETag"]
    text = pdfs.text_of(member_copy.data)
    assert cast.member.full_name in text and "Nội dung mật" in text
    assert cast.chair.full_name not in text
    assert pdfs.page_count(member_copy.data) == 2
    # Look at it: the rendered page must show the reader's name with its diacritics.
    (tmp_path / "wm.pdf").write_bytes(member_copy.data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "wm.pdf"),
                    str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))


def test_watermarked_copy_is_cached_and_each_opening_audited(app, client, setup):
    cast, headers, _normal, secret = setup
    first = client.get(secret["file_url"], headers=headers["member"])
    second = client.get(secret["file_url"], headers=headers["member"])
    assert first.data == second.data  # the cached copy, not a new one
    client.get(secret["file_url"], headers={**headers["member"], "Range": "bytes=1000-1999"})  # same opening
    conditional = client.get(secret["file_url"], headers={**headers["member"], "If-None-Match": first.headers["ETag"]})
    assert conditional.status_code == 304
    db.session.commit()
    openings = db.session.query(AuditEntry).filter_by(action="document.opened", object_id=secret["id"],
                                                      actor_id=cast.member.id).count()
    assert openings == 3


def test_guest_cannot_read_confidential_unless_allowed(client, setup):
    _cast, headers, _normal, secret = setup
    assert client.get(secret["file_url"], headers=headers["guest"]).status_code == 404
    client.patch(f"/api/v1/documents/{secret['id']}", json={"guests_allowed": True}, headers=headers["secretariat"])
    response = client.get(secret["file_url"], headers=headers["guest"])
    assert response.status_code == 200
    assert "Khách Mời" in pdfs.text_of(response.data)


def test_x_accel_redirect_hands_the_bytes_to_nginx(app, client, setup, monkeypatch):
    _cast, headers, normal, _secret = setup
    monkeypatch.setitem(app.config, "DOCUMENTS_X_ACCEL_PREFIX", "/_protected/")
    response = client.get(normal["file_url"], headers=headers["member"])
    assert response.status_code == 200 and response.data == b""
    assert response.headers["X-Accel-Redirect"].startswith("/_protected/blobs/")
    assert response.headers["X-Accel-Redirect"].endswith(normal["sha256"] + ".pdf")
    assert response.headers["ETag"].strip('"') == normal["sha256"]
    refused = client.get(normal["file_url"])
    assert refused.status_code == 401 and "X-Accel-Redirect" not in refused.headers
