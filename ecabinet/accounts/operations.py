"""State changes on users, units and tokens. They flush and audit; the adapter commits."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, any_, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from ecabinet.accounts.models import ApiToken, LoginFailure, Unit, User, new_session_nonce
from ecabinet.audit.operations import record
from ecabinet.bodies import operations as bodies
from ecabinet.bodies.models import RosterRole
from ecabinet.core.batching import Batcher, WaitedTooLong
from ecabinet.core.db import (
    as_loaded, can_commit_alone, column_labels, insert_unless_exists, rows_read_alone, unique_or, utcnow,
)
from ecabinet.core.errors import Conflict, InvalidValue, NotAuthenticated, Throttled
from ecabinet.core.signals import user_sessions_revoked
from ecabinet.extensions import db

MIN_PASSWORD_LENGTH = 8
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


def normalize_username(username):
    return (username or "").strip().lower()


def _check_password_strength(password):
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
                           field="password")


def _hash_password(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user(username):
    return db.session.execute(
        select(User).where(User.username == normalize_username(username))
    ).scalar_one_or_none()


def get_or_create_unit(name):
    """The unit with this name, created when new (used by imports and the API)."""
    name = name.strip()
    unit = db.session.execute(select(Unit).where(Unit.name == name)).scalar()
    if unit is None:  # eight integrators naming the same new unit at once all get that one unit
        insert_unless_exists(db.session, Unit, name=name, is_active=True, created_at=utcnow())
        unit = db.session.execute(select(Unit).where(Unit.name == name)).scalar_one()
    return unit


def create_unit(name, short_name=None, *, actor=None):
    name = (name or "").strip()
    if not name:
        raise InvalidValue(_("The unit needs a name."), field="name")
    def taken():
        return Conflict(_("A unit with this name already exists."), code="unit_exists", field="name")

    if db.session.execute(select(Unit).where(Unit.name == name)).scalar():
        raise taken()
    unit = Unit(name=name, short_name=(short_name or "").strip() or None)
    with unique_or(db.session, taken):
        db.session.add(unit)
    record("unit.created", actor=actor, obj=unit, name=name)
    return unit


def update_unit(unit, *, name, short_name=None, is_active=True, actor=None):
    name = (name or "").strip()
    if not name:
        raise InvalidValue(_("The unit needs a name."), field="name")
    clash = db.session.execute(
        select(Unit).where(Unit.name == name, Unit.id != unit.id)
    ).scalar()
    if clash:
        raise Conflict(_("A unit with this name already exists."), code="unit_exists", field="name")
    unit.name, unit.short_name, unit.is_active = name, (short_name or "").strip() or None, is_active
    db.session.flush()
    record("unit.updated", actor=actor, obj=unit, name=name, is_active=is_active)
    return unit


def create_user(username, full_name, password, *, title=None, unit=None, email=None, phone=None,
                is_admin=False, is_secretariat=False, actor=None):
    """A new active user; 409 when the username is taken."""
    username = normalize_username(username)
    if not username or len(username) > 64 or not set(username) <= USERNAME_CHARS:
        raise InvalidValue(_("The username may use only letters a–z, digits, dot, dash and underscore."),
                           field="username")
    full_name = (full_name or "").strip()
    if not full_name:
        raise InvalidValue(_("The full name is required."), field="full_name")
    _check_password_strength(password)
    def taken():
        return Conflict(_("This username is already taken."), code="username_taken")

    if find_user(username):
        raise taken()
    user = User(
        username=username, full_name=full_name, title=(title or "").strip() or None,
        email=(email or "").strip() or None, phone=(phone or "").strip() or None,
        password_hash=_hash_password(password), is_admin=is_admin, active=True,
    )
    with unique_or(db.session, taken):
        db.session.add(user)
        # Linked once in the session: linked before, the savepoint's opening flush would meet the
        # unit's new, unsaved user (SQLAlchemy's "not in session" warning on every create-user).
        user.unit = unit
    if is_secretariat:
        _set_secretariat(user, True, actor)
    record("user.created", actor=actor, obj=user, username=username,
           is_admin=is_admin, is_secretariat=is_secretariat)
    return user


def update_user(user, *, full_name, title=None, unit=None, email=None, phone=None,
                is_admin=None, is_secretariat=None, actor=None):
    full_name = (full_name or "").strip()
    if not full_name:
        raise InvalidValue(_("The full name is required."), field="full_name")
    user.full_name = full_name
    user.title = (title or "").strip() or None
    user.unit = unit
    user.email = (email or "").strip() or None
    user.phone = (phone or "").strip() or None
    if is_admin is not None:
        user.is_admin = is_admin
    if is_secretariat is not None and is_secretariat != is_default_body_secretariat(user):
        _set_secretariat(user, is_secretariat, actor)
    db.session.flush()
    record("user.updated", actor=actor, obj=user, is_admin=user.is_admin,
           is_secretariat=user.is_secretariat)
    return user


def is_default_body_secretariat(user):
    return bodies.default_body().id in user.secretariat_body_ids


def _set_secretariat(user, on, actor):
    """The "secretariat" flag of the user forms and POST /api/v1/users: the secretariat of the
    deployment's first body. Other bodies' secretariats are set on their rosters."""
    body = bodies.default_body()
    if on:
        bodies.set_roster_place(body, user, role=RosterRole.SECRETARIAT, actor=actor)
    else:
        bodies.remove_roster_place(body, user, actor=actor)
    db.session.expire(user, ["roster"])


def set_user_active(user, active, *, actor=None):
    """Deactivating ends every session, token and live connection of the user at once."""
    if actor is not None and actor.id == user.id and not active:
        raise InvalidValue(_("You cannot deactivate your own account."), code="cannot_deactivate_self")
    user.active = active
    if not active:
        _revoke_everything(user)
    db.session.flush()
    record("user.activated" if active else "user.deactivated", actor=actor, obj=user)
    return user


def change_password(user, current_password, new_password, *, actor=None):
    """Checks the current password; other sessions and tokens of the user end."""
    if not check_password_hash(user.password_hash, current_password or ""):
        raise InvalidValue(_("The current password is wrong."), code="wrong_password", field="current_password")
    set_password(user, new_password, actor=actor or user)


def set_password(user, new_password, *, actor=None):
    _check_password_strength(new_password)
    user.password_hash = _hash_password(new_password)
    _revoke_everything(user)
    db.session.flush()
    record("user.password_changed", actor=actor, obj=user)


def _revoke_everything(user):
    user.session_nonce = new_session_nonce()
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    user_sessions_revoked.send(user)


# -- login -----------------------------------------------------------------


def _recent_failures(column, value):
    window_start = utcnow() - timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW"])
    return db.session.execute(
        select(func.count()).select_from(LoginFailure)
        .where(column == value, LoginFailure.created_at >= window_start)
    ).scalar_one()


def authenticate(username, password, address):
    """The user for these credentials; raises Throttled (429) or NotAuthenticated (401)."""
    username = normalize_username(username)
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    if (_recent_failures(LoginFailure.username, username) >= limit
            or _recent_failures(LoginFailure.address, address or "") >= limit * 4):
        record("login.throttled", username=username)
        raise Throttled(_("Too many failed logins. Please wait %(minutes)d minutes and try again.",
                          minutes=max(1, current_app.config["LOGIN_FAILURE_WINDOW"] // 60)))
    user = find_user(username)
    if user is None or not check_password_hash(user.password_hash, password or "") or not user.active:
        db.session.add(LoginFailure(username=username[:64], address=(address or "")[:64]))
        record("login.failed", username=username)
        raise NotAuthenticated(_("Wrong username or password."), code="invalid_credentials")
    _forget_failures(username)
    user.last_login_at = utcnow()
    record("login.succeeded", actor=user, obj=user)
    return user


def _forget_failures(username):
    window_start = utcnow() - timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW"])
    db.session.execute(delete(LoginFailure).where(
        or_(LoginFailure.username == username, LoginFailure.created_at < window_start)))


def logout(user, token=None):
    if token is not None:
        token.revoked_at = utcnow()
    record("logout", actor=user, obj=user)
    user_sessions_revoked.send(user)


# -- API tokens -------------------------------------------------------------


def _hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user, user_agent=None):
    """A new bearer token; returns (token row, the raw token shown once)."""
    raw = secrets.token_urlsafe(32)
    hours = current_app.config["API_TOKEN_LIFETIME_HOURS"]
    token = ApiToken(user=user, token_hash=_hash_token(raw), expires_at=utcnow() + timedelta(hours=hours),
                     user_agent=(user_agent or "")[:255] or None)
    db.session.add(token)
    db.session.flush()
    return token, raw


_NO_TOKEN = object()
_TOKENS_READ = {}


def _read_tokens(hashes):
    """core.batching's run for bearer tokens presented together: one read (PostgreSQL, outside a
    transaction) of the tokens and their users; per hash its row or None."""
    if "statement" not in _TOKENS_READ:
        _TOKENS_READ["statement"] = (
            select(*column_labels(ApiToken, "t_"), *column_labels(User, "u_"))
            .join_from(ApiToken, User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == any_(bindparam("token_hashes", type_=postgresql.ARRAY(String)))))
    rows = rows_read_alone(db.session, _TOKENS_READ["statement"], {"token_hashes": list(hashes)})
    found = {row.t_token_hash: row for row in rows}
    return [found.get(token_hash) for token_hash in hashes]


_TOKEN_READS = Batcher(_read_tokens, max_size=1)


def _token_read_together(token_hash):
    """The token (with its user) read in a batch with the tokens presented at the same moment,
    attached to this request's session as if read here; _NO_TOKEN when there is no such token;
    None when not batched (SQLite, a transaction under way, DB_BATCH_SIZE 0, the session already
    holding the user): the caller reads it alone."""
    size = current_app.config["DB_BATCH_SIZE"]
    session = db.session()
    if size < 2 or not can_commit_alone(session):
        return None
    _TOKEN_READS.max_size = size
    try:
        row = _TOKEN_READS.submit(token_hash, timeout=current_app.config["DB_POOL_TIMEOUT"])
    except WaitedTooLong:
        raise PoolTimeout("the batch of token reads in flight did not finish in time") from None
    if row is None:
        return _NO_TOKEN
    token, user = as_loaded(session, ApiToken, row, "t_"), as_loaded(session, User, row, "u_")
    if token is None or user is None:
        return None
    set_committed_value(token, "user", user)
    session.add(token)
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()  # as after rows_read_alone: nothing to send, the next statement begins anew
    finally:
        session.expire_on_commit = expire
    return token


# Built once: composing the statement cost as much as running it. The user is loaded into
# token.user itself (contains_eager): the session's identity map holds objects weakly, so a user
# loaded beside the token and then dropped was loaded again by the first `token.user`.
_TOKEN_AND_USER = (select(ApiToken).join(User, User.id == ApiToken.user_id).options(contains_eager(ApiToken.user))
                   .where(ApiToken.token_hash == bindparam("token_hash")))


def find_token(raw):
    """The live token row for a raw bearer token, or None (expired, revoked, inactive user)."""
    if not raw:
        return None
    token_hash = _hash_token(raw)
    # The token and its user in one query (every API request and socket connect runs this), before
    # anything else: read without a transaction of its own on PostgreSQL (core.db.rows_read_alone),
    # together with the other requests' tokens that arrive with it (a vote storm's API votes).
    token = _token_read_together(token_hash)
    if token is None:
        rows = rows_read_alone(db.session, _TOKEN_AND_USER, {"token_hash": token_hash})
        token = rows[0][0] if rows else None
    if token is None or token is _NO_TOKEN:
        return None
    if token.revoked_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.active:
        return None
    return token
