"""JSON API: /api/v1/bodies (their rosters and working rules) and /api/v1/config."""
from flask import Blueprint, current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ecabinet.accounts.auth import login_required, permission_required, require
from ecabinet.accounts.models import User
from ecabinet.bodies import groups, operations
from ecabinet.bodies.access import can_manage_bodies, can_manage_groups
from ecabinet.bodies.loaders import load_body, load_group
from ecabinet.bodies.models import Body, BodyKind, DecisionRule, RosterRole, SilenceRule, TieRule
from ecabinet.bodies.rules import WorkingRules
from ecabinet.core.api import bool_field, choice_field, get_json, int_field, iso, text_field
from ecabinet.core.errors import InvalidValue, NotFound
from ecabinet.bodies.ordering import protocol_sorted
from ecabinet.extensions import db

bp = Blueprint("bodies_api", __name__, url_prefix="/api/v1")


def roster_json(place):
    return {"user_id": place.user_id, "full_name": place.user.full_name, "title": place.user.title,
            "role": place.role.value, "position": place.position, "rank": place.rank}


def body_json(body, *, with_roster=False):
    data = {"id": body.id, "name": body.name, "parent_name": body.parent_name, "kind": body.kind.value,
            "short_name": body.short_name, "place_name": body.place_name,
            "rules": WorkingRules.of(body).as_dict(), "rules_updated_at": iso(body.rules_updated_at)}
    if with_roster:
        data["roster"] = [roster_json(p) for p in roster_in_protocol_order(body)]
    return data


def roster_in_protocol_order(body):
    """Chair first, then by the roster's rank, then by Vietnamese name order; the secretariat last."""
    return protocol_sorted(body.roster, group=lambda p: {"chair": 0, "member": 1}.get(p.role.value, 2),
                           rank=lambda p: p.rank, name=lambda p: p.user.full_name)


def _body_fields(data, defaults):
    merged = {**defaults, **data}
    return dict(name=text_field(merged, "name", required=True, max_length=200),
                kind=choice_field(merged, "kind", [k.value for k in BodyKind], default=BodyKind.PROVINCIAL.value),
                parent_name=text_field(merged, "parent_name", max_length=200),
                short_name=text_field(merged, "short_name", max_length=50),
                place_name=text_field(merged, "place_name", max_length=100))


def _rules_from(data, current):
    """The working rules in `data["rules"]`, fields left out keep their current value."""
    rules = {**current.as_dict(), **(data.get("rules") or {})}
    return WorkingRules(
        quorum_numerator=int_field(rules, "quorum_numerator", minimum=1, maximum=100),
        quorum_denominator=int_field(rules, "quorum_denominator", minimum=1, maximum=100),
        decision_rule=choice_field(rules, "decision_rule", [r.value for r in DecisionRule]),
        tie=choice_field(rules, "tie", [r.value for r in TieRule]),
        stand_ins_count=bool_field(rules, "stand_ins_count"),
        poll_days=int_field(rules, "poll_days", minimum=0, maximum=60),
        poll_silence_counts_as=choice_field(rules, "poll_silence_counts_as", [r.value for r in SilenceRule]),
        lead_days_regular=int_field(rules, "lead_days_regular", minimum=0, maximum=60),
        lead_days_special=int_field(rules, "lead_days_special", minimum=0, maximum=60),
        legal_basis=text_field(rules, "legal_basis", max_length=2000))


@bp.route("/config", methods=["GET"])
def config():
    """What a client needs to know before it uploads: limits and languages. No login needed."""
    settings = current_app.config
    return jsonify({"max_upload_bytes": settings["MAX_UPLOAD_MB"] * 1024 * 1024,
                    "max_document_pages": settings["MAX_DOCUMENT_PAGES"],
                    "languages": list(settings["LANGUAGES"]),
                    "version": settings.get("VERSION")})


@bp.route("/bodies", methods=["GET"])
@login_required
def list_bodies():
    bodies = db.session.execute(select(Body).order_by(Body.id)).scalars().all()
    if not can_manage_bodies(current_user):
        mine = {place.body_id for place in current_user.roster}
        bodies = [b for b in bodies if b.id in mine]
    return jsonify({"bodies": [body_json(b) for b in bodies]})


@bp.route("/bodies", methods=["POST"])
@permission_required(can_manage_bodies)
def create_body():
    data = get_json()
    body = operations.create_body(actor=current_user, **_body_fields(data, {}))
    if "rules" in data:
        operations.update_rules(body, _rules_from(data, WorkingRules.of(body)), actor=current_user)
    db.session.commit()
    return jsonify(body_json(body, with_roster=True)), 201


@bp.route("/bodies/<int:body_id>", methods=["GET"])
@login_required
def get_body(body_id):
    return jsonify(body_json(load_body(body_id), with_roster=True))


