"""RFC 3161 timestamps from a real TSA on 127.0.0.1, and validation data embedded (PAdES B-LT)."""
import io
import time

import pytest

from ecabinet.extensions import db
from ecabinet.signing import ca, operations
from tests.factories import create_user
from tests.signing.conftest import CHAIR_BOX, PIN, SECRETARY_BOX
from tests.signing.pki import CrlServer, external_user_p12, minutes_like_pdf


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def dss_of(pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    return DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(pdf)))


def test_each_signature_carries_a_valid_timestamp(signers, with_tsa):
    secretary, chair = signers
    before = with_tsa.requests
    first = operations.sign(minutes_like_pdf(), secretary, PIN, SECRETARY_BOX, other_boxes=[CHAIR_BOX])
    second = operations.sign(first, chair, PIN, CHAIR_BOX)
    assert with_tsa.requests >= before + 2
    report = operations.verify(second)
    assert report["valid"] is True
    for signature in report["signatures"]:
        stamp = signature["timestamp"]
        assert stamp is not None
        assert stamp["intact"] and stamp["valid"] and stamp["trusted"]
        assert "TSA" in stamp["tsa"]
        assert abs((stamp["time"] - signature["signing_time"]).total_seconds()) < 600


def test_validation_info_is_embedded_b_lt(signers, with_tsa):
    from asn1crypto import crl as asn1_crl
    from pyhanko.pdf_utils.generic import DecodePurpose

    secretary, chair = signers
    first = operations.sign(minutes_like_pdf(), secretary, PIN, SECRETARY_BOX, other_boxes=[CHAIR_BOX])
    dss = dss_of(first)
    crls = [asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL)) for ref in dss.crls]
    assert any("E-Cabinet CA kiểm thử" in c.issuer.human_friendly for c in crls)
    subjects = [c.subject.human_friendly for c in dss.load_certs()]
    assert any("Trần Thị Thư Ký" in s for s in subjects)
    assert any("E-Cabinet CA kiểm thử" in s for s in subjects)
    assert operations.verify(first)["dss"] is True


def test_a_timestamped_signature_survives_a_later_revocation(signers, with_tsa):
    """B-LT: the CRL of signing time and the timestamp prove the certificate was good then."""
    secretary, chair = signers
    first = operations.sign(minutes_like_pdf(), secretary, PIN, SECRETARY_BOX, other_boxes=[CHAIR_BOX])
    time.sleep(1.5)  # a CRL states revocation times to the second: revoke in a later second than the timestamp
    operations.revoke_certificate(operations.signing_certificate(secretary))
    signature = operations.verify(first)["signatures"][0]
    assert signature["valid"] is True, signature["reasons"]


def test_an_external_cas_crl_is_fetched_from_its_server_and_embedded(internal_ca, with_tsa):
    """A real .p12 from another CA: at signing its CRL is fetched over HTTP and goes into the DSS."""
    from asn1crypto import crl as asn1_crl
    from pyhanko.pdf_utils.generic import DecodePurpose

    server = CrlServer()
    try:
        external = ca.create_root("CA công cộng thử nghiệm", organisation="Nhà cung cấp", key=ca.new_key(2048))
        server.files["/crl/ca.crl"] = ca.build_crl(external, [], crl_number=1)
        p12, _cert = external_user_p12(external, "Phạm Thị Thành Viên", "mat-khau-p12",
                                       crl_url=f"{server.url}/crl/ca.crl")
        operations.add_trust_root(ca.certificate_to_der(external.certificate))
        user = create_user(full_name="Phạm Thị Thành Viên")
        row = operations.import_pkcs12(user, p12, "mat-khau-p12", PIN)
        assert row.internal is False
        signed = operations.sign(minutes_like_pdf(), user, PIN, SECRETARY_BOX)
        assert "/crl/ca.crl" in server.fetched
        dss = dss_of(signed)
        crls = [asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL)) for ref in dss.crls]
        assert any("CA công cộng thử nghiệm" in c.issuer.human_friendly for c in crls)
        report = operations.verify(signed)
        assert report["valid"] is True, report
    finally:
        server.close()
    db.session.rollback()
