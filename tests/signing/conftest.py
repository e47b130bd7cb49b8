"""Signing fixtures: the internal CA in the test storage, users with certificates, a TSA."""
import pytest

from ecabinet.signing import operations
from ecabinet.signing.pades import SignatureBox
from tests.factories import create_user
from tests.signing.pki import TsaServer

PIN = "246810"
SECRETARY_BOX = SignatureBox(page=1, rect=(60, 80, 280, 160), name="secretary", title="Thư ký")
CHAIR_BOX = SignatureBox(page=1, rect=(320, 80, 540, 160), name="chair", title="Chủ tọa")


@pytest.fixture
def internal_ca(app):
    """The internal CA, created once in the test storage (a file, so it outlives the transaction)."""
    if not operations.ca_exists():
        operations.init_ca("E-Cabinet CA kiểm thử")
    return operations.ca_certificate()


@pytest.fixture(autouse=True)
def _no_stray_fetching(app, monkeypatch):
    # Certificates name this CRL address: nothing listens there, so a fetch fails at once.
    monkeypatch.setitem(app.config, "PUBLIC_URL", "http://127.0.0.1:9")
    monkeypatch.setitem(app.config, "TSA_URL", None)


@pytest.fixture
def signers(internal_ca):
    """A secretary and a chair, each with a certificate under PIN."""
    secretary = create_user(full_name="Trần Thị Thư Ký", title="Chuyên viên Văn phòng UBND tỉnh")
    chair = create_user(full_name="Nguyễn Văn Chủ Tọa", title="Chủ tịch UBND tỉnh")
    operations.issue_certificate(secretary, PIN)
    operations.issue_certificate(chair, PIN)
    return secretary, chair


@pytest.fixture(scope="session")
def tsa():
    server = TsaServer()
    yield server
    server.close()


@pytest.fixture
def with_tsa(app, tsa, monkeypatch):
    """ECABINET_TSA_URL set to the test TSA, whose root is trusted."""
    from ecabinet.signing.ca import certificate_to_der

    monkeypatch.setitem(app.config, "TSA_URL", tsa.url)
    operations.add_trust_root(certificate_to_der(tsa.root.certificate))
    return tsa
