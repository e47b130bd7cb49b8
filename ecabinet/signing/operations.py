"""Certificates, trust roots, signing and verification. Rules here; adapters commit.

Other domains (the minutes) call `sign` and `verify`:

    signed = sign(pdf_bytes, user, pin, SignatureBox(page, rect, "chair", "Chủ tọa"), certify=None,
                  other_boxes=[...])
    report = verify(signed)

Both run the PDF work off the event loop (ecabinet.server.run_in_worker).
"""
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ecabinet.audit.operations import record
from ecabinet.core.db import unique_or, utcnow
from ecabinet.core.errors import Conflict, DomainError, InvalidState, InvalidValue
from ecabinet.extensions import db
from ecabinet.signing import ca
from ecabinet.signing.models import SigningCertificate, TrustRoot
from ecabinet.signing.pades import PadesError, SignatureBox, signature_fields, stamp_font
from ecabinet.signing.signers import Pkcs12PinSigner, SignerError, asn1_certificate

__all__ = ["SignatureBox", "sign", "verify", "check_turn", "issue_certificate", "revoke_certificate"]

CA_KEY = "ca-key.pem"
CA_CERT = "ca.pem"


class WrongPin(DomainError):
    status = 403
    code = "wrong_pin"


class PinLocked(DomainError):
    status = 429
    code = "pin_locked"


class CertificateUnusable(DomainError):
    status = 409
    code = "certificate_unusable"


# -- the internal CA -----------------------------------------------------------------------------


def pki_dir():
    return Path(current_app.config["STORAGE_DIR"]) / "pki"


def ca_paths():
    directory = pki_dir()
    return directory / CA_KEY, directory / CA_CERT


def ca_exists():
    key_path, cert_path = ca_paths()
    return key_path.exists() and cert_path.exists()


def init_ca(common_name=None, organisation=None):
    """Create the pilot's root CA (key readable by the server's user only); its certificate's path."""
    key_path, cert_path = ca_paths()
    if key_path.exists() or cert_path.exists():
        raise InvalidState(_("The internal CA already exists at %(path)s.", path=str(cert_path)), code="ca_exists")
    organisation = organisation or current_app.config.get("ORGANISATION_NAME") or "E-Cabinet"
    authority = ca.create_root(common_name or f"{organisation} - E-Cabinet CA", organisation=organisation)
    directory = key_path.parent
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(ca.key_to_pem(authority.key, current_app.config.get("SIGNING_CA_PASSPHRASE")))
    cert_path.write_bytes(ca.certificate_to_pem(authority.certificate))
    record("signing.ca_created", subject=authority.certificate.subject.rfc4514_string(),
           fingerprint=ca.fingerprint(authority.certificate))
    return cert_path


# The CA's key as last opened, by the key file's identity and the passphrase: opening checks the RSA
# key's consistency (about 0.1 s of CPU), once per certificate issued or list of revocations before.
_opened_keys = {}


def load_authority():
    key_path, cert_path = ca_paths()
    if not ca_exists():
        raise InvalidState(_("The internal CA has not been created (run: ecabinet ca init)."), code="ca_missing")
    passphrase = current_app.config.get("SIGNING_CA_PASSPHRASE")
    stat = key_path.stat()
    opened = (str(key_path), stat.st_ino, stat.st_mtime_ns, stat.st_size, passphrase)
    key = _opened_keys.get(opened)
    if key is None:
        try:
            key = ca.key_from_pem(key_path.read_bytes(), passphrase)
        except (TypeError, ValueError):
            raise InvalidState(_("The internal CA's key cannot be opened (check ECABINET_CA_PASSPHRASE)."),
                               code="ca_locked") from None
        _opened_keys.clear()  # one CA per process: a new key file replaces the old one
        _opened_keys[opened] = key
    return ca.Authority(key, ca.load_certificate(cert_path.read_bytes()))


