"""JSON API plumbing shared by every domain: errors, input parsing, CSRF for cookie callers."""
from datetime import datetime

from flask import current_app, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from ecabinet.core.errors import Busy, DomainError, InvalidInput, InvalidValue
from ecabinet.core.timeutil import LOCAL_TZ

API_PREFIX = "/api/"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# Generic HTTP statuses mapped to protocol error codes.
_HTTP_CODES = {
    400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_type",
    422: "invalid_value", 429: "throttled",
}


def is_api_request():
    return request.path.startswith(API_PREFIX)


def error_response(code, message, status, details=None):
    payload = {"code": code, "message": str(message)}
    if details:
        payload["details"] = details
    return jsonify({"error": payload}), status


def _http_message(status):
    """Our own words for a plain HTTP error (never Werkzeug's English description)."""
    from ecabinet.core import errors

    by_status = {
        400: errors.InvalidInput.default_message, 401: errors.NotAuthenticated.default_message,
        403: errors.NotAllowed.default_message, 404: errors.NotFound.default_message,
        405: _("This method is not allowed on this address."), 409: errors.Conflict.default_message,
        413: errors.TooLarge.default_message, 415: errors.UnsupportedType.default_message,
        422: errors.InvalidValue.default_message, 429: errors.Throttled.default_message,
        503: errors.Busy.default_message,
    }
    return by_status.get(status) or _("The request could not be processed.")


# Headers of a Werkzeug error worth keeping in our answer (which methods are allowed, when to retry).
_KEPT_HEADERS = ("Allow", "Retry-After")


def register_api_error_handlers(app):
    """Every error under /api/ is JSON in the protocol's shape; every error under a page route is the
    product's own page (core.web.render_error_page), never the framework's English one."""
    from ecabinet.core.web import render_error_page as render_page

    @app.errorhandler(DomainError)
    def handle_domain_error(error):
        if is_api_request():
            return error_response(error.code, error.message, error.status, error.details)
        return render_error_page(error)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error):
        if is_api_request():
            # Only pages calling with the browser's cookie meet it (bearer calls need no token): their words.
            return error_response("csrf_failed", _("The page has expired. Please reload it and try again."), 400)
        return render_page(400, code="csrf_failed")

    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        if error.code is None or error.code < 400:  # a routing redirect (e.g. the trailing slash)
            return error
        headers = [(name, value) for name, value in error.get_headers() if name in _KEPT_HEADERS]
        if is_api_request():
            code = _HTTP_CODES.get(error.code, "http_error")
            response, status = error_response(code, _http_message(error.code), error.code)
            response.headers.extend(headers)
            return response, status
        if error.code == 401:
            return redirect(url_for("accounts.login", next=request.full_path))
        response = render_page(error.code)
        response.headers.extend(headers)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        if isinstance(error, HTTPException):
            return handle_http_error(error)
        if isinstance(error, sa_exc.TimeoutError):  # the pool had no connection in time: retryable
            current_app.logger.warning("no database connection in time on %s %s", request.method, request.path)
            from ecabinet.extensions import db
            db.session.rollback()
            # Who is signed in may not have been read: answer as nobody rather than wait on the pool
            # again for the language or the device owner (a 503 names no owner: accounts.device).
            g._login_user = current_app.login_manager.anonymous_user()
            return handle_domain_error(Busy())
        current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
        from ecabinet.extensions import db
        db.session.rollback()
        if is_api_request():
            return error_response("internal_error", _("An internal error occurred."), 500)
        return render_page(500, code="internal_error")


def render_error_page(error):
    """The page for a domain error raised under a page route (401 goes to the login page)."""
    from ecabinet.core.errors import NotAuthenticated
    from ecabinet.core.web import render_error_page as render_page

    if isinstance(error, NotAuthenticated):
        return redirect(url_for("accounts.login", next=request.full_path))
    specific = str(error.message) != str(type(error).default_message)  # the class's own words add nothing
    return render_page(error.status, message=error.message if specific else None, code=error.code)


def get_json():
    """The request body as a JSON object, or 400."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput(_("The body must be a JSON object."), code="invalid_json")
    return data


def text_field(data, name, *, required=False, max_length=255, default=None):
    """A trimmed string field; 422 when missing, empty or too long."""
    value = data.get(name, default)
    if value is None:
        if required:
            raise InvalidValue(_("The field %(name)s is required.", name=name), field=name)
        return default
    if not isinstance(value, str):
        raise InvalidValue(_("The field %(name)s must be text.", name=name), field=name)
    value = value.strip()
    if required and not value:
        raise InvalidValue(_("The field %(name)s is required.", name=name), field=name)
    if len(value) > max_length:
        raise InvalidValue(_("The field %(name)s is too long (at most %(n)d characters).",
                             name=name, n=max_length), field=name)
    return value


def int_field(data, name, *, required=False, minimum=None, maximum=None, default=None):
    value = data.get(name, default)
    if value is None:
        if required:
            raise InvalidValue(_("The field %(name)s is required.", name=name), field=name)
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        else:
            raise InvalidValue(_("The field %(name)s must be a whole number.", name=name), field=name)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise InvalidValue(_("The field %(name)s is out of range.", name=name), field=name)
    return value


def bool_field(data, name, default=False):
    value = data.get(name, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "1", "yes", "on", "false", "0", "no", "off"}:
        return value.lower() in {"true", "1", "yes", "on"}
    raise InvalidValue(_("The field %(name)s must be true or false.", name=name), field=name)


def choice_field(data, name, choices, *, required=False, default=None):
    value = data.get(name, default)
    if value is None:
        if required:
            raise InvalidValue(_("The field %(name)s is required.", name=name), field=name)
        return default
    if value not in choices:
        raise InvalidValue(_("The field %(name)s must be one of: %(choices)s.",
                             name=name, choices=", ".join(choices)), field=name)
    return value


def datetime_field(data, name, *, required=False):
    """ISO 8601; a time without a zone is taken as Vietnam time."""
    value = data.get(name)
    if value in (None, ""):
        if required:
            raise InvalidValue(_("The field %(name)s is required.", name=name), field=name)
        return None
    if not isinstance(value, str):
        raise InvalidValue(_("The field %(name)s must be an ISO 8601 date and time.", name=name), field=name)
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidValue(_("The field %(name)s must be an ISO 8601 date and time.", name=name),
                           field=name) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed


def iso(value):
    return value.isoformat() if value else None
