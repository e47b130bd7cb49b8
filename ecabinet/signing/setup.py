"""Wires the signing domain into the app: settings, blueprints and the `ecabinet ca` commands."""
import os


def _env(name, default=None):
    value = os.environ.get(f"ECABINET_{name}")
    return value if value not in (None, "") else default


def init_app(app):
    from ecabinet.signing import api, cli, views

    config = app.config
    # Public address of this server: the CRL distribution point written into issued certificates.
    config.setdefault("PUBLIC_URL", _env("PUBLIC_URL", "http://127.0.0.1:5000"))
    config.setdefault("SIGNING_CRL_URL", _env("SIGNING_CRL_URL"))
    config.setdefault("SIGNING_CRL_DAYS", int(_env("SIGNING_CRL_DAYS", 7)))
    # RFC 3161 time-stamping service; when set, every signature carries a timestamp.
    config.setdefault("TSA_URL", _env("TSA_URL"))
    config.setdefault("TSA_TIMEOUT", int(_env("TSA_TIMEOUT", 10)))
    # Fetch CRLs/OCSP of external CAs at signing to embed them (PAdES B-LT); the internal CA's is local.
    config.setdefault("SIGNING_FETCH_REVINFO", _env("SIGNING_FETCH_REVINFO", "1") not in ("0", "false", "no"))
    # The root CA's key file may be encrypted with this passphrase (recommended in production).
    config.setdefault("SIGNING_CA_PASSPHRASE", _env("CA_PASSPHRASE"))
    config.setdefault("SIGNING_CERTIFICATE_DAYS", int(_env("SIGNING_CERTIFICATE_DAYS", 730)))
    config.setdefault("SIGNING_PIN_MIN_LENGTH", int(_env("SIGNING_PIN_MIN_LENGTH", 6)))
    # Wrong PINs in a row before the key is locked, and for how long.
    config.setdefault("SIGNING_PIN_MAX_FAILURES", int(_env("SIGNING_PIN_MAX_FAILURES", 5)))
    config.setdefault("SIGNING_PIN_LOCK_MINUTES", int(_env("SIGNING_PIN_LOCK_MINUTES", 15)))
    # PBKDF2 rounds protecting each user's PKCS#12 under the PIN; tests use few (they issue many).
    config.setdefault("SIGNING_PKCS12_KDF_ROUNDS", int(_env(
        "SIGNING_PKCS12_KDF_ROUNDS", 2000 if config.get("TESTING") else 600_000)))
    config.setdefault("SIGNING_STAMP_FONT", _env("SIGNING_STAMP_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    app.cli.add_command(cli.ca_group)
    return [views.bp, api.bp]
