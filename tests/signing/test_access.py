"""Every signing page and API route × every role, against ecabinet/signing/access.py.

The CRL and the CA certificate are public (certificates point at them). Checking a signed PDF is
for anyone logged in; certificates and trust roots are for admins only (403 for everyone else).
No login → the login page (pages) or 401 (API). Every change is checked to have happened exactly
when allowed.
"""
import io

import pytest
from sqlalchemy import func, select

from ecabinet.extensions import db
from ecabinet.signing import ca, operations
from ecabinet.signing.models import SigningCertificate, TrustRoot
from tests.factories import Cast, create_user
from tests.signing.conftest import PIN
from tests.signing.pki import minutes_like_pdf
from tests.sweep import ROLES, blueprint_endpoints, case_id, run_case

ALLOWED = {"public": set(ROLES), "any": set(ROLES) - {"anonymous"}, "admin": {"admin"}}
UNSIGNED = minutes_like_pdf()
_ROOT = {}


def expected(rule, role, success, *, api):
    if role in ALLOWED[rule]:
        return success
    if role == "anonymous":
        return 401 if api else "login"
    return 403


def external_root_der():
    if "der" not in _ROOT:
        _ROOT["der"] = ca.certificate_to_der(ca.create_root("Root CA thử", key=ca.new_key(2048)).certificate)
    return _ROOT["der"]


class Scene:
    def __init__(self):
        if not operations.ca_exists():
            operations.init_ca("E-Cabinet CA kiểm thử")
        self.cast = Cast()
        # Held by someone outside the cast, so that no role tries a real signature below.
        certificate = operations.issue_certificate(create_user(full_name="Người Giữ Chứng Thư"), PIN)
        root = operations.add_trust_root(ca.certificate_to_der(ca.create_root("Gốc đã tin", key=ca.new_key(2048))
                                                               .certificate))
        db.session.commit()
        self.ids = {"certificate": certificate.id, "root": root.id, "member": self.cast.member.id}

    def certificate(self):
        db.session.expire_all()
        return db.session.get(SigningCertificate, self.ids["certificate"])

    def count(self, model, *where):
        db.session.expire_all()
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _pdf(name="bien-ban.pdf"):
    return (io.BytesIO(UNSIGNED), name)


def _root_file(name="root.cer"):
    return (io.BytesIO(external_root_der()), name)


PAGES = [
    ("signing.crl", "GET", "/pki/crl.der", None, "public", 200, None),
    ("signing.ca_certificate", "GET", "/pki/ca.crt", None, "public", 200, None),
    ("signing.verification", "GET", "/verification", None, "any", 200, None),
    ("signing.verification", "POST", "/verification", lambda i: {"file": _pdf()}, "any", 200, None),
    ("signing.certificates", "GET", "/admin/certificates", None, "admin", 200, None),
    ("signing.issue", "POST", "/admin/certificates/issue",
     lambda i: {"issue-user_id": str(i["member"]), "issue-pin": PIN}, "admin", "ok-redirect",
     lambda s: s.count(SigningCertificate, SigningCertificate.user_id == s.ids["member"]) == 1),
    ("signing.revoke", "POST", "/admin/certificates/{certificate}/revoke", lambda i: {}, "admin", "ok-redirect",
     lambda s: s.certificate().revoked),
    ("signing.add_root", "POST", "/admin/trust-roots", lambda i: {"root-file": _root_file()}, "admin",
     "ok-redirect", lambda s: s.count(TrustRoot) == 2),
    ("signing.delete_root", "POST", "/admin/trust-roots/{root}/delete", lambda i: {}, "admin", "ok-redirect",
     lambda s: s.count(TrustRoot) == 0),
]

API = [
    ("signing_api.verify_upload", "POST", "/api/v1/verification", lambda i: {"file": _pdf()}, "any", 200, None),
    ("signing_api.my_certificates", "GET", "/api/v1/me/certificates", None, "any", 200, None),
    # No role holds a certificate here: the access rule lets everyone logged in try,
    # and the domain answers 409 no_certificate (tests/signing/test_api.py signs for real).
    ("signing_api.test_signature", "POST", "/api/v1/me/test-signature", {"pin": PIN}, "any", 409, None),
    ("signing_api.list_certificates", "GET", "/api/v1/signing/certificates", None, "admin", 200, None),
    ("signing_api.issue_certificate", "POST", "/api/v1/signing/certificates",
     lambda i: {"user_id": i["member"], "pin": PIN}, "admin", 201,
     lambda s: s.count(SigningCertificate, SigningCertificate.user_id == s.ids["member"]) == 1),
    ("signing_api.revoke_certificate", "POST", "/api/v1/signing/certificates/{certificate}/revoke", None,
     "admin", 200, lambda s: s.certificate().revoked),
    ("signing_api.list_trust_roots", "GET", "/api/v1/signing/trust-roots", None, "admin", 200, None),
    ("signing_api.add_trust_root", "POST", "/api/v1/signing/trust-roots", lambda i: {"file": _root_file()},
     "admin", 201, lambda s: s.count(TrustRoot) == 2),
    ("signing_api.delete_trust_root", "DELETE", "/api/v1/signing/trust-roots/{root}", None, "admin", 204,
     lambda s: s.count(TrustRoot) == 0),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", PAGES, ids=case_id)
def test_pages(app, route, role):
    run_case(app, Scene(), route, role, expected, api=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API, ids=case_id)
def test_api(app, bearer, route, role):
    run_case(app, Scene(), route, role, expected, api=True, bearer=bearer)


def test_the_sweep_covers_every_signing_route(app):
    swept = {(endpoint, method) for endpoint, method, *_rest in PAGES + API}
    assert blueprint_endpoints(app, "signing", "signing_api") == swept
