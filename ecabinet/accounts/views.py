"""Pages: login, logout, own password, language, and the admin's users and units."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ecabinet.accounts import operations
from ecabinet.accounts.access import can_manage_users
from ecabinet.accounts.auth import login_required, permission_required
from ecabinet.accounts.device import forget_device
from ecabinet.accounts.forms import ChangePasswordForm, ConfirmForm, LoginForm, UnitForm, UserForm
from ecabinet.accounts.models import Unit, User
from ecabinet.core.collation import matches_search, sorted_by_name
from ecabinet.core.web import apply_form, form_page_status
from ecabinet.core.errors import DomainError, NotAuthenticated, Throttled
from ecabinet.extensions import db

bp = Blueprint("accounts", __name__)


def _safe_next(target):
    """Only same-site relative paths, so the login page cannot be used as an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("meetings.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.username.data, form.password.data, request.remote_addr)
        except (NotAuthenticated, Throttled) as error:
            db.session.commit()  # keep the failure record that drives throttling
            form.form_errors.append(str(error.message))
            status = error.status
        else:
            db.session.commit()
            login_user(user)
            if user.locale:
                session["lang"] = user.locale
            return redirect(_safe_next(request.args.get("next")) or url_for("meetings.home"))
    elif request.method == "POST":
        status = 400
    return forget_device(make_response(render_template("accounts/login.html", form=form), status))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if ConfirmForm().validate_on_submit():
        operations.logout(current_user._get_current_object())
        db.session.commit()
        logout_user()
        flash(_("You have logged out."), "info")
    return forget_device(redirect(url_for("accounts.login")))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form, refusal = ChangePasswordForm(), None
    if form.validate_on_submit():
        user = current_user._get_current_object()
        _done, refusal = apply_form(form, lambda: operations.change_password(
            user, form.current_password.data, form.new_password.data))
        if refusal is None:
            login_user(user)  # the nonce changed: keep this browser logged in, end the others
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("meetings.home"))
    return render_template("accounts/password.html", form=form), form_page_status(form, refusal)


@bp.route("/language/<code>", methods=["POST"])
def set_language(code):
    from flask import current_app

    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("meetings.home"))


# -- administration ---------------------------------------------------------


def _unit_choices():
    units = db.session.execute(select(Unit).order_by(Unit.name)).scalars()
    return [(0, _("— No unit —"))] + [(u.id, u.name) for u in units]


@bp.route("/admin/users")
@permission_required(can_manage_users)
def users():
    query = request.args.get("q", "").strip()
    # Matched and ordered here rather than in SQL: typed without accents, "tran thi" finds "Trần Thị";
    # the active accounts first, each part in Vietnamese name order (a province has thousands at most).
    found = [user for user in db.session.execute(select(User)).scalars()
             if not query or matches_search(query, user.full_name, user.username)]
    found = sorted(sorted_by_name(found), key=lambda user: not user.active)
    return render_template("accounts/users.html", users=found, query=query, confirm_form=ConfirmForm())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@permission_required(can_manage_users)
def new_user():
    form, refusal = UserForm(), None
    form.unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("A new user needs a password."))
        else:
            user, refusal = apply_form(form, lambda: operations.create_user(
                form.username.data, form.full_name.data, form.password.data,
                title=form.title.data, unit=db.session.get(Unit, form.unit_id.data),
                email=form.email.data, phone=form.phone.data, is_admin=form.is_admin.data,
                is_secretariat=form.is_secretariat.data, actor=current_user))
            if refusal is None:
                flash(_("User %(name)s created.", name=user.full_name), "success")
                return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None), form_page_status(form, refusal)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@permission_required(can_manage_users)
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, unit_id=user.unit_id or 0)
    form.unit_id.choices = _unit_choices()
    if not form.is_submitted():  # the box stands for the first body's secretariat (operations._set_secretariat)
        form.is_secretariat.data = operations.is_default_body_secretariat(user)
    del form.username
    refusal = None
    if form.validate_on_submit():
        def change():
            operations.update_user(
                user, full_name=form.full_name.data, title=form.title.data,
                unit=db.session.get(Unit, form.unit_id.data), email=form.email.data,
                phone=form.phone.data, is_admin=form.is_admin.data,
                is_secretariat=form.is_secretariat.data, actor=current_user)
            if form.password.data:
                operations.set_password(user, form.password.data, actor=current_user)

        _done, refusal = apply_form(form, change)
        if refusal is None:
            flash(_("Changes to %(name)s saved.", name=user.full_name), "success")
            return redirect(url_for("accounts.users"))
    return (render_template("accounts/user_form.html", form=form, user=user, confirm_form=ConfirmForm()),
            form_page_status(form, refusal))


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@permission_required(can_manage_users)
def toggle_user(user_id):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        try:
            operations.set_user_active(user, not user.active, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("%(name)s can log in again.", name=user.full_name) if user.active
                  else _("%(name)s has been deactivated and logged out everywhere.", name=user.full_name),
                  "success")
    return redirect(url_for("accounts.users"))


@bp.route("/admin/units")
@permission_required(can_manage_users)
def units():
    rows = db.session.execute(select(Unit).order_by(Unit.is_active.desc(), Unit.name)).scalars().all()
    return render_template("accounts/units.html", units=rows)


@bp.route("/admin/units/new", methods=["GET", "POST"])
@bp.route("/admin/units/<int:unit_id>", methods=["GET", "POST"])
@permission_required(can_manage_users)
def edit_unit(unit_id=None):
    unit = db.get_or_404(Unit, unit_id) if unit_id else None
    form, refusal = UnitForm(obj=unit), None
    if form.validate_on_submit():
        def change():
            if unit is None:
                return operations.create_unit(form.name.data, form.short_name.data, actor=current_user)
            return operations.update_unit(unit, name=form.name.data, short_name=form.short_name.data,
                                          is_active=form.is_active.data, actor=current_user)

        saved, refusal = apply_form(form, change)
        if refusal is None:
            flash(_("Unit %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("accounts.units"))
    return render_template("accounts/unit_form.html", form=form, unit=unit), form_page_status(form, refusal)

