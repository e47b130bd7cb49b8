"""Parallel requests on a real server: the same root uploaded at once is trusted once (one 201,
the rest 409, never a 500); parallel wrong PINs all count toward the lock."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.signing.conftest import PIN

pytestmark = pytest.mark.server
PARALLEL = 6


def _all_at_once(calls):
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


@pytest.fixture
def pki_api(live_server):
    from ecabinet.accounts.operations import issue_token
    from ecabinet.extensions import db
    from ecabinet.signing import operations
    from tests.factories import create_admin, create_user

    app = live_server.app
    with app.app_context(), app.test_request_context():
        operations.init_ca("E-Cabinet CA song song")
        admin = create_admin(username="quantri")
        signer = create_user(username="nguoiky", full_name="Đinh Văn Ký")
        operations.issue_certificate(signer, PIN)
        db.session.commit()
        headers = {}
        for user in (admin, signer):
            _token, raw = issue_token(user)
            headers[user.username] = {"Authorization": f"Bearer {raw}"}
        db.session.commit()
        db.session.remove()
    return live_server, headers


def test_the_same_root_uploaded_in_parallel_is_trusted_once(pki_api):
    from ecabinet.signing import ca

    server, headers = pki_api
    der = ca.certificate_to_der(ca.create_root("Root CA song song", key=ca.new_key(2048)).certificate)

    def upload():
        return requests.post(f"{server.url}/api/v1/signing/trust-roots", headers=headers["quantri"], timeout=60,
                             files={"file": ("root.cer", der, "application/pkix-cert")})

    statuses = sorted(r.status_code for r in _all_at_once([upload] * PARALLEL))
    assert statuses == [201] + [409] * (PARALLEL - 1), statuses
    roots = requests.get(f"{server.url}/api/v1/signing/trust-roots", headers=headers["quantri"], timeout=30).json()
    assert len(roots["trust_roots"]) == 1


def test_parallel_wrong_pins_all_count(pki_api):
    server, headers = pki_api

    def guess(n):
        return lambda: requests.post(f"{server.url}/api/v1/me/test-signature", headers=headers["nguoiky"],
                                     json={"pin": f"99999{n}"}, timeout=120)

    statuses = [r.status_code for r in _all_at_once([guess(n) for n in range(5)])]
    assert all(status in (403, 429) for status in statuses), statuses
    # Five wrong PINs in a row (the default limit) lock the key, even against the right PIN.
    locked = requests.post(f"{server.url}/api/v1/me/test-signature", headers=headers["nguoiky"],
                           json={"pin": PIN}, timeout=120)
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "pin_locked"