def ca_certificate():
    """The internal CA's certificate, or None before `ecabinet ca init`."""
    _key_path, cert_path = ca_paths()
    return ca.load_certificate(cert_path.read_bytes()) if cert_path.exists() else None


def crl_url():
    return current_app.config["SIGNING_CRL_URL"] or current_app.config["PUBLIC_URL"].rstrip("/") + "/pki/crl.der"


def current_crl():
    """The internal CA's CRL (DER), signed now, listing every revoked internal certificate."""
    authority = load_authority()
    revoked = db.session.execute(
        select(SigningCertificate.serial, SigningCertificate.revoked_at)
        .where(SigningCertificate.internal.is_(True), SigningCertificate.revoked_at.is_not(None))
    ).all()
    number = int(datetime.now(timezone.utc).timestamp() * 1000)  # increases with every CRL issued
    return ca.build_crl(authority, [(int(serial, 16), at) for serial, at in revoked], crl_number=number,
                        next_update_days=current_app.config["SIGNING_CRL_DAYS"])


# -- certificates ---------------------------------------------------------------------------------


def check_pin(pin):
    minimum = current_app.config["SIGNING_PIN_MIN_LENGTH"]
    if not isinstance(pin, str) or len(pin) < minimum or len(pin) > 128:
        raise InvalidValue(_("The PIN must have at least %(n)d characters.", n=minimum), code="weak_pin",
                           field="pin")
    return pin


def _pkcs12(key, certificate, chain, pin, label):
    from ecabinet.server import run_in_worker

    return run_in_worker(ca.pkcs12_under_pin, key, certificate, chain, pin, label,
                         rounds=current_app.config["SIGNING_PKCS12_KDF_ROUNDS"])


def _store(user, certificate, pkcs12_bytes, *, internal, actor):
    row = SigningCertificate(
        user=user, serial=format(certificate.serial_number, "x"), fingerprint=ca.fingerprint(certificate),
        subject=ca.readable_name(certificate.subject), issuer=ca.readable_name(certificate.issuer),
        not_before=certificate.not_valid_before_utc, not_after=certificate.not_valid_after_utc,
        certificate_der=ca.certificate_to_der(certificate), pkcs12=pkcs12_bytes, internal=internal,
        created_by_id=getattr(actor, "id", None))
    with unique_or(db.session, lambda: Conflict(_("This certificate is already registered."),
                                                code="certificate_exists")):
        db.session.add(row)
    return row


def issue_certificate(user, pin, *, actor=None, days=None, not_before=None, not_after=None):
    """A signing certificate from the internal CA for `user`, its key kept under `pin`."""
    check_pin(pin)
    from ecabinet.server import run_in_worker

    authority = load_authority()
    key = run_in_worker(ca.new_key)
    subject = ca.name(user.full_name, organisation=current_app.config.get("ORGANISATION_NAME"),
                      unit=user.unit_name, title=user.title)
    certificate = ca.issue_signing_certificate(
        authority, key.public_key(), subject, crl_url=crl_url(), not_before=not_before, not_after=not_after,
        days=days or current_app.config["SIGNING_CERTIFICATE_DAYS"])
    row = _store(user, certificate, _pkcs12(key, certificate, [authority.certificate], pin, user.username),
                 internal=True, actor=actor)
    record("signing.certificate_issued", actor=actor, obj=row, user_id=user.id, serial=row.serial)
    return row


def import_pkcs12(user, data, password, pin, *, actor=None):
    """Keep a real certificate (.p12 from a CA) for `user`, re-encrypted under the user's PIN."""
    check_pin(pin)
    from ecabinet.server import run_in_worker

    try:
        key, certificate, chain = run_in_worker(ca.open_pkcs12, data, password or "")
    except ValueError:
        raise InvalidValue(_("The file is not a PKCS#12 (.p12) or its password is wrong."),
                           code="bad_pkcs12", field="file") from None
    if key is None or certificate is None:
        raise InvalidValue(_("The PKCS#12 file holds no private key and certificate."), code="bad_pkcs12",
                           field="file")
    if not ca.has_signing_usage(certificate):
        raise InvalidValue(_("This certificate may not sign documents (key usage)."), code="bad_key_usage",
                           field="file")
    row = _store(user, certificate, _pkcs12(key, certificate, chain or [], pin, user.username),
                 internal=False, actor=actor)
    record("signing.certificate_imported", actor=actor, obj=row, user_id=user.id, serial=row.serial)
    return row


