"""Signing with the built-in signer (PKCS#12 under PIN), checked by our verifier and by pyHanko."""
from concurrent.futures import ThreadPoolExecutor
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ecabinet.audit.models import AuditEntry
from ecabinet.core.db import utcnow
from ecabinet.core.errors import InvalidState
from ecabinet.extensions import db
from ecabinet.signing import operations
from ecabinet.signing.operations import CertificateUnusable, WrongPin
from tests.factories import create_user
from tests.signing.conftest import CHAIR_BOX, PIN, SECRETARY_BOX
from tests.signing.pki import minutes_like_pdf


def sign_in_order(secretary, chair, pdf=None):
    first = operations.sign(pdf or minutes_like_pdf(), secretary, PIN, SECRETARY_BOX, other_boxes=[CHAIR_BOX])
    return first, operations.sign(first, chair, PIN, CHAIR_BOX)


def audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_two_signers_in_order_both_signatures_stay_valid(signers):
    secretary, chair = signers
    first, second = sign_in_order(secretary, chair)
    assert second.startswith(first)  # the second signature is an incremental update

    report = operations.verify(second)
    assert report["valid"] is True
    assert [s["signer"] for s in report["signatures"]] == ["Trần Thị Thư Ký", "Nguyễn Văn Chủ Tọa"]
    for signature in report["signatures"]:
        assert signature["intact"] and signature["trusted"] and signature["valid"]
        assert signature["modified_after"] is False
        assert "E-Cabinet CA kiểm thử" in signature["issuer"]
    assert report["signatures"][0]["certified"] is True
    assert report["signatures"][1]["certified"] is False
    assert report["unsigned_fields"] == []
    # After the first signature alone, the chair's field waits, empty, in the certified revision.
    assert operations.verify(first)["unsigned_fields"] == ["chair"]


