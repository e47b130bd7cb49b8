"""JSON API: verification of any signed PDF, certificates and trust roots (admins), a test signature."""
import io

from flask import Blueprint, current_app, jsonify, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts.auth import login_required, require
from ecabinet.accounts.models import User
from ecabinet.core.api import get_json, int_field, iso, text_field
from ecabinet.core.errors import InvalidInput, NotFound, TooLarge, UnsupportedType
from ecabinet.extensions import db
from ecabinet.signing import operations
from ecabinet.signing.access import (can_manage_certificates, can_test_signing, can_verify,
                                     can_view_certificates_of)
from ecabinet.signing.models import SigningCertificate, TrustRoot
from ecabinet.signing.report import report_json

bp = Blueprint("signing_api", __name__, url_prefix="/api/v1")


def certificate_json(row):
    return {
        "id": row.id, "user_id": row.user_id, "user": row.user.full_name if row.user else None,
        "serial": row.serial, "fingerprint": row.fingerprint, "subject": row.subject, "issuer": row.issuer,
        "not_before": iso(row.not_before), "not_after": iso(row.not_after), "internal": row.internal,
        "revoked": row.revoked, "revoked_at": iso(row.revoked_at), "expired": row.expired(),
        "expires_soon": row.expires_soon(), "created_at": iso(row.created_at),
    }


def trust_root_json(row):
    return {"id": row.id, "subject": row.subject, "fingerprint": row.fingerprint,
            "not_after": iso(row.not_after), "created_at": iso(row.created_at)}


def read_upload(field="file", *, pdf=True):
    """The bytes of one uploaded file, refused early when too large (413) or not a PDF (415)."""
    from ecabinet.documents.pdf import looks_like_pdf

    files = request.files.getlist(field)
    if not files or not files[0].filename:
        raise InvalidInput(_("Attach the file in the multipart field \"%(field)s\".", field=field),
                           code="file_missing")
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    data = files[0].stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(_("The file is larger than the limit of %(mb)d MB.", mb=current_app.config["MAX_UPLOAD_MB"]),
                       code="file_too_large")
    if pdf and not looks_like_pdf(data[:1024]):
        raise UnsupportedType(_("This file is not a PDF document."), code="pdf_not_pdf")
    return data


def _certificate(certificate_id):
    row = db.session.get(SigningCertificate, certificate_id)
    if row is None:
        raise NotFound()
    return row


@bp.route("/verification", methods=["POST"])
@login_required
def verify_upload():
    require(can_verify)
    return jsonify(report_json(operations.verify_untrusted(read_upload())))


@bp.route("/me/certificates", methods=["GET"])
@login_required
def my_certificates():
    require(can_view_certificates_of, current_user)
    return jsonify({"certificates": [certificate_json(r) for r in operations.certificates_of(current_user)]})


@bp.route("/me/test-signature", methods=["POST"])
@login_required
def test_signature():
    """Sign a sample page with the caller's certificate and PIN: the signed PDF, or why not."""
    require(can_test_signing)
    pin = text_field(get_json(), "pin", required=True, max_length=128)
    try:
        signed = operations.sign(operations.sample_pdf(), current_user._get_current_object(), pin,
                                 operations.SAMPLE_BOX)
    except operations.WrongPin:
        db.session.commit()  # keep the count of wrong PINs, which locks the key after too many
        raise
    db.session.commit()
    return send_file(io.BytesIO(signed), mimetype="application/pdf", download_name="ky-thu.pdf")


@bp.route("/signing/certificates", methods=["GET"])
@login_required
def list_certificates():
    require(can_manage_certificates)
    rows = db.session.query(SigningCertificate).order_by(SigningCertificate.created_at.desc()).all()
    return jsonify({"certificates": [certificate_json(r) for r in rows]})


@bp.route("/signing/certificates", methods=["POST"])
@login_required
def issue_certificate():
    """JSON {user_id, pin} issues from the internal CA; multipart {user_id, pin, file, password} imports a .p12."""
    require(can_manage_certificates)
    data = get_json() if request.is_json else request.form.to_dict()
    user = db.session.get(User, int_field(data, "user_id", required=True, minimum=1))
    if user is None:
        raise NotFound(_("No such user."))
    pin = text_field(data, "pin", required=True, max_length=128)
    if request.files:
        row = operations.import_pkcs12(user, read_upload(pdf=False), data.get("password") or "", pin,
                                       actor=current_user)
    else:
        row = operations.issue_certificate(user, pin, actor=current_user)
    db.session.commit()
    return jsonify(certificate_json(row)), 201


@bp.route("/signing/certificates/<int:certificate_id>/revoke", methods=["POST"])
@login_required
def revoke_certificate(certificate_id):
    require(can_manage_certificates)
    row = operations.revoke_certificate(_certificate(certificate_id), actor=current_user)
    db.session.commit()
    return jsonify(certificate_json(row))


@bp.route("/signing/trust-roots", methods=["GET"])
@login_required
def list_trust_roots():
    require(can_manage_certificates)
    rows = db.session.query(TrustRoot).order_by(TrustRoot.created_at).all()
    return jsonify({"trust_roots": [trust_root_json(r) for r in rows]})


@bp.route("/signing/trust-roots", methods=["POST"])
@login_required
def add_trust_root():
    require(can_manage_certificates)
    row = operations.add_trust_root(read_upload(pdf=False), actor=current_user)
    db.session.commit()
    return jsonify(trust_root_json(row)), 201


@bp.route("/signing/trust-roots/<int:root_id>", methods=["DELETE"])
@login_required
def delete_trust_root(root_id):
    require(can_manage_certificates)
    row = db.session.get(TrustRoot, root_id)
    if row is None:
        raise NotFound()
    operations.remove_trust_root(row, actor=current_user)
    db.session.commit()
    return "", 204
