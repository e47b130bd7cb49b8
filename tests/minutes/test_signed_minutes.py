"""The real signed minutes (the secretary, then the chair, through the API) checked by pyHanko on its
own, and every tampered copy of them refused by both verification routes with a plain reason.

Each tampered copy is built here from the signed minutes themselves; it is checked as an upload
(POST /api/v1/verification) and as the stored copy of a session's minutes (GET …/minutes/verification).
"""
import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from ecabinet.extensions import db
from ecabinet.minutes import operations as minutes_operations
from ecabinet.minutes.models import MinutesSignature
from ecabinet.signing import operations as signing
from tests.minutes.test_pdf import session_  # noqa: F401  (a session with a closed ballot)
from tests.signing.conftest import PIN, _no_stray_fetching, internal_ca  # noqa: F401
from tests.signing.tampering import CASES

_SIGNED = {}


@pytest.fixture
def final(session_, internal_ca):  # noqa: F811
    s = session_
    assert s.put(s.secretary, json={"base_revision": 0, "content": {"summary": "Phiên họp thường kỳ tháng 11"}}
                 ).status_code == 200
    assert s.put(s.secretary, "/finalise", method="POST", json={"base_revision": 1}).status_code == 200
    signing.issue_certificate(s.secretary, PIN)
    signing.issue_certificate(s.chair, PIN)
    db.session.commit()
    s.sign = lambda user: s.put(user, "/signatures", method="POST", json={"pin": PIN})
    return s


@pytest.fixture
def signed(final):
    """(the session, the copy signed by the secretary, the copy signed by both), signed through the API
    once (the CA outlives the rolled-back rows); later tests store the copies in their own session."""
    s = final
    if "pdfs" not in _SIGNED:
        assert s.sign(s.secretary).status_code == 201
        first = s.get(s.present, ".pdf").data
        assert s.sign(s.chair).status_code == 201
        _SIGNED["pdfs"] = (first, s.get(s.present, ".pdf").data)
    return (s, *_SIGNED["pdfs"])


def _validate_with_pyhanko(pdf, roots):
    """pyHanko's own validation (its default policy), trusting only our CA root: [status]."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf))
    statuses = []
    for embedded in reader.embedded_signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        statuses.append((embedded, validate_pdf_signature(embedded, context)))
    return statuses


def test_pyhanko_on_its_own_finds_both_signatures_intact_and_trusted(signed):
    from pyhanko.sign.fields import MDPPerm

    _s, _first, both = signed
    # In a thread of its own: pyHanko runs asyncio.run(), and this thread may already run a loop
    # (Playwright's, from a browser test earlier in the process).
    with ThreadPoolExecutor(max_workers=1) as pool:
        statuses = pool.submit(_validate_with_pyhanko, both, signing.trust_roots()).result()
    assert [embedded.field_name for embedded, _status in statuses] == ["secretary", "chair"]
    for _embedded, status in statuses:
        assert status.intact and status.valid and status.trusted and status.bottom_line, status.pretty_print_details()
    (first_sig, first_status), (second_sig, _second_status) = statuses
    assert first_sig.docmdp_level == MDPPerm.FILL_FORMS  # the secretary's certifies the minutes
    assert second_sig.docmdp_level is None
    assert first_status.signing_cert.subject.native["common_name"] == "Nguyễn Thị Thư"


# -- tampered copies ------------------------------------------------------------------------------


def _store(s, pdf):
    """`pdf` as the stored signed copy of this test's session's minutes (in place of the signatures the
    `signed` fixture gave when this test was the first to sign)."""
    minutes = minutes_operations.get_minutes(s.meeting)
    db.session.execute(sa.delete(MinutesSignature).where(MinutesSignature.minutes_id == minutes.id))
    db.session.add(MinutesSignature(minutes_id=minutes.id, step=1, role="secretary", signer_id=s.secretary.id,
                                    pdf=pdf, sha256="0" * 64))
    db.session.commit()


def _messages(report):
    found = [r["message"] for r in report["reasons"]]
    for signature in report["signatures"]:
        found += [f'{signature["field"]}: {r["message"]}' for r in signature["reasons"]]
    return found


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_tampered_copy_of_the_signed_minutes_is_not_valid(signed, app, bearer, case, record_property):
    s, first, both = signed
    tampered = CASES[case](first, both)
    assert tampered != both
    uploaded = app.test_client().post("/api/v1/verification", headers={**bearer(s.present), "Accept-Language": "vi"},
                                      data={"file": (io.BytesIO(tampered), "bien-ban.pdf")},
                                      content_type="multipart/form-data")
    assert uploaded.status_code == 200, uploaded.get_json()
    upload_report = uploaded.get_json()
    _store(s, tampered)
    stored = app.test_client().get(f"/api/v1/meetings/{s.meeting.id}/minutes/verification",
                                   headers={**bearer(s.guest), "Accept-Language": "vi"})
    assert stored.status_code == 200
    stored_report = stored.get_json()
    for report in (upload_report, stored_report):
        assert report["valid"] is False, report
        messages = _messages(report)
        assert messages, report
        # Plain Vietnamese: every reason is a translated sentence, not a code.
        assert all(re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", m, re.I)
                   for m in messages), messages
    assert _messages(upload_report) == _messages(stored_report)
    record_property("verifier", " | ".join(_messages(upload_report)))
    print(f"\nTAMPER {case}: {' | '.join(_messages(upload_report))}")


def test_the_untampered_signed_minutes_are_valid_by_both_routes(signed, app, bearer):
    s, _first, both = signed
    uploaded = app.test_client().post("/api/v1/verification", headers=bearer(s.present),
                                      data={"file": (io.BytesIO(both), "bien-ban.pdf")},
                                      content_type="multipart/form-data").get_json()
    assert uploaded["valid"] is True and [x["valid"] for x in uploaded["signatures"]] == [True, True]
