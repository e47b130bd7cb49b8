"""Who is signed in on this device, told to the browser so its offline copies stay with their reader.

Tablets are shared. The service worker keeps offline copies per *device owner*: a key derived from
the user and their session nonce, so it changes with the person and with every revocation
(password change, deactivation). Every page and API response names the current owner (a header,
a meta tag and a cookie the service worker can read without the network); a signed-out response
names nobody, and the device then deletes every copy it holds.
"""
import hashlib
import hmac

from flask import current_app, g, has_request_context, request
from flask_login import current_user

from ecabinet.core.signals import user_sessions_revoked

OWNER_HEADER = "X-Ecabinet-Owner"
OWNER_COOKIE = "ecabinet_device_owner"
SIGNED_OUT = "-"


def device_owner(user):
    """The opaque key under which this user's offline copies are kept on a device, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(secret, f"offline:{user.id}:{user.session_nonce}".encode(), hashlib.sha256)
    return f"u{user.id}-{digest.hexdigest()[:24]}"


def settle_owner(user):
    """Called by the sign-in loaders: the owner of the user just loaded, kept for this request. A
    response after a commit then names it without reading the user's row again (the commit expires
    it), unless this request revoked someone's sessions (a new nonce) or signed the user out."""
    g.device_owner = (user, device_owner(user))


def _revoked(_user, **_kwargs):
    if has_request_context():
        g.device_owner_revoked = True


def current_device_owner():
    if not current_user:
        return None
    user = current_user._get_current_object()
    settled = g.get("device_owner")
    if settled is not None and settled[0] is user and not g.get("device_owner_revoked"):
        return settled[1]
    return device_owner(user)


def announce_owner(response):
    """Name the signed-in user (or nobody) on every page and API response; static files are shared."""
    if request.path.startswith("/static/") or request.path.startswith("/socket.io"):
        return response
    if response.status_code == 503:
        # Busy: the server got no database connection in time, so who is signed in is unknown. The
        # answer names nobody either way (a "signed out" would make the device drop its copies).
        return response
    owner = current_device_owner()
    response.headers[OWNER_HEADER] = owner or SIGNED_OUT
    # Lives exactly as long as the session cookie (no expiry, same path and flags), so a device whose
    # session cookie is gone has no owner even while offline. Readable by the service worker.
    if owner:
        if request.cookies.get(OWNER_COOKIE) != owner:
            response.set_cookie(OWNER_COOKIE, owner, path="/", httponly=False,
                                secure=current_app.config.get("SESSION_COOKIE_SECURE", False), samesite="Lax")
    elif OWNER_COOKIE in request.cookies:
        response.delete_cookie(OWNER_COOKIE, path="/")
    return response


def forget_device(response):
    """At logout and on the login page: the browser drops its HTTP cache of this site as well.

    The offline copies are the service worker's to delete (it does so before a logout leaves the
    device, and whenever a response names nobody); this clears what the browser kept on its own,
    e.g. document versions a tablet cached before copies were kept per user.
    """
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


def init_device(app):
    app.after_request(announce_owner)
    user_sessions_revoked.connect(_revoked, weak=False)

    @app.context_processor
    def owner_context():
        return {"device_owner": current_device_owner()}
