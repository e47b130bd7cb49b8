"""Signers: where a signature's private-key operation happens, behind one interface.

The built-in one holds the user's PKCS#12 on the server, encrypted under the user's PIN. A PKCS#11
token (USB token, HSM) and a remote signing service ("ký số từ xa") plug in behind the same
interface; docs/signing.md explains how. Nothing here knows about Flask or the database.
"""
from abc import ABC, abstractmethod
from contextlib import contextmanager


def asn1_certificate(certificate):
    """A `cryptography` certificate as the asn1crypto object pyHanko takes."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class SignerError(Exception):
    """A signer could not be used; `code` says why (the caller words the message)."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class Signer(ABC):
    """One signer's key. `open()` yields a pyHanko signer for the time of one signature."""

    @property
    @abstractmethod
    def certificate(self):
        """The signer's certificate (a `cryptography` x509.Certificate)."""

    @contextmanager
    @abstractmethod
    def open(self):
        """Yield a pyhanko.sign.signers.Signer; close any session (token, remote) afterwards."""


class Pkcs12PinSigner(Signer):
    """The built-in signer: a PKCS#12 kept on the server, encrypted under the signer's PIN.

    The PIN is the PKCS#12's password: it is given for one signature and never stored. A wrong
    PIN fails to decrypt the bundle (SignerError "wrong_pin") before anything is written.
    """

    def __init__(self, pkcs12_bytes, pin, *, extra_certificates=()):
        from cryptography.hazmat.primitives.serialization import pkcs12

        if not pin:
            raise SignerError("wrong_pin")
        try:
            key, cert, chain = pkcs12.load_key_and_certificates(pkcs12_bytes, pin.encode())
        except ValueError:
            raise SignerError("wrong_pin") from None
        if key is None or cert is None:
            raise SignerError("no_key", "the PKCS#12 holds no key and certificate")
        self._key = key
        self._cert = cert
        self._chain = list(chain or ()) + list(extra_certificates)

    @property
    def certificate(self):
        return self._cert

    @contextmanager
    def open(self):
        from asn1crypto import keys
        from cryptography.hazmat.primitives import serialization
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        registry = SimpleCertificateStore()
        registry.register_multiple([asn1_certificate(c) for c in self._chain])
        key_der = self._key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())
        yield signers.SimpleSigner(signing_key=keys.PrivateKeyInfo.load(key_der),
                                   signing_cert=asn1_certificate(self._cert), cert_registry=registry)


class Pkcs11TokenSigner(Signer):
    """A key on a PKCS#11 token or HSM, through pyHanko's pkcs11 module (needs python-pkcs11).

    `module` is the vendor's PKCS#11 library (e.g. /usr/lib/x86_64-linux-gnu/libeTPkcs11.so for a
    SafeNet token, as Vietnamese CAs hand out), `token_label` the token's label, `key_label` (or
    `cert_label`) the key's, and `pin` the token's user PIN, given for one signature.
    """

    def __init__(self, module, token_label, pin, *, key_label=None, cert_label=None):
        try:
            import pkcs11  # noqa: F401  (python-pkcs11, not a default dependency)
        except ImportError:
            raise SignerError("not_configured", "PKCS#11 signing needs the python-pkcs11 package "
                                                "(pip install python-pkcs11) and the token's library") from None
        if not module:
            raise SignerError("not_configured", "no PKCS#11 library configured (ECABINET_PKCS11_MODULE)")
        self.module, self.token_label, self.pin = module, token_label, pin
        self.key_label, self.cert_label = key_label, cert_label or key_label
        self._cert = None

    @property
    def certificate(self):
        if self._cert is None:
            with self.open() as signer:
                from cryptography import x509

                self._cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
        return self._cert

    @contextmanager
    def open(self):
        from pyhanko.sign import pkcs11 as hanko_pkcs11

        try:
            session = hanko_pkcs11.open_pkcs11_session(
                self.module, token_criteria=hanko_pkcs11.TokenCriteria(label=self.token_label), user_pin=self.pin)
        except Exception as error:  # noqa: BLE001 - the vendor library's errors vary
            raise SignerError("token_unavailable", str(error)) from None
        try:
            yield hanko_pkcs11.PKCS11Signer(session, key_label=self.key_label, cert_label=self.cert_label)
        finally:
            session.close()


class RemoteServiceSigner(Signer):
    """Remote signing ("ký số từ xa"): the key stays with the CA's service, which signs a digest
    after the signer approves on their phone.

    An extension point: subclass it for a provider, implement `certificate`, and `open()` to yield a pyHanko
    signer whose signing is delegated to the service. For a service speaking the Cloud Signature
    Consortium API, pyHanko's `pyhanko.sign.signers.csc_signer.CSCSigner` is that signer; for a
    proprietary API, subclass `pyhanko.sign.signers.ExternalSigner` (or `Signer`) and implement
    `async_sign_raw(data, digest_algorithm)` to call the service. See docs/signing.md.
    """

    def __new__(cls, *args, **kwargs):
        # The class itself names no provider: only a subclass for one can be constructed.
        if cls is RemoteServiceSigner:
            raise SignerError("not_configured", "no remote signing service is configured on this server")
        return super().__new__(cls)
