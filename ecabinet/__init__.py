"""E-Cabinet: the paperless meeting room for provincial People's Committees."""
import os
from pathlib import Path

# Must be set before psycopg is imported, or every PostgreSQL query blocks the
# whole eventlet loop (see docs/operations.md).
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

from flask import Flask  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the application; `config` is a dict of settings that override the environment."""
    from ecabinet.config import load_config

    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_path=os.environ.get("ECABINET_INSTANCE_DIR") or str(ROOT / "instance"))
    load_config(app, config)
    register_extensions(app)
    register_domains(app)
    register_web(app)
    return app


def register_extensions(app):
    from ecabinet.accounts.auth import init_login
    from ecabinet.core.i18n import register_template_helpers, select_locale, select_timezone
    from ecabinet.extensions import babel, csrf, db, migrate, socketio

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    init_login(app)
    translation_dirs = [str(p) for p in sorted((ROOT / "ecabinet").glob("*/translations"))]
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=";".join(translation_dirs))
    register_template_helpers(app)
    socketio.init_app(
        app,
        message_queue=app.config.get("MESSAGE_QUEUE"),
        cors_allowed_origins=app.config.get("ALLOWED_ORIGINS") or None,
        logger=False,
        engineio_logger=False,
        manage_session=False,
    )


def register_domains(app):
    """Blueprints, socket namespaces and CLI commands of every domain."""
    from ecabinet import models  # noqa: F401  (every model registered before anything queries)
    from ecabinet.accounts import api as accounts_api, views as accounts_views
    from ecabinet.meetings import api as meetings_api, views as meetings_views

    from ecabinet.extensions import csrf

    for blueprint in (accounts_views.bp, accounts_api.bp, meetings_views.bp, meetings_api.bp):
        if (blueprint.url_prefix or "").startswith("/api/"):
            csrf.exempt(blueprint)  # protect_cookie_api_calls checks these
        app.register_blueprint(blueprint)
    from ecabinet.cli import register_cli

    register_cli(app)


def register_web(app):
    from flask import request

    from ecabinet.core.api import register_api_error_handlers, is_api_request, SAFE_METHODS
    from ecabinet.core.web import register_page_helpers
    from ecabinet.extensions import csrf

    register_api_error_handlers(app)
    register_page_helpers(app)

    @app.before_request
    def protect_cookie_api_calls():
        """API calls that ride on the browser cookie need the CSRF header; bearer calls do not."""
        from ecabinet.accounts.auth import bearer_token

        if is_api_request() and request.method not in SAFE_METHODS and not bearer_token():
            if request.endpoint not in {"accounts_api.create_session"}:
                csrf.protect()
