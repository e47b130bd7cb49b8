"""Page plumbing: template context, security headers."""
from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

from ecabinet.core.timeutil import to_local


def register_page_helpers(app):
    @app.context_processor
    def page_context():
        from ecabinet.accounts.access import can_manage_users

        return {
            "current_locale": str(get_locale()),
            "languages": current_app.config["LANGUAGES"],
            "is_admin_user": can_manage_users(current_user),
            "to_local": to_local,
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
            response.headers.setdefault("Cache-Control", "no-store")
        return response
