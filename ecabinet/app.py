"""The application factory and its register_* steps."""
import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def build_app(config=None):
    """The application factory behind ecabinet.create_app."""
    from ecabinet.config import load_config
    from ecabinet.core.web import CookieSessions

    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_path=os.environ.get("ECABINET_INSTANCE_DIR") or str(ROOT / "instance"))
    load_config(app, config)
    app.session_interface = CookieSessions()
    register_extensions(app)
    register_domains(app)
    register_web(app)
    return app


def register_extensions(app):
    from ecabinet.accounts.auth import init_login
    from ecabinet.core.i18n import register_template_helpers, select_locale, select_timezone
    from ecabinet.extensions import babel, csrf, db, migrate, socketio

    db.init_app(app)
    _tune_sqlite()
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    init_login(app)
    translation_dirs = [str(p) for p in sorted((ROOT / "ecabinet").glob("*/translations"))]
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=";".join(translation_dirs))
    register_template_helpers(app)
    from ecabinet.server import async_mode

    socketio.init_app(
        app,
        async_mode=app.config.get("ASYNC_MODE") or async_mode(),
        message_queue=app.config.get("MESSAGE_QUEUE"),
        channel=app.config["MESSAGE_QUEUE_CHANNEL"],
        cors_allowed_origins=app.config.get("ALLOWED_ORIGINS") or None,
        logger=False,
        engineio_logger=False,
        manage_session=False,
    )


def _set_sqlite_pragmas(dbapi_connection, _record):
    """Embedded SQLite: WAL journal with synchronous=NORMAL.

    With the default rollback journal every commit fsyncs (several ms) and readers block the
    writer; the eventlet server runs every socket on one loop, so each page turn's commit froze the
    whole room. In WAL mode readers and the writer do not block each other, and synchronous=NORMAL
    syncs only at checkpoints: a commit survives a crash of the process; a power loss can drop the
    last commits but never corrupts the database (SQLite's documented trade-off, and the usual
    production setting for WAL). WAL is a property of the file, so every process sharing it uses it.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # ':memory:' databases answer "memory": harmless
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _tune_sqlite():
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def on_connect(dbapi_connection, record):
        if isinstance(dbapi_connection, sqlite3.Connection):
            _set_sqlite_pragmas(dbapi_connection, record)

    if not getattr(_tune_sqlite, "done", False):
        event.listen(Engine, "connect", on_connect)
        _tune_sqlite.done = True


# Domain packages, in registration order. A domain takes part by having any of:
# models.py (imported before anything queries), events.py (its socket events and join snapshot
# sections, declared through ecabinet.core.realtime), and setup.py with init_app(app) registering its
# blueprints, hooks and CLI commands.
DOMAINS = ("accounts", "audit", "bodies", "meetings", "documents", "live", "voting", "polls", "minutes", "signing", "notices", "archive")


def _domain_module(domain, name):
    import importlib
    import importlib.util

    qualified = f"ecabinet.{domain}.{name}"
    if importlib.util.find_spec(f"ecabinet.{domain}") is None or importlib.util.find_spec(qualified) is None:
        return None
    return importlib.import_module(qualified)


def import_models():
    """Every domain's models, so the metadata is complete for Alembic and queries."""
    for domain in DOMAINS:
        _domain_module(domain, "models")


def import_events():
    """Every domain's socket events and join snapshot sections (core.realtime's registries)."""
    for domain in DOMAINS:
        _domain_module(domain, "events")


def register_domains(app):
    """Blueprints, socket events and CLI commands of every domain."""
    from ecabinet.core import realtime
    from ecabinet.core.cli import register_cli
    from ecabinet.extensions import csrf

    import_models()
    import_events()
    realtime.init_app(app)
    for domain in DOMAINS:
        setup = _domain_module(domain, "setup")
        if setup is None:
            continue
        for blueprint in setup.init_app(app) or ():
            if (blueprint.url_prefix or "").startswith("/api/"):
                csrf.exempt(blueprint)  # protect_cookie_api_calls checks these
            app.register_blueprint(blueprint)
    register_cli(app)


def register_web(app):
    from flask import request

    from ecabinet.core.api import register_api_error_handlers, is_api_request, SAFE_METHODS
    from ecabinet.core.web import register_page_helpers
    from ecabinet.extensions import csrf

    register_api_error_handlers(app)
    register_page_helpers(app)
    if app.config["PROXY_COUNT"]:
        # Behind nginx: take the client's address and scheme from the proxy's headers, or login
        # throttling would count every tablet as one address.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.before_request
    def protect_cookie_api_calls():
        """API calls that ride on the browser cookie need the CSRF header; bearer calls do not.

        A call with neither a bearer token nor a logged-in cookie is left to the
        view, which answers 401 (not logged in) rather than a CSRF error.
        """
        from flask_login import current_user

        from ecabinet.accounts.auth import bearer_token

        if (is_api_request() and request.method not in SAFE_METHODS and not bearer_token()
                and current_user.is_authenticated):
            if request.endpoint not in {"accounts_api.create_session"}:
                csrf.protect()