@bp.route("/bodies/<int:body_id>", methods=["PATCH"])
@login_required
def update_body(body_id):
    body = load_body(body_id, can_manage_bodies)
    data = get_json()
    current = {"name": body.name, "kind": body.kind.value, "parent_name": body.parent_name,
               "short_name": body.short_name, "place_name": body.place_name}
    operations.update_body(body, actor=current_user, **_body_fields(data, current))
    if "rules" in data:
        operations.update_rules(body, _rules_from(data, WorkingRules.of(body)), actor=current_user)
    db.session.commit()
    return jsonify(body_json(body, with_roster=True))


def _user(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(code="user_not_found")
    return user


@bp.route("/bodies/<int:body_id>/members", methods=["POST"])
@login_required
def set_member(body_id):
    body = load_body(body_id, can_manage_bodies)
    data = get_json()
    place = operations.set_roster_place(
        body, _user(int_field(data, "user_id", required=True, minimum=1)),
        role=choice_field(data, "role", [r.value for r in RosterRole], default=RosterRole.MEMBER.value),
        position=text_field(data, "position", max_length=100), rank=int_field(data, "rank", minimum=0, maximum=10000),
        actor=current_user)
    db.session.commit()
    return jsonify(roster_json(place)), 201


@bp.route("/bodies/<int:body_id>/members/<int:user_id>", methods=["DELETE"])
@login_required
def remove_member(body_id, user_id):
    body = load_body(body_id, can_manage_bodies)
    if not operations.remove_roster_place(body, _user(user_id), actor=current_user):
        raise NotFound(code="not_on_roster")
    db.session.commit()
    return "", 204


# -- saved invitation groups -------------------------------------------------------------------------


def group_json(group, *, with_people=True):
    data = {"id": group.id, "body_id": group.body_id, "name": group.name}
    if with_people:
        people = groups.group_people(group)
        data["people"] = [{"user_id": u.id, "full_name": u.full_name, "title": u.title, "unit": u.unit_name,
                           "active": u.active} for u in people]
        data["count"] = len(people)
    return data


def users_field(data, name="user_ids", *, required=False):
    """A list of user ids → the users (422 when one does not exist); None when left out."""
    ids = data.get(name)
    if ids is None:
        if required:
            raise InvalidValue(_("The field %(name)s is required.", name=name), field=name)
        return None
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise InvalidValue(_("%(name)s must be a list of user ids.", name=name), field=name)
    if len(ids) > groups.MAX_GROUP_SIZE:
        raise InvalidValue(_("A group holds at most %(n)d people.", n=groups.MAX_GROUP_SIZE), field=name)
    found = {u.id: u for u in db.session.execute(select(User).where(User.id.in_(set(ids)))).scalars()}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise InvalidValue(_("No such user: %(ids)s.", ids=", ".join(map(str, missing))), field=name,
                           code="user_not_found")
    return [found[i] for i in dict.fromkeys(ids)]


@bp.route("/bodies/<int:body_id>/groups", methods=["GET"])
@login_required
def list_groups(body_id):
    body = load_body(body_id)
    require(can_manage_groups, body)
    return jsonify({"groups": [{**group_json(g, with_people=False), "count": n} for g, n in groups.groups_of(body)]})


@bp.route("/bodies/<int:body_id>/groups", methods=["POST"])
@login_required
def create_group(body_id):
    body = load_body(body_id)
    require(can_manage_groups, body)
    data = get_json()
    group = groups.create_group(body, text_field(data, "name", required=True, max_length=200),
                                users_field(data) or [], actor=current_user)
    db.session.commit()
    return jsonify(group_json(group)), 201


@bp.route("/bodies/<int:body_id>/groups/<int:group_id>", methods=["GET"])
@login_required
def get_group(body_id, group_id):
    body = load_body(body_id)
    require(can_manage_groups, body)
    return jsonify(group_json(load_group(body, group_id)))


@bp.route("/bodies/<int:body_id>/groups/<int:group_id>", methods=["PATCH"])
@login_required
def update_group(body_id, group_id):
    body = load_body(body_id)
    require(can_manage_groups, body)
    group = load_group(body, group_id)
    data = get_json()
    groups.update_group(group, name=text_field(data, "name", max_length=200), users=users_field(data),
                        actor=current_user)
    db.session.commit()
    return jsonify(group_json(group))


@bp.route("/bodies/<int:body_id>/groups/<int:group_id>", methods=["DELETE"])
@login_required
def delete_group(body_id, group_id):
    body = load_body(body_id)
    require(can_manage_groups, body)
    groups.delete_group(load_group(body, group_id), actor=current_user)
    db.session.commit()
    return "", 204