def revoke_certificate(row, *, actor=None):
    """Revoke: signing with it is refused; an internal one enters the CRL."""
    if row.revoked_at is not None:
        raise InvalidState(_("This certificate is already revoked."), code="already_revoked")
    row.revoked_at = utcnow()
    row.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("signing.certificate_revoked", actor=actor, obj=row, user_id=row.user_id, serial=row.serial)
    return row


def certificates_of(user):
    return db.session.scalars(select(SigningCertificate).where(SigningCertificate.user_id == user.id)
                              .order_by(SigningCertificate.created_at.desc(), SigningCertificate.id.desc())).all()


def signing_certificate(user):
    """The certificate `user` signs with: the newest one not revoked (it may have expired)."""
    for row in certificates_of(user):
        if not row.revoked:
            return row
    return None


# -- trust roots ----------------------------------------------------------------------------------


def add_trust_root(data, *, actor=None):
    try:
        certificate = ca.load_certificate(data)
    except ValueError:
        raise InvalidValue(_("The file is not an X.509 certificate (PEM or DER)."), code="bad_certificate",
                           field="file") from None
    row = TrustRoot(fingerprint=ca.fingerprint(certificate), subject=ca.readable_name(certificate.subject),
                    not_after=certificate.not_valid_after_utc, certificate_der=ca.certificate_to_der(certificate),
                    created_by_id=getattr(actor, "id", None))
    with unique_or(db.session, lambda: Conflict(_("This root is already trusted."), code="root_exists")):
        db.session.add(row)
    record("signing.trust_root_added", actor=actor, obj=row, subject=row.subject, fingerprint=row.fingerprint)
    return row


def remove_trust_root(row, *, actor=None):
    record("signing.trust_root_removed", actor=actor, obj=row, subject=row.subject, fingerprint=row.fingerprint)
    db.session.delete(row)
    db.session.flush()


def trust_roots():
    """asn1crypto certificates: the internal CA's and every admin-uploaded root."""
    roots = [ca.load_certificate(der) for der in db.session.scalars(select(TrustRoot.certificate_der))]
    internal = ca_certificate()
    if internal is not None:
        roots.append(internal)
    return [asn1_certificate(c) for c in roots]


def _known_crls():
    return [current_crl()] if ca_exists() else []


# -- signing --------------------------------------------------------------------------------------


def check_turn(order, pdf_bytes, field_name):
    """Refuse (409 out_of_turn) unless `field_name` is the first unsigned field in `order`.

    For the caller's own rule of who signs when (the minutes' signers in the session's order).
    """
    filled = signature_fields(pdf_bytes)
    for name in order:
        if not filled.get(name):
            if name != field_name:
                raise InvalidState(_("It is not your turn to sign yet."), code="out_of_turn")
            return
    raise InvalidState(_("Every signature has already been given."), code="out_of_turn")


def _usable_certificate(user, now):
    row = signing_certificate(user)
    if row is None:
        raise CertificateUnusable(_("You have no signing certificate. Ask an administrator to issue one."),
                                  code="no_certificate")
    if row.not_after < now:
        raise CertificateUnusable(_("Your signing certificate expired on %(date)s.",
                                    date=_local_date(row.not_after)), code="certificate_expired")
    if row.not_before > now:
        raise CertificateUnusable(_("Your signing certificate is not valid yet."), code="certificate_not_yet_valid")
    return row


