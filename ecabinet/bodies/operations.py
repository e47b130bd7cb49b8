"""Bodies, rosters and working rules: state changes. They flush and audit; the caller commits."""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ecabinet.audit.operations import record
from ecabinet.bodies.models import (
    Body, BodyKind, BodyMember, CalendarDay, DecisionRule, RosterRole, SilenceRule, TieRule,
)
from ecabinet.bodies.rules import WorkingRules
from ecabinet.core.db import unique_or, utcnow
from ecabinet.core.errors import Conflict, InvalidValue
from ecabinet.extensions import db

DEFAULT_BODY_NAME = "Ủy ban nhân dân tỉnh"


def default_rules():
    """The rules a new body starts with: the environment's defaults (ECABINET_QUORUM_* …)."""
    config = current_app.config
    return WorkingRules(quorum_numerator=config["QUORUM_NUMERATOR"], quorum_denominator=config["QUORUM_DENOMINATOR"],
                        stand_ins_count=bool(config.get("QUORUM_COUNTS_STAND_INS")))


def _clean(value, field, *, required=False, max_length=200):
    value = (value or "").strip()
    if required and not value:
        raise InvalidValue(_("This field is required."), field=field)
    if len(value) > max_length:
        raise InvalidValue(_("At most %(n)d characters.", n=max_length), field=field)
    return value or None


def _check_name_free(name, body=None):
    clash = db.session.execute(select(Body.id).where(func.lower(Body.name) == name.lower())).scalar()
    if clash is not None and (body is None or clash != body.id):
        raise Conflict(_("A body with this name already exists."), code="body_exists")


def create_body(name, *, kind=BodyKind.PROVINCIAL, parent_name=None, short_name=None, place_name=None, actor=None):
    name = _clean(name, "name", required=True)
    _check_name_free(name)
    body = Body(name=name, kind=BodyKind(kind), parent_name=_clean(parent_name, "parent_name"),
                short_name=_clean(short_name, "short_name", max_length=50),
                place_name=_clean(place_name, "place_name", max_length=100), **default_rules().as_dict())
    with unique_or(db.session, lambda: Conflict(_("A body with this name already exists."), code="body_exists")):
        db.session.add(body)
    record("body.created", actor=actor, obj=body, name=name)
    return body


def update_body(body, *, name, kind, parent_name=None, short_name=None, place_name=None, actor=None):
    name = _clean(name, "name", required=True)
    _check_name_free(name, body)
    body.name, body.kind = name, BodyKind(kind)
    body.parent_name = _clean(parent_name, "parent_name")
    body.short_name = _clean(short_name, "short_name", max_length=50)
    body.place_name = _clean(place_name, "place_name", max_length=100)
    db.session.flush()
    record("body.updated", actor=actor, obj=body, name=name)
    return body


def update_rules(body, rules, *, actor=None):
    """Replace the body's working rules. Sessions already live and ballots already open keep the
    rules they started with (they froze a copy)."""
    if rules.quorum_denominator <= 0 or not 0 < rules.quorum_numerator <= rules.quorum_denominator:
        raise InvalidValue(_("The quorum must be a fraction between 0 and 1, e.g. 2/3."), field="quorum_numerator")
    for field in ("poll_days", "lead_days_regular", "lead_days_special"):
        if not 0 <= getattr(rules, field) <= 60:
            raise InvalidValue(_("Between 0 and 60 working days."), field=field)
    DecisionRule(rules.decision_rule), TieRule(rules.tie), SilenceRule(rules.poll_silence_counts_as)
    for key, value in rules.as_dict().items():
        setattr(body, key, value)
    body.legal_basis = _clean(rules.legal_basis, "legal_basis", max_length=2000)
    body.rules_updated_at = utcnow()
    db.session.flush()
    record("body.rules_changed", actor=actor, obj=body, **rules.as_dict())
    return body


def set_roster_place(body, user, *, role=RosterRole.MEMBER, position=None, rank=None, actor=None):
    """Put a user on the roster, or change their place; one row per body and user, also when two
    requests add the same person at once (INSERT … ON CONFLICT through a savepoint retry)."""
    role = RosterRole(role)
    position = _clean(position, "position", max_length=100)
    place = _place(body, user)
    if place is None:
        place = BodyMember(body_id=body.id, user_id=user.id, role=role, position=position,
                           rank=rank if rank is not None else _next_rank(body))
        try:
            with db.session.begin_nested():
                db.session.add(place)
                db.session.flush()
        except IntegrityError:  # added by a parallel request: update that row instead
            place = _place(body, user)
        db.session.expire(body, ["roster"])
        db.session.expire(user, ["roster"])
    place.role, place.position = role, position
    if rank is not None:
        place.rank = rank
    db.session.flush()
    record("body.roster_changed", actor=actor, obj=body, user_id=user.id, role=role.value, position=position)
    return place


def remove_roster_place(body, user, *, actor=None):
    place = _place(body, user)
    if place is None:
        return False
    db.session.delete(place)
    db.session.flush()
    db.session.expire(body, ["roster"])
    db.session.expire(user, ["roster"])
    record("body.roster_removed", actor=actor, obj=body, user_id=user.id)
    return True


def _place(body, user):
    return db.session.execute(select(BodyMember).where(BodyMember.body_id == body.id,
                                                       BodyMember.user_id == user.id)).scalar()


def _next_rank(body):
    top = db.session.execute(select(func.max(BodyMember.rank)).where(BodyMember.body_id == body.id)).scalar()
    return (top or 0) + 10


def default_body():
    """The deployment's first body (the one existing data moved into); created on a fresh install."""
    body = db.session.execute(select(Body).order_by(Body.id).limit(1)).scalar()
    if body is None:
        name = current_app.config.get("ORGANISATION_NAME") or DEFAULT_BODY_NAME
        body = Body(name=name, kind=BodyKind.PROVINCIAL, **default_rules().as_dict())
        try:
            with db.session.begin_nested():
                db.session.add(body)
                db.session.flush()
        except IntegrityError:  # a parallel request created it first
            body = db.session.execute(select(Body).order_by(Body.id).limit(1)).scalar()
    return body


def set_calendar_day(day, *, working, note=None, actor=None):
    """An admin's day off (working=False) or make-up working day (working=True)."""
    entry = db.session.get(CalendarDay, day) or CalendarDay(day=day)
    entry.working, entry.note = bool(working), _clean(note, "note")
    db.session.add(entry)
    db.session.flush()
    record("calendar.day_set", actor=actor, day=day.isoformat(), working=bool(working))
    return entry


def delete_calendar_day(entry, *, actor=None):
    db.session.delete(entry)
    db.session.flush()
    record("calendar.day_removed", actor=actor, day=entry.day.isoformat())


def calendar_overrides():
    """{date: working} of every exception an admin entered."""
    return {row.day: row.working for row in db.session.execute(select(CalendarDay)).scalars()}
