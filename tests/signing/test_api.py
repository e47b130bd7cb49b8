"""The verification endpoint and page, certificates through the API, the CRL, the CLI."""
import io

import pytest
from cryptography import x509

from ecabinet.extensions import db
from ecabinet.signing import ca, operations
from tests.factories import create_admin, create_user
from tests.signing.conftest import CHAIR_BOX, PIN, SECRETARY_BOX
from tests.signing.pki import external_user_p12, minutes_like_pdf

_SIGNED = {}


@pytest.fixture
def signed_pdf(app, internal_ca):
    """Minutes signed by two signers (made once; see test_tampering.signed)."""
    if "pdf" not in _SIGNED:
        with app.test_request_context():
            secretary = create_user(full_name="Trần Thị Thư Ký", title="Chuyên viên")
            chair = create_user(full_name="Nguyễn Văn Chủ Tọa", title="Chủ tịch UBND tỉnh")
            for user in (secretary, chair):
                operations.issue_certificate(user, PIN)
            first = operations.sign(minutes_like_pdf(), secretary, PIN, SECRETARY_BOX, other_boxes=[CHAIR_BOX])
            _SIGNED["pdf"] = operations.sign(first, chair, PIN, CHAIR_BOX)
    return _SIGNED["pdf"]


def post_pdf(app, bearer, user, data, name="bien-ban.pdf", headers=None):
    return app.test_client().post("/api/v1/verification", headers={**bearer(user), **(headers or {})},
                                  data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_the_verification_endpoint_reports_each_signature(app, bearer, signed_pdf):
    response = post_pdf(app, bearer, create_user(), signed_pdf)
    assert response.status_code == 200
    report = response.get_json()
    assert report["valid"] is True and report["dss"] is True
    first, second = report["signatures"]
    assert (first["signer"], second["signer"]) == ("Trần Thị Thư Ký", "Nguyễn Văn Chủ Tọa")
    for signature in report["signatures"]:
        assert signature["intact"] and signature["trusted"] and signature["valid"]
        assert signature["modified_after"] is False and signature["reasons"] == []
        assert "Trần Thị Thư Ký" in first["subject"] and "E-Cabinet CA kiểm thử" in signature["issuer"]
        assert signature["signing_time"].endswith("+00:00")


def test_a_tampered_copy_is_reported_in_vietnamese(app, bearer, signed_pdf):
    tampered = bytearray(signed_pdf)
    at = signed_pdf.index(b"stream", signed_pdf.index(b"/Contents")) + 40
    tampered[at] ^= 0x01
    response = post_pdf(app, bearer, create_user(), bytes(tampered), headers={"Accept-Language": "vi"})
    report = response.get_json()
    assert response.status_code == 200 and report["valid"] is False
    reasons = report["signatures"][0]["reasons"]
    assert reasons[0]["code"] == "not_intact"
    assert "thay đổi" in reasons[0]["message"]


def test_an_uploaded_file_is_checked_in_a_limited_child_and_reported_as_the_server_would(app, bearer, signed_pdf):
    """The verifier's upload is parsed in a child process (core.sandbox); its report is the one the
    server's own check of the same bytes gives, times included."""
    from ecabinet.signing.report import report_json

    with app.test_request_context():
        inside = report_json(operations.verify(signed_pdf))
    response = post_pdf(app, bearer, create_user(), signed_pdf)
    assert response.status_code == 200 and response.get_json() == inside


def test_a_file_the_limits_do_not_let_the_child_check_is_reported_too_complex(app, bearer, signed_pdf, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_VERIFY_MEMORY_MB", 48)  # less than the interpreter and pyHanko need
    response = post_pdf(app, bearer, create_user(), signed_pdf, headers={"Accept-Language": "vi"})
    report = response.get_json()
    assert response.status_code == 200 and report["valid"] is False and report["signatures"] == []
    assert report["reasons"] == [{"code": "too_complex", "message": "Tệp quá lớn hoặc quá phức tạp để kiểm tra tại đây."}]


@pytest.mark.parametrize("answer", [b"\x80\x04\x95cos\nsystem\n.", b"{not json", b"\xff\xfe"])
def test_the_childs_answer_is_only_ever_read_as_json(app, bearer, signed_pdf, monkeypatch, answer):
    """A child that parsed a hostile file may say anything: what is not the report's JSON (a pickle,
    garbage, bytes that are not text) is "too complex", and nothing of it runs."""
    from ecabinet.core import sandbox

    monkeypatch.setattr(sandbox, "run_limited", lambda *_args, **_kwargs: answer)
    report = post_pdf(app, bearer, create_user(), signed_pdf).get_json()
    assert report["valid"] is False and [r["code"] for r in report["reasons"]] == ["too_complex"]


def test_refused_uploads_are_json_errors(app, bearer, monkeypatch):
    user = create_user()
    not_pdf = post_pdf(app, bearer, user, b"PK\x03\x04 a zip file", name="bien-ban.docx")
    assert not_pdf.status_code == 415 and not_pdf.get_json()["error"]["code"] == "pdf_not_pdf"
    missing = app.test_client().post("/api/v1/verification", headers=bearer(user), data={},
                                     content_type="multipart/form-data")
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "file_missing"
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    too_large = post_pdf(app, bearer, user, b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10))
    assert too_large.status_code == 413 and too_large.get_json()["error"]["code"] == "file_too_large"
    anonymous = app.test_client().post("/api/v1/verification", data={"file": (io.BytesIO(b"%PDF-"), "a.pdf")},
                                       content_type="multipart/form-data")
    assert anonymous.status_code == 401


def test_the_verification_page_shows_the_report(app, login, signed_pdf):
    from tests.conftest import csrf_token

    client = login(create_user())
    page = client.get("/verification")
    assert page.status_code == 200 and "Kiểm tra chữ ký" in page.get_data(as_text=True)
    response = client.post("/verification", data={"csrf_token": csrf_token(client, "/verification"),
                                                  "file": (io.BytesIO(signed_pdf), "bien-ban.pdf")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nguyễn Văn Chủ Tọa" in html and "Hợp lệ" in html
    assert "Không hợp lệ" not in html


def test_admin_issues_imports_and_revokes_through_the_api(app, bearer, internal_ca):
    admin = create_admin()
    member = create_user(full_name="Đỗ Thị Thành Viên")
    client = app.test_client()
    issued = client.post("/api/v1/signing/certificates", headers=bearer(admin), json={"user_id": member.id, "pin": PIN})
    assert issued.status_code == 201
    certificate = issued.get_json()
    assert certificate["internal"] is True and "Đỗ Thị Thành Viên" in certificate["subject"]
    weak = client.post("/api/v1/signing/certificates", headers=bearer(admin), json={"user_id": member.id, "pin": "1"})
    assert weak.status_code == 422

    external = ca.create_root("CA chuyên dùng thử", key=ca.new_key(2048))
    p12, _cert = external_user_p12(external, "Đỗ Thị Thành Viên", "mat-khau", crl_url="http://127.0.0.1:9/x.crl")
    imported = client.post("/api/v1/signing/certificates", headers=bearer(admin), content_type="multipart/form-data",
                           data={"user_id": str(member.id), "pin": PIN, "password": "mat-khau",
                                 "file": (io.BytesIO(p12), "chung-thu.p12")})
    assert imported.status_code == 201 and imported.get_json()["internal"] is False
    wrong = client.post("/api/v1/signing/certificates", headers=bearer(admin), content_type="multipart/form-data",
                        data={"user_id": str(member.id), "pin": PIN, "password": "sai",
                              "file": (io.BytesIO(p12), "chung-thu.p12")})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "bad_pkcs12"

    mine = client.get("/api/v1/me/certificates", headers=bearer(member)).get_json()["certificates"]
    assert len(mine) == 2
    revoked = client.post(f"/api/v1/signing/certificates/{certificate['id']}/revoke", headers=bearer(admin))
    assert revoked.status_code == 200 and revoked.get_json()["revoked"] is True
    again = client.post(f"/api/v1/signing/certificates/{certificate['id']}/revoke", headers=bearer(admin))
    assert again.status_code == 409
    crl = x509.load_der_x509_crl(client.get("/pki/crl.der").data)
    assert crl.get_revoked_certificate_by_serial_number(int(certificate["serial"], 16)) is not None
    assert crl.is_signature_valid(operations.ca_certificate().public_key())

    root = client.post("/api/v1/signing/trust-roots", headers=bearer(admin), content_type="multipart/form-data",
                       data={"file": (io.BytesIO(ca.certificate_to_pem(external.certificate)), "root.pem")})
    assert root.status_code == 201
    duplicate = client.post("/api/v1/signing/trust-roots", headers=bearer(admin), content_type="multipart/form-data",
                            data={"file": (io.BytesIO(ca.certificate_to_der(external.certificate)), "root.cer")})
    assert duplicate.status_code == 409
    garbage = client.post("/api/v1/signing/trust-roots", headers=bearer(admin), content_type="multipart/form-data",
                          data={"file": (io.BytesIO(b"not a certificate"), "root.cer")})
    assert garbage.status_code == 422


def test_a_test_signature_with_the_right_and_the_wrong_pin(app, bearer, internal_ca):
    user = create_user(full_name="Vũ Văn Ký")
    with app.test_request_context():
        operations.issue_certificate(user, PIN)
    db.session.commit()
    client = app.test_client()
    wrong = client.post("/api/v1/me/test-signature", headers=bearer(user), json={"pin": "999999"})
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_pin"
    right = client.post("/api/v1/me/test-signature", headers=bearer(user), json={"pin": PIN})
    assert right.status_code == 200 and right.mimetype == "application/pdf"
    with app.test_request_context():
        assert operations.verify(right.data)["valid"] is True


def test_cli_creates_the_ca_and_issues_a_certificate(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path))
    user = create_user("le.van.cli", full_name="Lê Văn Dòng Lệnh")
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["ca", "issue", "le.van.cli", "--pin", PIN])
    assert missing.exit_code != 0 and "ecabinet ca init" in missing.output
    created = runner.invoke(args=["ca", "init"])
    assert created.exit_code == 0, created.output
    key_path = tmp_path / "pki" / "ca-key.pem"
    assert str(tmp_path / "pki" / "ca.pem") in created.output
    assert (key_path.stat().st_mode & 0o777) == 0o600
    assert runner.invoke(args=["ca", "init"]).exit_code != 0  # never overwritten
    issued = runner.invoke(args=["ca", "issue", "le.van.cli", "--pin", PIN])
    assert issued.exit_code == 0, issued.output
    assert "Lê Văn Dòng Lệnh" in issued.output
    rows = operations.certificates_of(user)
    assert len(rows) == 1 and "Lê Văn Dòng Lệnh" in rows[0].subject
    assert runner.invoke(args=["ca", "issue", "nobody", "--pin", PIN]).exit_code != 0


def test_repeated_wrong_pins_lock_the_key(app, bearer, internal_ca, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_PIN_MAX_FAILURES", 3)
    user = create_user(full_name="Vũ Thị Đoán Mò")
    with app.test_request_context():
        operations.issue_certificate(user, PIN)
    db.session.commit()
    client = app.test_client()
    headers = bearer(user)
    answers = [client.post("/api/v1/me/test-signature", headers=headers, json={"pin": f"00000{n}"}).status_code
               for n in range(3)]
    assert answers == [403, 403, 403]
    locked = client.post("/api/v1/me/test-signature", headers=headers, json={"pin": PIN})
    assert locked.status_code == 429 and locked.get_json()["error"]["code"] == "pin_locked"
    row = operations.signing_certificate(user)
    db.session.refresh(row)
    row.locked_until = None  # the lock has passed
    db.session.commit()
    assert client.post("/api/v1/me/test-signature", headers=headers, json={"pin": PIN}).status_code == 200
