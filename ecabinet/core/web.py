"""Page plumbing: template context, security headers."""
import re
from pathlib import Path

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

from ecabinet.core.timeutil import to_local

# No inline script, no inline event handler, no eval: every script is a file under /static/
# (PDF.js runs with isEvalSupported off, see static/js/pdfview.js). Styles come from the style
# sheets; scripts may still set element.style (the CSSOM is not covered by style-src).
# connect-src names ws:/wss: of this host too: not every browser lets 'self' cover WebSocket.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self' {sockets}; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'; manifest-src 'self'"
)


def design_token(name):
    """A design token's value from the token block of static/css/ecabinet.css (the one home of the
    colours), for what a style sheet cannot reach: the browser's theme-color meta. Read once."""
    tokens = current_app.extensions.get("ecabinet.design_tokens")
    if tokens is None:
        css = Path(current_app.static_folder, "css", "ecabinet.css").read_text(encoding="utf-8")
        block = css[css.index(":root {"):css.index("\n}\n", css.index(":root {"))]
        tokens = dict(re.findall(r"(--[\w-]+):\s*([^;]+);", block))
        current_app.extensions["ecabinet.design_tokens"] = tokens
    return tokens[name].strip()


def content_security_policy():
    """The page's policy, with this host's WebSocket origins (Socket.IO) in connect-src."""
    host = request.host
    return CONTENT_SECURITY_POLICY.format(sockets=f"ws://{host} wss://{host}")


def register_page_helpers(app):
    @app.context_processor
    def page_context():
        from ecabinet.accounts.access import can_manage_users

        return {
            "current_locale": str(get_locale()),
            "languages": current_app.config["LANGUAGES"],
            "is_admin_user": can_manage_users(current_user),
            "to_local": to_local,
            # The browser's bar in the colour of the site's own (the token, not a copy of its value).
            "theme_color": design_token("--c-primary-strong"),
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def field_error(form, error):
    """Show a domain error next to the form field it names (else at the top of the form), so a
    refused form keeps what was typed and says why where the user looks."""
    field = getattr(form, (error.details or {}).get("field", ""), None)
    (field.errors if field is not None else form.form_errors).append(str(error.message))
