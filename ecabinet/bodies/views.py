"""Pages: the administrator's bodies, their rosters and working rules, and the working-day calendar."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ecabinet.accounts.auth import login_required, permission_required, require
from ecabinet.accounts.forms import ConfirmForm
from ecabinet.accounts.models import User
from ecabinet.bodies import groups, operations
from ecabinet.bodies.access import can_manage_bodies, can_manage_groups
from ecabinet.bodies.api import roster_in_protocol_order
from ecabinet.bodies.forms import BodyForm, CalendarDayForm, GroupForm, RosterForm, RulesForm
from ecabinet.bodies.loaders import load_body, load_group
from ecabinet.bodies.models import Body, CalendarDay
from ecabinet.bodies.rules import WorkingRules
from ecabinet.bodies.workdays import public_holidays
from ecabinet.core.db import utcnow
from ecabinet.core.timeutil import to_local
from ecabinet.core.web import apply_form, field_error, form_page_status
from ecabinet.core.errors import DomainError
from ecabinet.core.collation import sorted_by_name, text_sort_key
from ecabinet.extensions import db

bp = Blueprint("bodies", __name__)


def home_body():
    """The body the top bar names: the first the signed-in user sits on (the province for most)."""
    places = sorted(current_user.roster, key=lambda p: p.body_id) if current_user.is_authenticated else []
    return {"home_body": places[0].body if places else None}



@bp.route("/admin/bodies")
@permission_required(can_manage_bodies)
def index():
    bodies = db.session.execute(select(Body).order_by(Body.id)).scalars().all()
    return render_template("bodies/index.html", bodies=bodies)


def _roster_form(body, **options):
    form = RosterForm(prefix="roster", **options)
    users = db.session.execute(select(User).where(User.active.is_(True))).scalars().all()
    on_roster = {place.user_id for place in body.roster}
    form.user_id.choices = [(u.id, f"{u.full_name}{' · ' + u.title if u.title else ''}")
                            for u in sorted_by_name([u for u in users if u.id not in on_roster])]
    return form


@bp.route("/admin/bodies/new", methods=["GET", "POST"])
@bp.route("/admin/bodies/<int:body_id>", methods=["GET", "POST"])
@permission_required(can_manage_bodies)
def edit(body_id=None):
    body = db.get_or_404(Body, body_id) if body_id else None
    form, rules_form = _body_forms(body)
    status = 200
    if request.method == "POST" and not (form.validate() & rules_form.validate()):
        status = 422
    elif request.method == "POST":
        rules = WorkingRules(**{name: rules_form[name].data for name in WorkingRules.__dataclass_fields__})
        values = dict(name=form.name.data, kind=form.kind.data, parent_name=form.parent_name.data,
                      short_name=form.short_name.data, place_name=form.place_name.data)
        try:
            if body is None:
                body = operations.create_body(actor=current_user, **values)
            else:
                operations.update_body(body, actor=current_user, **values)
            operations.update_rules(body, rules, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            field_error(rules_form if error.details and error.details.get("field") in rules_form else form, error)
            body = db.session.get(Body, body_id) if body_id else None
            status = error.status
        else:
            db.session.commit()
            flash(_("%(name)s saved.", name=body.name), "success")
            return redirect(url_for("bodies.edit", body_id=body.id))
    return _edit_page(body, form, rules_form, status=status)


def _body_forms(body, **options):
    return (BodyForm(obj=body, kind=body.kind.value if body else None, **options),
            RulesForm(obj=WorkingRules.of(body) if body else operations.default_rules(), prefix="rules", **options))


def _edit_page(body, form, rules_form, roster_form=None, status=200):
    """The body's page; a refused roster form comes back filled in with its errors."""
    roster = roster_in_protocol_order(body) if body else []
    if body and roster_form is None:
        roster_form = _roster_form(body, formdata=None)
    return render_template("bodies/edit.html", body=body, form=form, rules_form=rules_form, roster=roster,
                           roster_form=roster_form, confirm_form=ConfirmForm()), status


@bp.route("/admin/bodies/<int:body_id>/roster", methods=["POST"])
@permission_required(can_manage_bodies)
def add_to_roster(body_id):
    body = db.get_or_404(Body, body_id)
    form = _roster_form(body)
    form.user_id.choices += [(form.user_id.data, "")] if form.user_id.data else []  # changing a place already listed
    if form.validate_on_submit():
        _done, refusal = apply_form(form, lambda: operations.set_roster_place(
            body, db.get_or_404(User, form.user_id.data), role=form.role.data, position=form.position.data,
            rank=form.rank.data, actor=current_user))
        if refusal is None:
            flash(_("The roster of %(name)s was updated.", name=body.name), "success")
            return redirect(url_for("bodies.edit", body_id=body.id) + "#roster")
    body = db.session.get(Body, body_id)
    form.user_id.choices = _roster_form(body, formdata=None).user_id.choices  # without the one added above
    return _edit_page(body, *_body_forms(body, formdata=None), roster_form=form, status=422)


