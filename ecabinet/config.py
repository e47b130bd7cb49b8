"""Settings, read from ECABINET_* environment variables.

Every rule that a province may set differently (quorum, vote thresholds,
throttling) is a setting here with the legal default, never a constant in code.
"""
import os
import secrets
from pathlib import Path


def _env(name, default=None):
    return os.environ.get(f"ECABINET_{name}", default)


def _env_bool(name, default=False):
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name, default):
    value = _env(name)
    return int(value) if value not in (None, "") else default


def _env_float(name, default):
    value = _env(name)
    return float(value) if value not in (None, "") else default


class Config:
    """Development defaults: SQLite in the instance folder, a per-machine secret."""

    ENV_NAME = "development"
    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {}
    # Client/server databases (PostgreSQL): the pool of the one eventlet process serves every
    # socket, so it is larger than SQLAlchemy's 5 + 10, and has no overflow: overflow connections
    # are opened in a burst and closed as soon as the pool is full again, so a room voting at once
    # opened a new PostgreSQL connection (a new server process) every few votes (139 connections
    # for a 1 000-vote storm with 20 + 10, 32 with 30 + 0); beyond 30 statements at once, events
    # wait for a connection (ECABINET_DB_POOL_TIMEOUT, then `busy`). pool_pre_ping costs one more
    # round trip on every checkout (every socket event); without it, the first use of a connection
    # after a database restart fails once and the pool is then renewed. ECABINET_DB_PRE_PING=1 pings.
    DB_POOL_SIZE = _env_int("DB_POOL_SIZE", 30)
    DB_MAX_OVERFLOW = _env_int("DB_MAX_OVERFLOW", 0)
    DB_POOL_TIMEOUT = _env_int("DB_POOL_TIMEOUT", 30)
    DB_PRE_PING = _env_bool("DB_PRE_PING", False)
    STORAGE_DIR = _env("STORAGE_DIR")
    MESSAGE_QUEUE = _env("MESSAGE_QUEUE")
    # Several installations (or test runs) on one Redis keep apart by channel.
    MESSAGE_QUEUE_CHANNEL = _env("MESSAGE_QUEUE_CHANNEL") or "flask-socketio"
    ALLOWED_ORIGINS = [o.strip() for o in (_env("ALLOWED_ORIGINS") or "").split(",") if o.strip()]
    PROTECTED_NETWORK = _env_bool("PROTECTED_NETWORK")
    # How many reverse proxies (nginx) sit in front and set X-Forwarded-* headers; 0 trusts none.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES")
    REMEMBER_COOKIE_SECURE = _env_bool("SECURE_COOKIES")
    WTF_CSRF_TIME_LIMIT = None  # a tablet page may stay open for a whole session

    # Failed logins: after LOGIN_MAX_FAILURES within LOGIN_FAILURE_WINDOW seconds
    # (per username and per address), further attempts get 429 until the window passes.
    LOGIN_MAX_FAILURES = _env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_FAILURE_WINDOW = _env_int("LOGIN_FAILURE_WINDOW", 15 * 60)
    API_TOKEN_LIFETIME_HOURS = _env_int("API_TOKEN_LIFETIME_HOURS", 7 * 24)
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default: slow on purpose

    # Law on Organisation of Local Government: quorum two thirds of all members.
    QUORUM_NUMERATOR = _env_int("QUORUM_NUMERATOR", 2)
    QUORUM_DENOMINATOR = _env_int("QUORUM_DENOMINATOR", 3)
    # Whether a member represented by a present stand-in counts toward quorum. Off by default: the
    # law counts members present; some provinces' working rules (quy chế làm việc) count stand-ins.
    QUORUM_COUNTS_STAND_INS = _env_bool("QUORUM_COUNTS_STAND_INS", False)

    # Live session: a present member's tablet gone this long is shown as connection-lost; at most one
    # `presence` broadcast per session per LIVE_PRESENCE_INTERVAL seconds per process.
    LIVE_GRACE_SECONDS = _env_float("LIVE_GRACE_SECONDS", 15.0)
    LIVE_PRESENCE_INTERVAL = _env_float("LIVE_PRESENCE_INTERVAL", 0.3)

    # Documents
    MAX_UPLOAD_MB = _env_int("MAX_UPLOAD_MB", 100)
    MAX_DOCUMENT_PAGES = _env_int("MAX_DOCUMENT_PAGES", 2000)

    # Written polls: the deadline falls at this local time of its last working day; the reminder goes
    # out this many hours before it; each server process looks for due polls every POLL_TICK_SECONDS
    # (0: never; then run `ecabinet polls tick` from cron).
    POLL_DAY_ENDS_AT = _env("POLL_DAY_ENDS_AT", "17:00")
    POLL_REMIND_BEFORE_HOURS = _env_int("POLL_REMIND_BEFORE_HOURS", 24)
    POLL_TICK_SECONDS = _env_float("POLL_TICK_SECONDS", 30.0)

    # Outgoing e-mail (poll reminders); no SMTP_HOST, no e-mail.
    SMTP_HOST = _env("SMTP_HOST")
    SMTP_PORT = _env_int("SMTP_PORT", 25)
    SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", False)
    SMTP_USERNAME = _env("SMTP_USERNAME")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_TIMEOUT = _env_float("SMTP_TIMEOUT", 10.0)
    MAIL_FROM = _env("MAIL_FROM", "e-cabinet@localhost")
    MAIL_FROM_NAME = _env("MAIL_FROM_NAME", "E-Cabinet")

    # Live ballots: at most one `ballot` progress event per session per interval per process, and how
    # often each process looks for ballots past their time limit (seconds).
    BALLOT_PROGRESS_INTERVAL = _env_float("BALLOT_PROGRESS_INTERVAL", 0.25)
    # Coalesced events (ballot progress, presence) wait longer in a large room: a session's tablets on
    # one process hear at most this many such messages a second (core.realtime._Coalescer.pause).
    COALESCED_MESSAGES_PER_SECOND = _env_int("COALESCED_MESSAGES_PER_SECOND", 1000)
    BALLOT_TICK_SECONDS = _env_float("BALLOT_TICK_SECONDS", 1.0)
    # PostgreSQL: first votes (and bearer-token reads) that arrive while a batch of them is in flight
    # go to the database together, up to this many in one statement (core.batching); 0: each alone.
    DB_BATCH_SIZE = _env_int("DB_BATCH_SIZE", 200)

    # Digital signing (signing domain). Public address of this server: the CRL distribution point
    # written into issued certificates.
    PUBLIC_URL = _env("PUBLIC_URL") or "http://127.0.0.1:5000"
    SIGNING_CRL_URL = _env("SIGNING_CRL_URL") or None
    SIGNING_CRL_DAYS = _env_int("SIGNING_CRL_DAYS", 7)
    # RFC 3161 time-stamping service; when set, every signature carries a timestamp.
    TSA_URL = _env("TSA_URL") or None
    TSA_TIMEOUT = _env_int("TSA_TIMEOUT", 10)
    # Fetch CRLs/OCSP of external CAs at signing to embed them (PAdES B-LT); the internal CA's is local.
    SIGNING_FETCH_REVINFO = _env_bool("SIGNING_FETCH_REVINFO", True)
    # The root CA's key file may be encrypted with this passphrase (recommended in production).
    SIGNING_CA_PASSPHRASE = _env("CA_PASSPHRASE") or None
    SIGNING_CERTIFICATE_DAYS = _env_int("SIGNING_CERTIFICATE_DAYS", 730)
    SIGNING_PIN_MIN_LENGTH = _env_int("SIGNING_PIN_MIN_LENGTH", 6)
    # Wrong PINs in a row before the key is locked, and for how long.
    SIGNING_PIN_MAX_FAILURES = _env_int("SIGNING_PIN_MAX_FAILURES", 5)
    SIGNING_PIN_LOCK_MINUTES = _env_int("SIGNING_PIN_LOCK_MINUTES", 15)
    # PBKDF2 rounds protecting each user's PKCS#12 under the PIN.
    SIGNING_PKCS12_KDF_ROUNDS = _env_int("SIGNING_PKCS12_KDF_ROUNDS", 600_000)
    SIGNING_STAMP_FONT = _env("SIGNING_STAMP_FONT") or "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    # A signed PDF uploaded to the verifier is checked in a child process with these limits
    # (core.sandbox): a file that needs more is reported as too complex to check.
    SIGNING_VERIFY_TIMEOUT = _env_int("SIGNING_VERIFY_TIMEOUT", 60)
    SIGNING_VERIFY_MEMORY_MB = _env_int("SIGNING_VERIFY_MEMORY_MB", 1024)

    TESTING = False
    PRODUCTION = False


