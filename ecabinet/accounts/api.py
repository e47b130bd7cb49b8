"""JSON API: /api/v1/session, /api/v1/me, /api/v1/users."""
from flask import Blueprint, jsonify, make_response, request
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ecabinet.accounts import operations
from ecabinet.accounts.access import can_list_users, can_manage_users
from ecabinet.accounts.auth import current_token, login_required, permission_required
from ecabinet.accounts.device import forget_device
from ecabinet.accounts.models import Unit, User
from ecabinet.core.api import bool_field, get_json, iso, text_field
from ecabinet.core.errors import InvalidValue, NotAuthenticated, Throttled
from ecabinet.extensions import csrf, db

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")


def user_json(user, *, private=False):
    data = {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "title": user.title,
        "unit": user.unit_name,
        "unit_id": user.unit_id,
    }
    if private:
        data.update(email=user.email, phone=user.phone, is_admin=user.is_admin,
                    is_secretariat=user.is_secretariat, is_active=user.active,
                    last_login_at=iso(user.last_login_at))
    return data


@bp.route("/session", methods=["POST"])
@csrf.exempt
def create_session():
    data = get_json()
    username = text_field(data, "username", required=True, max_length=64)
    password = text_field(data, "password", required=True, max_length=256)
    try:
        user = operations.authenticate(username, password, request.remote_addr)
    except (NotAuthenticated, Throttled):
        db.session.commit()  # keep the failure record that drives throttling
        raise
    token, raw = operations.issue_token(user, request.user_agent.string)
    db.session.commit()
    login_user(user)
    return jsonify({"token": raw, "expires_at": iso(token.expires_at), "user": user_json(user, private=True)})


@bp.route("/session", methods=["DELETE"])
@login_required
def delete_session():
    operations.logout(current_user._get_current_object(), current_token())
    db.session.commit()
    logout_user()
    return forget_device(make_response("", 204))


@bp.route("/me")
@login_required
def me():
    return jsonify(user_json(current_user, private=True))


@bp.route("/users", methods=["GET"])
@permission_required(can_list_users)
def list_users():
    users = db.session.execute(
        select(User).where(User.active.is_(True)).order_by(User.full_name)).scalars()
    private = can_manage_users(current_user)
    return jsonify({"users": [user_json(u, private=private) for u in users]})


@bp.route("/users", methods=["POST"])
@permission_required(can_manage_users)
def create_user():
    data = get_json()
    unit = _unit_from(data)
    user = operations.create_user(
        text_field(data, "username", required=True, max_length=64),
        text_field(data, "full_name", required=True, max_length=200),
        text_field(data, "password", required=True, max_length=256),
        title=text_field(data, "title", max_length=200),
        unit=unit,
        email=text_field(data, "email", max_length=200),
        phone=text_field(data, "phone", max_length=40),
        is_admin=bool_field(data, "is_admin"),
        is_secretariat=bool_field(data, "is_secretariat"),
        actor=current_user,
    )
    db.session.commit()
    return jsonify(user_json(user, private=True)), 201


def _unit_from(data):
    """`unit` may be a unit id or a unit name (created when new)."""
    value = data.get("unit")
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        unit = db.session.get(Unit, value)
        if unit is None:
            raise InvalidValue(_("Unknown unit."), field="unit")
        return unit
    return operations.get_or_create_unit(text_field(data, "unit", max_length=200))
