"""The internal certificate authority for pilots, with the `cryptography` package only.

Pure functions: keys, certificates, CRLs and PKCS#12 bundles as bytes. Nothing here knows about
Flask or the database; ecabinet/signing/operations.py decides where they are kept.
"""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# PBKDF2 rounds for the PKCS#12 under the signer's PIN: the file is only as strong as the PIN,
# so every guess made offline against a stolen copy must cost real time.
PKCS12_KDF_ROUNDS = 600_000


@dataclass(frozen=True)
class Authority:
    """A CA: its private key and its certificate (cryptography objects)."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


def _now():
    return datetime.now(timezone.utc)


def new_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def fingerprint(certificate):
    """SHA-256 of the DER certificate, in hex (how admins compare certificates)."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def name(common_name, *, organisation=None, unit=None, title=None, country="VN"):
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    if title:
        parts.append(x509.NameAttribute(NameOID.TITLE, title))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def create_root(common_name, *, organisation=None, years=10, key=None, not_before=None):
    """A self-signed root CA that may sign certificates and CRLs (no intermediates: pathlen 0)."""
    key = key or new_key(3072)
    subject = name(common_name, organisation=organisation)
    start = not_before or _now() - timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, certificate)


def issue_signing_certificate(authority, public_key, subject, *, crl_url=None, not_before=None,
                              not_after=None, days=730):
    """A document-signing certificate: digitalSignature + nonRepudiation, its CRL where `crl_url` says."""
    start = not_before or _now() - timedelta(minutes=5)
    end = not_after or start + timedelta(days=days)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(authority.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(min(end, authority.certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
                       critical=False)
    )
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None,
            crl_issuer=None)]), critical=False)
    return builder.sign(authority.key, hashes.SHA256())


def issue_timestamping_certificate(authority, public_key, common_name, *, days=3650):
    """A TSA certificate (critical extended key usage timeStamping), for a pilot's own TSA or tests."""
    start = _now() - timedelta(minutes=5)
    return (
        x509.CertificateBuilder()
        .subject_name(name(common_name)).issuer_name(authority.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(min(start + timedelta(days=days),
                                                     authority.certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(authority.key, hashes.SHA256())
    )


def build_crl(authority, revoked, *, crl_number, next_update_days=7):
    """A DER CRL listing `revoked`: (serial number, revocation datetime) pairs."""
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.certificate.subject)
        .last_update(now - timedelta(minutes=1))
        .next_update(now + timedelta(days=next_update_days))
        .add_extension(x509.CRLNumber(crl_number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
                       critical=False)
    )
    for serial, revoked_at in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at).build())
    return builder.sign(authority.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def pkcs12_under_pin(key, certificate, chain, pin, friendly_name, *, rounds=PKCS12_KDF_ROUNDS):
    """A PKCS#12 whose key and certificates are encrypted under `pin` (AES-256, PBKDF2-SHA256)."""
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder()
                  .kdf_rounds(rounds)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
                  .hmac_hash(hashes.SHA256())
                  .build(pin.encode()))
    return pkcs12.serialize_key_and_certificates(friendly_name.encode(), key, certificate, list(chain), encryption)


def open_pkcs12(data, password):
    """(key, certificate, other certificates) of a PKCS#12; ValueError when the password is wrong."""
    return pkcs12.load_key_and_certificates(data, password.encode() if isinstance(password, str) else password)


def key_to_pem(key, passphrase=None):
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def key_from_pem(data, passphrase=None):
    return serialization.load_pem_private_key(data, passphrase.encode() if passphrase else None)


def certificate_to_pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


def certificate_to_der(certificate):
    return certificate.public_bytes(serialization.Encoding.DER)


def load_certificate(data):
    """A certificate from PEM or DER bytes; ValueError when it is neither."""
    if b"-----BEGIN" in data[:100]:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def readable_name(x509_name):
    """'CN=…,T=…,OU=…,O=…,C=VN': RFC 4514 (most specific first), the title under its short name."""
    return x509_name.rfc4514_string({NameOID.TITLE: "T"})


def common_name(x509_name):
    values = x509_name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return values[0].value if values else x509_name.rfc4514_string()


def has_signing_usage(certificate):
    """digitalSignature or nonRepudiation, as a document signature requires."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True  # no restriction
    return usage.digital_signature or usage.content_commitment
