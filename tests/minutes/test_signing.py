"""Signing the final minutes in turn (the secretary, then the chair) with certificates of the internal
CA, each signed copy stored; the verification report and the signers still missing."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from ecabinet.extensions import db
from ecabinet.minutes.models import MinutesSignature
from ecabinet.signing import operations as signing
from tests.minutes.test_pdf import session_  # noqa: F401  (a session with a closed ballot)
from tests.signing.conftest import PIN, _no_stray_fetching, internal_ca  # noqa: F401


@pytest.fixture
def final(session_, internal_ca):  # noqa: F811
    s = session_
    assert s.put(s.secretary, json={"base_revision": 0, "content": {"summary": "Phiên họp thường kỳ"}}).status_code == 200
    assert s.put(s.secretary, "/finalise", method="POST", json={"base_revision": 1}).status_code == 200
    signing.issue_certificate(s.secretary, PIN)
    signing.issue_certificate(s.chair, PIN)
    db.session.commit()
    s.sign = lambda user, pin=PIN: s.put(user, "/signatures", method="POST", json={"pin": pin})
    return s


def _stored():
    db.session.expire_all()
    return db.session.scalar(select(func.count(MinutesSignature.id)))


def test_the_secretary_then_the_chair_sign_and_both_verify(final):
    s = final
    before = s.get(s.present, "/verification").get_json()
    assert [m["role"] for m in before["missing_signers"]] == ["secretary", "chair"] and before["signatures"] == []
    first = s.sign(s.secretary)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["role"] == "secretary" and first.get_json()["step"] == 1
    middle = s.get(s.present, "/verification").get_json()
    assert [m["full_name"] for m in middle["missing_signers"]] == ["Trần Quốc Chủ"]
    assert middle["unsigned_fields"] == ["chair"]
    second = s.sign(s.chair)
    assert second.status_code == 201, second.get_json()
    report = s.get(s.guest, "/verification").get_json()
    assert report["valid"] is True and report["missing_signers"] == [] and report["unsigned_fields"] == []
    assert [(x["field"], x["intact"], x["trusted"], x["valid"]) for x in report["signatures"]] == [
        ("secretary", True, True, True), ("chair", True, True, True)]
    assert [x["step"] for x in report["stored"]] == [1, 2]
    pdf = s.get(s.present, ".pdf").data
    import os
    if os.environ.get("MINUTES_PDF_OUT"):  # to look at the stamps: pdftoppm -r 60 -png
        open(os.environ["MINUTES_PDF_OUT"], "wb").write(pdf)
    assert pdf.count(b"/ByteRange") == 2
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "BIÊN BẢN" in text and "DỰ THẢO" not in text
    assert s.sign(s.chair).status_code == 409  # already signed
    assert _stored() == 2


def test_out_of_turn_and_a_wrong_pin_are_refused_with_nothing_stored(final):
    s = final
    early = s.sign(s.chair)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "out_of_turn"
    wrong = s.sign(s.secretary, pin="000000")
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_pin"
    assert _stored() == 0
    assert s.sign(s.present).status_code == 403  # not a signer
    assert _stored() == 0


def test_draft_minutes_are_not_signed(session_, internal_ca):  # noqa: F811
    s = session_
    signing.issue_certificate(s.secretary, PIN)
    db.session.commit()
    refused = s.put(s.secretary, "/signatures", method="POST", json={"pin": PIN})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "minutes_not_final"
    assert _stored() == 0