@bp.route("/admin/bodies/<int:body_id>/roster/<int:user_id>/delete", methods=["POST"])
@permission_required(can_manage_bodies)
def remove_from_roster(body_id, user_id):
    body = db.get_or_404(Body, body_id)
    if ConfirmForm().validate_on_submit():
        operations.remove_roster_place(body, db.get_or_404(User, user_id), actor=current_user)
        db.session.commit()
        flash(_("Removed from the roster."), "success")
    return redirect(url_for("bodies.edit", body_id=body.id) + "#roster")


# -- the working-day calendar ----------------------------------------------------------------------


@bp.route("/admin/calendar", methods=["GET", "POST"])
@permission_required(can_manage_bodies)
def calendar():
    """Public holidays of this year and the next (from the holidays library) and the administrator's
    days off and make-up working days, which lead times and poll deadlines follow."""
    form, refusal = CalendarDayForm(), None
    if form.validate_on_submit():
        _done, refusal = apply_form(form, lambda: operations.set_calendar_day(
            form.day.data, working=form.working.data == "1", note=form.note.data, actor=current_user))
        if refusal is None:
            flash(_("The calendar was updated."), "success")
            return redirect(url_for("bodies.calendar"))
    status = form_page_status(form, refusal)
    year = to_local(utcnow()).year
    holidays = [(day, name) for y in (year, year + 1) for day, name in public_holidays(y)]
    days = db.session.execute(select(CalendarDay).order_by(CalendarDay.day)).scalars().all()
    return render_template("bodies/calendar.html", form=form, holidays=holidays, days=days,
                           confirm_form=ConfirmForm()), status


@bp.route("/admin/calendar/<day>/delete", methods=["POST"])
@permission_required(can_manage_bodies)
def delete_calendar_day(day):
    try:
        entry = db.session.get(CalendarDay, date.fromisoformat(day))
    except ValueError:
        entry = None
    if entry is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        operations.delete_calendar_day(entry, actor=current_user)
        db.session.commit()
        flash(_("The calendar was updated."), "success")
    return redirect(url_for("bodies.calendar"))


# -- saved invitation groups (the body's secretariat and administrators) ---------------------------


GROUP_PREVIEW = 4


def _group_form(group=None):
    form = GroupForm(obj=None if request.method == "POST" else group,
                     user_ids=sorted(groups.group_user_ids(group)) if group and request.method != "POST" else None)
    active = db.session.execute(select(User).where(User.active.is_(True))).scalars().all()
    kept = [u for u in groups.group_people(group) if not u.active] if group else []  # stays listed until unticked
    form.user_ids.choices = [(u.id, u.full_name) for u in sorted_by_name(active + kept)]
    return form, sorted_by_name(active + kept)


def _people_by_unit(people):
    """[(unit name or None, [users])], units in Vietnamese order, people without a unit last."""
    units = {}
    for user in people:
        units.setdefault(user.unit_name, []).append(user)
    return sorted(units.items(), key=lambda entry: (entry[0] is None, text_sort_key(entry[0] or "")))


def _save_group(body, group, form):
    users = [db.session.get(User, user_id) for user_id in form.user_ids.data]

    def change():
        if group is None:
            return groups.create_group(body, form.name.data, users, actor=current_user)
        groups.update_group(group, name=form.name.data, users=users, actor=current_user)
        return group

    group, refusal = apply_form(form, change)
    if refusal is not None:
        return None
    flash(_("The group %(name)s was saved.", name=group.name), "success")
    return group


@bp.route("/bodies/<int:body_id>/groups", methods=["GET", "POST"])
@login_required
def group_list(body_id):
    body = load_body(body_id)
    require(can_manage_groups, body)
    form, people = _group_form()
    if form.validate_on_submit() and _save_group(body, None, form):
        return redirect(url_for("bodies.group_list", body_id=body.id))
    saved = groups.groups_of(body)
    # Who is in each group, at a glance (the first few names; a province keeps a handful of groups).
    previews = {group.id: [u.full_name for u in groups.group_people(group)[:GROUP_PREVIEW]] for group, _n in saved}
    return render_template("bodies/groups.html", body=body, groups=saved, previews=previews, preview_size=GROUP_PREVIEW,
                           form=form, people=_people_by_unit(people), confirm_form=ConfirmForm())


@bp.route("/bodies/<int:body_id>/groups/<int:group_id>", methods=["GET", "POST"])
@login_required
def group_edit(body_id, group_id):
    body = load_body(body_id)
    require(can_manage_groups, body)
    group = load_group(body, group_id)
    form, people = _group_form(group)
    if form.validate_on_submit() and _save_group(body, group, form):
        return redirect(url_for("bodies.group_list", body_id=body.id))
    return render_template("bodies/group_edit.html", body=body, group=group, form=form,
                           people=_people_by_unit(people), confirm_form=ConfirmForm())


@bp.route("/bodies/<int:body_id>/groups/<int:group_id>/delete", methods=["POST"])
@login_required
def group_delete(body_id, group_id):
    body = load_body(body_id)
    require(can_manage_groups, body)
    group = load_group(body, group_id)
    if ConfirmForm().validate_on_submit():
        name = group.name
        groups.delete_group(group, actor=current_user)
        db.session.commit()
        flash(_("The group %(name)s was deleted.", name=name), "success")
    return redirect(url_for("bodies.group_list", body_id=body.id))