def _local_date(value):
    from ecabinet.core.formats import format_date

    return format_date(value)


def _refuse_revoked(user):
    revoked = [row for row in certificates_of(user) if row.revoked]
    if revoked and signing_certificate(user) is None:
        raise CertificateUnusable(_("Your signing certificate has been revoked."), code="certificate_revoked")


def open_key(row, pin):
    """The built-in signer for `row` opened with `pin`; WrongPin counts a failure (the caller
    commits it even though it refuses: the count drives the lock), PinLocked while locked."""
    from sqlalchemy import update

    from ecabinet.server import run_in_worker

    now = utcnow()
    if row.locked_until is not None and row.locked_until > now:
        raise PinLocked(_("Too many wrong PINs. Try again after %(time)s.", time=_local_time(row.locked_until)))
    try:
        # Opening the key costs the PBKDF2 rounds on purpose: off the event loop too.
        signer = run_in_worker(Pkcs12PinSigner, row.pkcs12, pin or "")
    except SignerError as error:
        if error.code != "wrong_pin":
            raise CertificateUnusable(_("Your signing key cannot be used."), code=error.code) from None
        limit = current_app.config["SIGNING_PIN_MAX_FAILURES"]
        # One statement, so that parallel wrong PINs all count.
        db.session.execute(update(SigningCertificate).where(SigningCertificate.id == row.id)
                           .values(failed_pins=SigningCertificate.failed_pins + 1))
        db.session.refresh(row)
        if row.failed_pins >= limit:
            row.failed_pins = 0
            row.locked_until = now + timedelta(minutes=current_app.config["SIGNING_PIN_LOCK_MINUTES"])
            record("signing.pin_locked", actor=row.user_id, obj=row, serial=row.serial)
        db.session.flush()
        raise WrongPin(_("The PIN is wrong. Nothing was signed.")) from None
    if row.failed_pins or row.locked_until:
        row.failed_pins, row.locked_until = 0, None
    return signer


def _local_time(value):
    from ecabinet.core.formats import format_datetime

    return format_datetime(value)


def timestamper():
    """An RFC 3161 client for ECABINET_TSA_URL, or None when no TSA is configured."""
    url = current_app.config.get("TSA_URL")
    if not url:
        return None
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(url, timeout=current_app.config["TSA_TIMEOUT"])


def _signing_validation_context(roots, crls):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=roots, crls=crls, allow_fetching=current_app.config["SIGNING_FETCH_REVINFO"],
                             revocation_mode="soft-fail")


def sign(pdf_bytes, signer_user, pin, field, *, certify=None, other_boxes=(), location=None, signer=None):
    """`pdf_bytes` with `signer_user`'s signature in `field` (a SignatureBox); the new bytes.

    Refused, with nothing written, when the user has no usable certificate (none, revoked, expired)
    or the PIN is wrong. `signer` replaces the built-in PKCS#12 signer (a PKCS#11 token, a remote
    service: ecabinet.signing.signers.Signer). Each signature is timestamped when ECABINET_TSA_URL is
    set, and the revocation information known at signing is embedded (PAdES B-LT).
    """
    from ecabinet.server import run_in_worker

    now = utcnow()
    _refuse_revoked(signer_user)
    row = _usable_certificate(signer_user, now)
    if signer is None:
        signer = open_key(row, pin)
    roots = trust_roots()
    crls = _known_crls()
    font = stamp_font(current_app.config["SIGNING_STAMP_FONT"], pki_dir() / "fonts")
    stamper = timestamper()
    context = _signing_validation_context(roots, crls)
    # Read everything from the database and the request here: the worker thread has neither.
    signer_name, signer_title = signer_user.full_name, signer_user.title

    def work():
        with signer.open() as hanko_signer:
            from ecabinet.signing.pades import sign_pdf

            return sign_pdf(pdf_bytes, hanko_signer, field, signer_name=signer_name,
                            signer_title=signer_title, signed_at=now, certify=certify,
                            other_boxes=other_boxes, timestamper=stamper, validation_context=context,
                            embed_validation_info=True, location=location, font_path=font)

    try:
        signed = run_in_worker(work)
    except PadesError as error:
        raise InvalidState(_pades_message(error), code=error.code) from None
    except SignerError as error:
        # The detail is the library's (English, technical): for the log; the user gets our words.
        current_app.logger.warning("signer unavailable (%s): %s", error.code, error.detail)
        raise CertificateUnusable(_signer_message(error), code=error.code) from None
    except Exception as error:  # noqa: BLE001 - pyHanko, the TSA or the network: refused, nothing written
        current_app.logger.warning("signing failed: %s", error, exc_info=True)
        raise InvalidState(_("The document could not be signed. Nothing was written; try again, and if it "
                             "fails again, tell the administrator."), code="signing_failed") from None
    record("signing.signed", actor=signer_user, obj=row, field=field.name, serial=row.serial,
           timestamped=stamper is not None)
    return signed


