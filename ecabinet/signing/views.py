"""Pages: the CRL and the CA certificate (public), verification, certificates administration."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ecabinet.accounts.auth import permission_required
from ecabinet.accounts.models import User
from ecabinet.core.collation import sorted_by_name
from ecabinet.core.errors import DomainError, NotFound
from ecabinet.core.formats import format_date
from ecabinet.core.web import apply_form, field_error
from ecabinet.extensions import db
from ecabinet.signing import ca, operations
from ecabinet.signing.access import can_manage_certificates, can_verify
from ecabinet.signing.api import read_upload
from ecabinet.signing.forms import ConfirmForm, IssueForm, TrustRootForm, VerifyForm
from ecabinet.signing.models import SigningCertificate, TrustRoot
from ecabinet.signing.report import report_json

bp = Blueprint("signing", __name__)


@bp.route("/pki/crl.der")
def crl():
    """The internal CA's CRL, public like every CRL (the certificates point here)."""
    if not operations.ca_exists():
        raise NotFound()
    return Response(operations.current_crl(), mimetype="application/pkix-crl",
                    headers={"Cache-Control": "public, max-age=300"})


@bp.route("/pki/ca.crt")
def ca_certificate():
    certificate = operations.ca_certificate()
    if certificate is None:
        raise NotFound()
    return Response(ca.certificate_to_der(certificate), mimetype="application/pkix-cert",
                    headers={"Content-Disposition": "attachment; filename=ecabinet-ca.crt"})


@bp.route("/verification", methods=["GET", "POST"])
@permission_required(can_verify)
def verification():
    """Upload a signed PDF and read the verifier's report."""
    form = VerifyForm()
    report, status = None, 200
    if form.validate_on_submit():
        try:
            report = report_json(operations.verify_untrusted(read_upload()), page=True)
        except DomainError as error:
            field_error(form, error)
            status = error.status
    elif request.method == "POST":
        status = 400
    return render_template("signing/verification.html", form=form, report=report), status


def _issue_form():
    form = IssueForm(prefix="issue")
    users = db.session.scalars(select(User).where(User.active.is_(True))).all()
    form.user_id.choices = [(u.id, f"{u.full_name} ({u.username})") for u in sorted_by_name(users)]
    return form


def _certificates_page(issue_form=None, root_form=None, status=200):
    certificates = db.session.scalars(select(SigningCertificate).order_by(SigningCertificate.created_at.desc())).all()
    roots = db.session.scalars(select(TrustRoot).order_by(TrustRoot.created_at)).all()
    return render_template(
        "signing/certificates.html", certificates=certificates, roots=roots, ca_ready=operations.ca_exists(),
        internal_ca=operations.ca_certificate(), issue_form=issue_form or _issue_form(),
        root_form=root_form or TrustRootForm(prefix="root"), confirm=ConfirmForm()), status


@bp.route("/admin/certificates")
@permission_required(can_manage_certificates)
def certificates():
    return _certificates_page()


@bp.route("/admin/certificates/issue", methods=["POST"])
@permission_required(can_manage_certificates)
def issue():
    form = _issue_form()
    if not form.validate_on_submit():
        return _certificates_page(issue_form=form, status=400)
    user = db.session.get(User, form.user_id.data)

    def change():
        if form.file.data and form.file.data.filename:
            return operations.import_pkcs12(user, read_upload("issue-file", pdf=False), form.password.data or "",
                                            form.pin.data, actor=current_user)
        return operations.issue_certificate(user, form.pin.data, actor=current_user)

    row, refusal = apply_form(form, change)
    if refusal is not None:
        return _certificates_page(issue_form=form, status=refusal.status)
    flash(_("The certificate of %(name)s is ready (valid until %(date)s).", name=user.full_name,
            date=format_date(row.not_after)), "success")
    return redirect(url_for("signing.certificates"))


@bp.route("/admin/certificates/<int:certificate_id>/revoke", methods=["POST"])
@permission_required(can_manage_certificates)
def revoke(certificate_id):
    row = db.session.get(SigningCertificate, certificate_id)
    if row is None:
        raise NotFound()
    if ConfirmForm().validate_on_submit():
        operations.revoke_certificate(row, actor=current_user)
        db.session.commit()
        flash(_("The certificate has been revoked."), "success")
    return redirect(url_for("signing.certificates"))


@bp.route("/admin/trust-roots", methods=["POST"])
@permission_required(can_manage_certificates)
def add_root():
    form = TrustRootForm(prefix="root")
    if not form.validate_on_submit():
        return _certificates_page(root_form=form, status=400)
    _root, refusal = apply_form(form, lambda: operations.add_trust_root(read_upload("root-file", pdf=False),
                                                                         actor=current_user))
    if refusal is not None:
        return _certificates_page(root_form=form, status=refusal.status)
    flash(_("The root certificate is now trusted."), "success")
    return redirect(url_for("signing.certificates"))


@bp.route("/admin/trust-roots/<int:root_id>/delete", methods=["POST"])
@permission_required(can_manage_certificates)
def delete_root(root_id):
    row = db.session.get(TrustRoot, root_id)
    if row is None:
        raise NotFound()
    if ConfirmForm().validate_on_submit():
        operations.remove_trust_root(row, actor=current_user)
        db.session.commit()
        flash(_("The root certificate is no longer trusted."), "success")
    return redirect(url_for("signing.certificates"))