class ProductionConfig(Config):
    """Refuses to start without an explicit secret key."""

    ENV_NAME = "production"
    PRODUCTION = True
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    REMEMBER_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    WTF_CSRF_ENABLED = True
    # A fast hash: the access sweeps create hundreds of users. Never used outside tests.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # Few rounds for the signing keys too: the signing tests issue many.
    SIGNING_PKCS12_KDF_ROUNDS = _env_int("SIGNING_PKCS12_KDF_ROUNDS", 2000)


CONFIGS = {"development": Config, "production": ProductionConfig, "testing": TestingConfig}


def load_config(app, overrides=None):
    """Fill app.config from the ECABINET_ENV class, then apply overrides (a dict)."""
    overrides = dict(overrides or {})
    name = overrides.pop("ENV_NAME", None) or _env("ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"ECABINET_ENV must be one of {sorted(CONFIGS)}, not {name!r}")
    app.config.from_object(CONFIGS[name])
    app.config.update(overrides)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'ecabinet.db'}"
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not url.startswith("sqlite"):
        options.setdefault("pool_size", app.config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", app.config["DB_MAX_OVERFLOW"])
        options.setdefault("pool_timeout", app.config["DB_POOL_TIMEOUT"])
        options.setdefault("pool_pre_ping", app.config["DB_PRE_PING"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("STORAGE_DIR"):
        app.config["STORAGE_DIR"] = str(instance / "storage")
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024 * 10

    if not app.config.get("SECRET_KEY"):
        if app.config["PRODUCTION"]:
            raise RuntimeError(
                "ECABINET_SECRET_KEY is not set: production refuses to start without it "
                "(generate one with: python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        app.config["SECRET_KEY"] = _development_secret(instance)


def _development_secret(instance):
    """A random key kept in the instance folder, so development logins survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
