"""Flask-Login wiring: cookie sessions, bearer tokens, and the access decorators."""
from functools import wraps

from flask import g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts.device import settle_owner
from ecabinet.accounts.models import User
from ecabinet.accounts.operations import find_token
from ecabinet.core.api import is_api_request
from ecabinet.core.errors import NotAllowed, NotAuthenticated
from ecabinet.extensions import db, login_manager


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    return raw.strip() if scheme.lower() == "bearer" else None


def current_token():
    """The API token this request presented, if it is live and belongs to the current user.

    A client may hold both a browser cookie and a bearer token: Flask-Login then
    loads the user from the cookie and never looks at the token, so find it here.
    """
    from flask_login import current_user

    token = g.get("api_token") or find_token(bearer_token())
    if token is None or not current_user.is_authenticated or token.user_id != current_user.id:
        return None
    return token


def init_login(app):
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "accounts.login"

    @login_manager.user_loader
    def load_user(session_id):
        user_id, _sep, nonce = (session_id or "").partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_nonce != nonce:
            return None
        settle_owner(user)
        return user

    @login_manager.request_loader
    def load_user_from_token(req):
        token = find_token(bearer_token())
        if token is None:
            return None
        g.api_token = token
        settle_owner(token.user)
        return token.user

    @login_manager.unauthorized_handler
    def unauthorized():
        if is_api_request():
            raise NotAuthenticated()
        return redirect(url_for("accounts.login", next=request.full_path))


def login_required(view):
    """Like flask_login's, but the API answers with the protocol's JSON 401."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapper


def require(check, *args):
    """Raise 403 unless check(current_user, *args) holds."""
    if not check(current_user, *args):
        raise NotAllowed(_("You are not allowed to do this."))


def permission_required(check):
    """Decorator for views guarded by a rule that takes only the user."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            require(check)
            return view(*args, **kwargs)

        return wrapper

    return decorator
