"""Pages: the CRL and the CA certificate (public), verification, certificates administration."""
from flask import Blueprint, Response

from ecabinet.signing import operations

bp = Blueprint("signing", __name__)


@bp.route("/pki/crl.der")
def crl():
    """The internal CA's CRL, public like every CRL (the certificates point here)."""
    return Response(operations.current_crl(), mimetype="application/pkix-crl",
                    headers={"Cache-Control": "public, max-age=300"})


@bp.route("/pki/ca.crt")
def ca_certificate():
    from ecabinet.signing import ca

    certificate = operations.ca_certificate()
    if certificate is None:
        from ecabinet.core.errors import NotFound

        raise NotFound()
    return Response(ca.certificate_to_der(certificate), mimetype="application/pkix-cert",
                    headers={"Content-Disposition": "attachment; filename=ecabinet-ca.crt"})
