"""Page plumbing: template context, security headers, the session cookie."""
import re
from pathlib import Path

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface
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


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per set of secret
    keys. Flask builds it anew for every request and socket event, a bearer-token API call
    included: in a vote storm that was a tenth of an API vote's CPU (docs/performance.md).

    A socket's events all carry the cookie of its connecting request (Flask-SocketIO with
    manage_session=False): it is read and checked once per socket, and each event gets a fresh
    copy of what it held (as before, what an event changes in it is not kept)."""

    _cached = (None, None)

    def open_session(self, app, request):
        environ = request.environ
        if not environ.get("PATH_INFO", "").startswith("/socket.io"):
            return super().open_session(app, request)
        opened = environ.get("ecabinet.session")
        if opened is None:
            opened = environ["ecabinet.session"] = super().open_session(app, request)
        return None if opened is None else self.session_class(opened)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached_keys, serializer = self._cached
        if cached_keys != keys or serializer is None:
            serializer = super().get_signing_serializer(app)
            self._cached = (keys, serializer)
        return serializer


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


def page_path():
    """Where the language switch comes back to: this page; for a page drawn in answer to a form (a refused
    form at the form's own address, which takes no GET), the page the form was on."""
    if request.method in ("GET", "HEAD"):
        return request.full_path
    return _same_site_referrer(allow_this_path=True) or "/"


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
            "page_path": page_path(),
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            if response.mimetype == "text/html":
                # The service worker answers in the language of the last page (static/js/documents/sw.js).
                response.headers.setdefault("Content-Language", str(get_locale()))
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def apply_form(form, change):
    """Run a valid form's domain change and commit it: (its result, None). When the domain refuses
    (a DomainError) nothing of it is kept, its message goes beside the field it names, and the
    answer is (None, the error): the page shows the form again as typed, with the error's status."""
    from ecabinet.core.errors import DomainError
    from ecabinet.extensions import db

    try:
        result = change()
    except DomainError as error:
        db.session.rollback()
        field_error(form, error)
        return None, error
    db.session.commit()
    return result, None


def form_page_status(form, refusal=None):
    """The status of a form page drawn again: the domain's refusal's (apply_form), 422 for a form
    sent that did not validate, 200 when it is first shown."""
    if refusal is not None:
        return refusal.status
    return 422 if form.is_submitted() else 200


def field_error(form, error):
    """Show a domain error next to the form field it names (else at the top of the form), so a
    refused form keeps what was typed and says why where the user looks."""
    field = getattr(form, (error.details or {}).get("field", ""), None)
    (field.errors if field is not None else form.form_errors).append(str(error.message))


# -- error pages -------------------------------------------------------------------------------------

# Ways back from an error page, offered by the domains: functions (view_args, user) -> (label, url) or
# None, e.g. "Back to the session" under /meetings/<meeting_id>/…; the first that answers is offered.
ERROR_WAYS_BACK = []


def error_way_back(function):
    """Register once (create_app may run many times in one process)."""
    if function not in ERROR_WAYS_BACK:
        ERROR_WAYS_BACK.append(function)
    return function


def _page_texts(status, code):
    """(title, what to do) of an error page, in the user's language."""
    from flask_babel import gettext as _

    if code == "csrf_failed":
        return (_("The form has expired."),
                _("The page was open for a long time, or you were logged out in the meantime. Go back, "
                  "reload the page and send it again."))
    texts = {
        400: (_("The request could not be processed."), _("Something in what was sent is not valid. Go back and check it.")),
        403: (_("You are not allowed to open this page."), _("If you think this is a mistake, ask the secretariat.")),
        404: (_("This page does not exist."), _("The address may be mistyped, or what it showed has been removed.")),
        405: (_("This address cannot be opened this way."), _("Use the buttons and links of the pages rather than typing the address.")),
        409: (_("This is not possible in the current state."), _("Reload the page: someone may have changed it in the meantime.")),
        413: (_("The file is too large."), _("Files of up to %(mb)d MB can be sent.", mb=current_app.config["MAX_UPLOAD_MB"])),
        415: (_("This file type is not supported."), _("Go back and choose another file.")),
        422: (_("Some values are not valid."), _("Go back and check what you typed.")),
        429: (_("Too many attempts."), _("Please wait a minute, then try again.")),
        503: (_("The server is busy."), _("Please try again in a moment.")),
    }
    return texts.get(status) or (_("Something went wrong on the server."),
                                 _("The error has been recorded. Try again; if it happens again, tell the administrator."))


def _same_site_referrer(allow_this_path=False):
    """The page the user came from, if it is one of ours (a way back that a browser without history has)."""
    from urllib.parse import urlsplit

    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host or (parts.path == request.path and not allow_this_path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _kept_text():
    """What the user typed in a refused form post (longer texts only; never passwords or the token), shown on
    the error page so that an expired form loses nothing."""
    if request.method != "POST":
        return []
    kept = []
    for name, values in request.form.lists():
        if name == "csrf_token" or any(word in name for word in ("password", "pin", "token", "next")):
            continue
        for value in values:
            value = value.strip()
            if value and not value.isdigit() and (" " in value or len(value) >= 12):
                kept.append(value)
    return kept


def _view_args():
    """The address's parts (meeting_id ...), also when the method was refused (405) and routing stopped
    before naming them."""
    from werkzeug.exceptions import HTTPException

    if request.view_args:
        return request.view_args
    adapter = current_app.create_url_adapter(request)
    for method in ("GET", "POST"):
        try:
            return adapter.match(request.path, method=method)[1]
        except HTTPException:
            continue
    return {}


def _way_back():
    from flask_login import current_user

    for function in ERROR_WAYS_BACK:
        way = function(_view_args(), current_user)
        if way and way[1] != request.path:
            return way
    return None


def render_error_page(status, message=None, code=None):
    """The product's own page for an error under a page route: in the user's language and the product's
    layout, with a way back. If the page itself cannot be drawn (the database is down, say), a plain page
    without the layout's database look-ups."""
    from flask import make_response, render_template

    title, advice = _page_texts(status, code)
    context = dict(status=status, title=title, message=str(message) if message and str(message) != title else None,
                   advice=advice, code=code)
    try:
        context.update(way_back=_way_back(), referrer=_same_site_referrer(),
                       kept=_kept_text() if code == "csrf_failed" else [])
        return make_response(render_template("errors/error.html", **context), status)
    except Exception:  # noqa: BLE001 - the error page must not fail in turn
        current_app.logger.exception("the error page could not be drawn for %s %s", request.method, request.path)
    try:
        from ecabinet.extensions import db

        db.session.rollback()
        page = current_app.jinja_env.get_template("errors/plain.html").render(
            current_locale=str(get_locale()), **context)
        return make_response(page, status)
    except Exception:  # noqa: BLE001
        current_app.logger.exception("the plain error page could not be drawn either")
        return make_response((f"{status} · E-Cabinet", status, {"Content-Type": "text/plain; charset=utf-8"}))