def _signer_message(error):
    return {
        "not_configured": _("This way of signing is not set up on this server. Ask the administrator."),
        "token_unavailable": _("The signing token cannot be reached. Check that it is plugged in, then try again."),
        "no_key": _("Your signing key cannot be used."),
    }.get(error.code, _("The signer is not available."))


def _pades_message(error):
    return {
        "already_signed": _("This signature has already been given."),
        "already_certified": _("The document is already signed; it cannot be certified again."),
        "corrupt": _("The PDF is damaged and cannot be signed."),
    }.get(error.code, _("The document could not be signed."))


# -- verification ---------------------------------------------------------------------------------


def verify(pdf_bytes):
    """The strict verifier's report (ecabinet.signing.verify) against the configured trust roots."""
    from ecabinet.server import run_in_worker
    from ecabinet.signing.verify import verify_pdf

    roots = trust_roots()
    crls = _known_crls()
    return run_in_worker(verify_pdf, pdf_bytes, trust_roots=roots, crls=crls)


def verify_untrusted(pdf_bytes):
    """verify() for a file from outside (the verifier's upload): parsed in a limited child process
    (core.sandbox), so that a malicious PDF exhausts only its own child, never the server. A file the
    limits do not let it check is reported so (`too_complex`), and not valid."""
    import base64
    import json

    from ecabinet.core.sandbox import LimitReached, run_limited
    from ecabinet.signing.verify import report_from_json

    def b64(data):
        return base64.b64encode(data).decode()

    request = json.dumps({"pdf": b64(pdf_bytes), "trust_roots": [b64(root.dump()) for root in trust_roots()],
                          "crls": [b64(der) for der in _known_crls()]})
    config = current_app.config
    try:
        output = run_limited("ecabinet.signing.verify", stdin=request.encode(),
                             timeout=config["SIGNING_VERIFY_TIMEOUT"], memory_mb=config["SIGNING_VERIFY_MEMORY_MB"])
        return report_from_json(output.decode())
    except (LimitReached, ValueError):
        return {"valid": False, "signatures": [], "unsigned_fields": [], "dss": False, "reasons": ["too_complex"]}


# -- a sample page to try one's PIN and certificate -----------------------------------------------

SAMPLE_BOX = SignatureBox(page=1, rect=(300, 80, 540, 160), name="test_signature", title="Ký thử")


def sample_pdf():
    """One A4 page saying it is a test signature (fpdf2, DejaVu for the Vietnamese text)."""
    from fpdf import FPDF

    from ecabinet.documents.pdf import DEFAULT_FONT, nfc

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("dejavu", "", DEFAULT_FONT)
    pdf.set_font("dejavu", size=14)
    pdf.multi_cell(0, 10, nfc("KÝ THỬ\nTrang mẫu để kiểm tra chứng thư số và mã PIN. Không có giá trị pháp lý."))
    return bytes(pdf.output())
