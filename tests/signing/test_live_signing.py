"""Signing on a real eventlet server: the PDF work runs off the event loop, so the server keeps
answering while a signature waits on the time-stamping service."""
import threading

import pytest
import requests

from tests.factories import create_user
from tests.signing.conftest import PIN
from tests.signing.pki import TsaServer

pytestmark = pytest.mark.server


def _prepare(app):
    """A user with a certificate in the live server's database, the CA in its storage; a token."""
    from ecabinet.accounts.operations import issue_token
    from ecabinet.extensions import db
    from ecabinet.signing import operations
    from ecabinet.signing.ca import certificate_to_der

    with app.app_context(), app.test_request_context():
        operations.init_ca("E-Cabinet CA máy chủ thử")
        user = create_user(full_name="Hoàng Văn Ký Thử", title="Phó Chủ tịch UBND tỉnh")
        operations.issue_certificate(user, PIN)
        tsa = TsaServer()
        operations.add_trust_root(certificate_to_der(tsa.root.certificate))
        _token, raw = issue_token(user)
        db.session.commit()
        db.session.remove()
    return tsa, {"Authorization": f"Bearer {raw}"}


def test_the_server_answers_other_requests_while_a_signature_is_made(live_server):
    tsa, headers = _prepare(live_server.app)
    try:
        live_server.extra_env.update({"ECABINET_TSA_URL": tsa.url, "ECABINET_PUBLIC_URL": "http://127.0.0.1:9"})
        live_server.restart()
        tsa.release.clear()  # the TSA holds its answer until we have seen the server answer others
        result = {}

        def sign():
            result["response"] = requests.post(f"{live_server.url}/api/v1/me/test-signature", json={"pin": PIN},
                                               headers=headers, timeout=120)

        signer = threading.Thread(target=sign)
        signer.start()
        assert tsa.arrived.wait(90), "the signature never reached the time-stamping service"
        # The signature is under way (waiting on the TSA): the server still answers.
        config = requests.get(f"{live_server.url}/api/v1/config", timeout=20)
        me = requests.get(f"{live_server.url}/api/v1/me/certificates", headers=headers, timeout=20)
        assert config.status_code == 200 and me.status_code == 200
        assert signer.is_alive()  # ... and the signature was indeed still waiting
        tsa.release.set()
        signer.join(120)
        response = result["response"]
        assert response.status_code == 200, response.text[:300]
        assert response.headers["Content-Type"] == "application/pdf"
        check = requests.post(f"{live_server.url}/api/v1/verification", headers=headers, timeout=120,
                              files={"file": ("ky-thu.pdf", response.content, "application/pdf")})
        assert check.status_code == 200
        report = check.json()
        assert report["valid"] is True, report
        assert report["signatures"][0]["timestamp"]["trusted"] is True
        assert report["signatures"][0]["signer"] == "Hoàng Văn Ký Thử"
    finally:
        tsa.release.set()
        tsa.close()
