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


# -- the signing order set per session ------------------------------------------------------------


def _order(s, user, signers):
    return s.put(user, "/signers", json={"signers": signers})


def test_the_secretary_adds_a_vice_chair_who_signs_between_them_in_their_own_block(final):
    s = final
    signing.issue_certificate(s.present, PIN)
    db.session.commit()
    default = s.get(s.present, "/signers").get_json()
    assert [x["field"] for x in default["signers"]] == ["secretary", "chair"] and "candidates" not in default
    offered = s.get(s.secretary, "/signers").get_json()
    assert offered["can_change"] is True
    assert s.present.id in [c["user_id"] for c in offered["candidates"]]
    assert s.chair.id not in [c["user_id"] for c in offered["candidates"]]
    assert s.guest.id not in [c["user_id"] for c in offered["candidates"]]

    saved = _order(s, s.secretary, [{"role": "secretary"}, {"user_id": s.present.id, "title": "Phó Chủ tịch UBND tỉnh"},
                                    {"role": "chair"}])
    assert saved.status_code == 200, saved.get_json()
    signers = saved.get_json()["signers"]
    assert [(x["field"], x["capacity"], x["turn"]) for x in signers] == [
        ("secretary", "THƯ KÝ", True), (f"member_{s.present.id}", "PHÓ CHỦ TỊCH UBND TỈNH", False),
        ("chair", "CHỦ TỌA", False)]
    # The final PDF before signing already shows the vice chair's block under THƯ KÝ and CHỦ TỌA.
    unsigned = " ".join(PdfReader(io.BytesIO(s.get(s.present, ".pdf").data)).pages[-1].extract_text().split())
    assert "PHÓ CHỦ TỊCH UBND TỈNH Lê Văn An" in unsigned

    assert s.sign(s.secretary).status_code == 201
    early = s.sign(s.chair)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "out_of_turn"
    locked = _order(s, s.secretary, [{"role": "secretary"}, {"role": "chair"}])
    assert locked.status_code == 409 and locked.get_json()["error"]["code"] == "signing_started"
    middle = s.get(s.present, "/signers").get_json()
    assert middle["your_turn"] is True and [x["signed"] for x in middle["signers"]] == [True, False, False]
    assert s.sign(s.present).status_code == 201
    assert s.sign(s.chair).status_code == 201
    report = s.get(s.guest, "/verification").get_json()
    assert report["valid"] is True and report["missing_signers"] == []
    assert [x["field"] for x in report["signatures"]] == ["secretary", f"member_{s.present.id}", "chair"]
    assert report["signatures"][1]["signer"] == "Lê Văn An"
    pdf = s.get(s.present, ".pdf").data
    import os
    if os.environ.get("MINUTES_PDF_OUT"):  # to look at the three stamps: pdftoppm -r 60 -png
        open(os.environ["MINUTES_PDF_OUT"], "wb").write(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    fields = {}
    for page_number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                fields[annot["/T"]] = (page_number, [float(v) for v in annot["/Rect"]])
    assert set(fields) == {"secretary", "chair", f"member_{s.present.id}"}
    (_p1, secretary), (_p2, chair), (_p3, extra) = (fields[f] for f in ("secretary", "chair", f"member_{s.present.id}"))
    assert secretary[2] < chair[0]          # THƯ KÝ left of CHỦ TỌA
    assert extra[3] < min(secretary[1], chair[1]) or _p3 > _p1  # the vice chair's block below them


def test_the_chair_may_sign_first_when_the_order_says_so(final):
    s = final
    assert _order(s, s.secretary, [{"role": "chair"}, {"role": "secretary"}]).status_code == 200
    early = s.sign(s.secretary)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "out_of_turn"
    assert s.sign(s.chair).status_code == 201
    assert s.sign(s.secretary).status_code == 201
    report = s.get(s.present, "/verification").get_json()
    assert report["valid"] is True
    assert [(x["field"], x["certified"]) for x in report["signatures"]] == [("chair", True), ("secretary", False)]


@pytest.mark.parametrize("signers, code", [
    ("chair", "invalid_value"),
    ([{"role": "secretary"}], "signer_missing"),
    ([{"role": "secretary"}, {"role": "chair"}, {"role": "chair"}], "duplicate_signer"),
    ([{"role": "secretary"}, {"role": "chair"}, {"user_id": "guest"}], "not_a_participant"),
    ([{"role": "secretary"}, {"role": "chair"}, {"user_id": "chair"}], "not_a_participant"),
    ([{"role": "secretary"}, {"role": "chair"}, {"user_id": 999999}], "not_a_participant"),
    ([{"role": "secretary"}, {"role": "chair"}, {"user_id": "present", "title": "x" * 121}], "invalid_value"),
    ([{"role": "secretary"}, {"role": "chair"}, {"role": "president"}], "invalid_value"),
])
def test_a_wrong_signing_order_is_refused_and_nothing_changes(final, signers, code):
    s = final
    if isinstance(signers, list):
        signers = [{**e, "user_id": getattr(s, e["user_id"]).id} if isinstance(e.get("user_id"), str) else e
                   for e in signers]
    refused = _order(s, s.secretary, signers)
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["code"] == code
    assert [x["field"] for x in s.get(s.secretary, "/signers").get_json()["signers"]] == ["secretary", "chair"]


def test_only_whoever_writes_the_minutes_sets_the_order(final):
    s = final
    for user in (s.chair, s.present, s.guest):
        assert _order(s, user, [{"role": "chair"}, {"role": "secretary"}]).status_code == 403
    assert _order(s, s.office, [{"role": "chair"}, {"role": "secretary"}]).status_code == 200


def test_an_order_changed_while_someone_signs_makes_the_signature_lose_with_nothing_stored(final, monkeypatch):
    """The order moves on (another request commits a new order) between the start of a signature and
    its end: the signature is refused 409 and not stored, so no PDF holds fields of a stale order."""
    from sqlalchemy import update

    from ecabinet.minutes import signatures
    from ecabinet.minutes.models import Minutes

    s = final
    real_sign = signatures.sign

    def sign_while_the_order_changes(*args, **kwargs):
        signed = real_sign(*args, **kwargs)
        db.session.execute(update(Minutes).values(signers_version=Minutes.signers_version + 1))
        return signed

    monkeypatch.setattr(signatures, "sign", sign_while_the_order_changes)
    raced = s.sign(s.secretary)
    assert raced.status_code == 409 and raced.get_json()["error"]["code"] == "out_of_turn"
    assert _stored() == 0


def test_the_order_cannot_change_once_a_signature_is_stored_even_if_read_before(final, app, monkeypatch):
    """A signature stored between the order's check and its save: the save loses (409 signing_started)."""
    from sqlalchemy import update

    from ecabinet.minutes import signatures
    from ecabinet.minutes.models import Minutes

    s = final
    real_planned = signatures._planned

    def planned_while_someone_signs(meeting, *args, **kwargs):
        plan = real_planned(meeting, *args, **kwargs)
        # What a signature committed meanwhile by another request leaves: its row and a moved version.
        minutes = signatures.operations.get_minutes(meeting)
        db.session.add(MinutesSignature(minutes_id=minutes.id, step=1, role="secretary", signer_id=s.secretary.id,
                                        pdf=b"%PDF-1.7", sha256="0" * 64))
        db.session.execute(update(Minutes).values(signers_version=Minutes.signers_version + 1))
        return plan

    monkeypatch.setattr(signatures, "_planned", planned_while_someone_signs)
    from ecabinet.core.errors import InvalidState

    with app.test_request_context(), pytest.raises(InvalidState) as refused:
        signatures.set_signing_order(s.meeting, [{"role": "chair"}, {"role": "secretary"}], actor=s.secretary)
    assert refused.value.code == "signing_started"