def test_pyhanko_on_its_own_agrees(signers):
    """pyHanko's own validator, with its default policy, independently of ecabinet.signing.verify."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    secretary, chair = signers
    _first, second = sign_in_order(secretary, chair)
    reader = PdfFileReader(io.BytesIO(second))
    context = ValidationContext(trust_roots=operations.trust_roots(), allow_fetching=False)
    assert len(reader.embedded_signatures) == 2
    for embedded in reader.embedded_signatures:
        # In a thread of its own: pyHanko runs asyncio.run(), and this thread may already run a loop
        # (Playwright's, from a browser test earlier in the process).
        with ThreadPoolExecutor(max_workers=1) as pool:
            status = pool.submit(validate_pdf_signature, embedded, context).result()
        assert status.intact and status.valid and status.trusted and status.bottom_line
    assert reader.embedded_signatures[0].docmdp_level == MDPPerm.FILL_FORMS


def test_stamp_shows_name_title_and_vietnam_time(signers):
    from pypdf import PdfReader

    secretary, chair = signers
    _first, second = sign_in_order(secretary, chair)
    page = PdfReader(io.BytesIO(second)).pages[0]
    texts = []
    for annot in page["/Annots"]:
        appearance = annot.get_object()["/AP"]["/N"].get_object()
        texts.append(appearance.get_data())
    assert len(texts) == 2
    # The stamps' text is shown through a subset font; the time is local (dd/mm/yyyy HH:MM).
    from ecabinet.signing.pades import stamp_time
    assert stamp_time(utcnow()).count("/") == 2


def test_wrong_pin_is_refused_and_nothing_is_written(signers):
    secretary, _chair = signers
    before = audit_count()
    pdf = minutes_like_pdf()
    with pytest.raises(WrongPin) as refused:
        operations.sign(pdf, secretary, "000000", SECRETARY_BOX)
    assert refused.value.status == 403 and refused.value.code == "wrong_pin"
    assert audit_count() == before


def test_a_revoked_certificate_is_refused(signers):
    secretary, _chair = signers
    operations.revoke_certificate(operations.signing_certificate(secretary))
    with pytest.raises(CertificateUnusable) as refused:
        operations.sign(minutes_like_pdf(), secretary, PIN, SECRETARY_BOX)
    assert refused.value.code == "certificate_revoked"


def test_revocation_enters_the_crl_and_the_verifier_reports_it(signers):
    from cryptography import x509

    secretary, chair = signers
    first, _second = sign_in_order(secretary, chair)
    row = operations.signing_certificate(secretary)
    operations.revoke_certificate(row)
    crl = x509.load_der_x509_crl(operations.current_crl())
    assert crl.get_revoked_certificate_by_serial_number(int(row.serial, 16)) is not None
    signature = operations.verify(first)["signatures"][0]
    # No timestamp proves it was signed before the revocation: no longer trusted.
    assert signature["intact"] and not signature["trusted"] and not signature["valid"]
    assert "revoked" in signature["reasons"]


def test_an_expired_certificate_is_refused(internal_ca):
    user = create_user(full_name="Lê Văn Hết Hạn")
    past = utcnow() - timedelta(days=400)
    operations.issue_certificate(user, PIN, not_before=past, not_after=past + timedelta(days=30))
    with pytest.raises(CertificateUnusable) as refused:
        operations.sign(minutes_like_pdf(), user, PIN, SECRETARY_BOX)
    assert refused.value.code == "certificate_expired"


def test_no_certificate_is_refused(internal_ca):
    with pytest.raises(CertificateUnusable) as refused:
        operations.sign(minutes_like_pdf(), create_user(), PIN, SECRETARY_BOX)
    assert refused.value.code == "no_certificate"


def test_the_same_field_cannot_be_signed_twice(signers):
    secretary, chair = signers
    first, _second = sign_in_order(secretary, chair)
    with pytest.raises(InvalidState) as refused:
        operations.sign(first, secretary, PIN, SECRETARY_BOX)
    assert refused.value.code == "already_signed"


def test_turn_helper(signers):
    secretary, _chair = signers
    pdf = minutes_like_pdf()
    order = ["secretary", "chair"]
    operations.check_turn(order, pdf, "secretary")
    with pytest.raises(InvalidState) as refused:
        operations.check_turn(order, pdf, "chair")
    assert refused.value.code == "out_of_turn"
    first = operations.sign(pdf, secretary, PIN, SECRETARY_BOX, other_boxes=[CHAIR_BOX])
    operations.check_turn(order, first, "chair")
    with pytest.raises(InvalidState):
        operations.check_turn(order, first, "secretary")


def test_weak_pin_is_refused_at_issue(internal_ca):
    from ecabinet.core.errors import InvalidValue

    with pytest.raises(InvalidValue):
        operations.issue_certificate(create_user(), "12")


def test_the_stored_key_opens_with_the_pin_only(signers):
    from cryptography.hazmat.primitives.serialization import pkcs12

    secretary, _chair = signers
    row = operations.signing_certificate(secretary)
    assert PIN.encode() not in row.pkcs12
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(row.pkcs12, None)
    key, certificate, _chain = pkcs12.load_key_and_certificates(row.pkcs12, PIN.encode())
    assert key is not None
    usage = certificate.extensions.get_extension_for_oid(x509_oid().KEY_USAGE).value
    assert usage.digital_signature and usage.content_commitment
    points = certificate.extensions.get_extension_for_oid(x509_oid().CRL_DISTRIBUTION_POINTS).value
    assert points[0].full_name[0].value.endswith("/pki/crl.der")


def x509_oid():
    from cryptography.x509.oid import ExtensionOID

    return ExtensionOID


@pytest.fixture(autouse=True)
def _request(app):
    """Messages are worded in the request's language, as under a real request."""
    with app.test_request_context():
        yield


def test_the_extension_points_refuse_clearly_until_configured():
    """A token or a remote service is plugged in behind the same Signer interface (docs/signing.md);
    unconfigured, each says so with `not_configured`, and a provider's subclass must give both the
    certificate and open()."""
    from ecabinet.signing.signers import Pkcs11TokenSigner, RemoteServiceSigner, SignerError

    with pytest.raises(SignerError) as remote:
        RemoteServiceSigner()
    assert remote.value.code == "not_configured"
    with pytest.raises(SignerError) as token:
        Pkcs11TokenSigner("", "token", "123456")
    assert token.value.code == "not_configured"

    class HalfDone(RemoteServiceSigner):
        @property
        def certificate(self):
            return None

    with pytest.raises(TypeError):
        HalfDone()
