"""Pages: my sessions, a session, and the secretariat's editing of it."""
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from ecabinet.accounts.auth import login_required, require
from ecabinet.accounts.forms import ConfirmForm
from ecabinet.accounts.models import Unit, User
from ecabinet.bodies.access import can_manage_groups
from ecabinet.bodies.groups import group_people, groups_of
from ecabinet.bodies.loaders import load_group
from ecabinet.bodies.models import Body
from ecabinet.core.collation import sorted_by_name, text_sort_key
from ecabinet.core.db import utcnow
from ecabinet.core.errors import DomainError, NotFound
from ecabinet.core.timeutil import LOCAL_TZ, to_local
from ecabinet.core.web import apply_form, form_page_status
from ecabinet.extensions import db
from ecabinet.meetings import operations
from ecabinet.meetings.events import broadcast_status
from ecabinet.meetings.access import (
    can_change_status, can_chair, can_create_meeting, can_manage_meeting, can_view_meeting,
)
from ecabinet.meetings.forms import AgendaItemForm, MeetingForm, ParticipantForm, ParticipantRoleForm
from ecabinet.meetings.loaders import load_agenda_item, load_meeting, load_participant
from ecabinet.meetings.models import Meeting, MeetingStatus, Role
from ecabinet.meetings.queries import (
    attendee_status, documents_due, meetings_for, participants_in_protocol_order, rules_of, sent_late, split_upcoming,
)

bp = Blueprint("meetings", __name__)

# Other domains add to the session page: functions (meeting, user) -> (template
# name, context dict) or None. Panels render below the agenda; header actions
# (e.g. "enter the meeting room") beside the lifecycle buttons; manage items go into
# the secretariat's one "Manage" menu instead of a button each.
PAGE_PANELS = []
HEADER_ACTIONS = []
MANAGE_ITEMS = []
# What another domain shows within the agenda (the documents of each item): functions
# (meeting, user) -> AgendaPart or None.
AGENDA_PARTS = []

_ACTIONS = {
    "publish": MeetingStatus.PUBLISHED,
    "unpublish": MeetingStatus.DRAFT,
    "start": MeetingStatus.LIVE,
    "end": MeetingStatus.ENDED,
    "archive": MeetingStatus.ARCHIVED,
}


def _register(hooks, function, order):
    """Add a hook once (create_app may run many times in one process), kept sorted by order."""
    if all(existing is not function for _order, existing in hooks):
        hooks.append((order, function))
        hooks.sort(key=lambda entry: entry[0])
    return function


def page_panel(function, order=100):
    return _register(PAGE_PANELS, function, order)


def header_action(function, order=100):
    """Lower orders come first in the toolbar (the way into the live room leads)."""
    return _register(HEADER_ACTIONS, function, order)


def manage_item(function, order=100):
    """An entry of the secretariat's "Manage" menu on the session page."""
    return _register(MANAGE_ITEMS, function, order)


@dataclass(frozen=True)
class AgendaPart:
    """Templates another domain renders inside the agenda card, each with `part` (its context):
    `header` beside the card's title, `item` under each agenda item (with `item`), `after` below
    the list (what belongs to no item), `footer` at the card's foot (below the secretariat's form)."""
    context: dict
    header: str | None = None
    item: str | None = None
    after: str | None = None
    footer: str | None = None


def agenda_part(function, order=100):
    return _register(AGENDA_PARTS, function, order)


def session_status(meeting):
    """(key, label) of the session's status as the signed-in user reads it: the workflow's label for
    whoever prepares the session, the attendee's words (upcoming, today, live now, ended) for the rest."""
    if can_manage_meeting(current_user, meeting):
        return meeting.status.value, meeting.status_label
    return attendee_status(meeting, utcnow())


def session_status_words(meeting):
    """{status: [key, label]} for the live room's scripts, which change the status badge as the session
    starts and ends: the attendee's words, or None for whoever reads the workflow's labels."""
    if can_manage_meeting(current_user, meeting):
        return None
    now = utcnow()
    return {status.value: list(map(str, attendee_status(meeting, now, status))) for status in MeetingStatus}


def _contributions(hooks, meeting):
    return [part for part in (hook(meeting, current_user) for _order, hook in hooks) if part]


def session_way_back(view_args, user):
    """An error page under a session's address (its documents, minutes, room) leads back to the session,
    if the user may see it (core.web.error_way_back)."""
    meeting_id = view_args.get("meeting_id")
    if not meeting_id or not getattr(user, "is_authenticated", False):
        return None
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can_view_meeting(user, meeting):
        return None
    return _("Back to the session"), url_for("meetings.show", meeting_id=meeting.id)


@bp.route("/")
@login_required
def index():
    return redirect(url_for("meetings.home"))


@bp.route("/meetings")
@login_required
def home():
    upcoming, past = split_upcoming(meetings_for(current_user), utcnow())
    return render_template("meetings/home.html", upcoming=upcoming, past=past,
                           can_create=can_create_meeting(current_user),
                           group_bodies=[b for b in _prepared_bodies(current_user) if can_manage_groups(current_user, b)])


def _local_naive(value):
    return to_local(value).replace(tzinfo=None) if value else None


def _aware(value):
    return value.replace(tzinfo=LOCAL_TZ) if value else None


def _meeting_values(form):
    return dict(title=form.title.data, starts_at=_aware(form.starts_at.data), ends_at=_aware(form.ends_at.data),
                location=form.location.data, kind=form.kind.data, format=form.format.data,
                description=form.description.data, confidentiality=form.confidentiality.data,
                delegates_may_vote=form.delegates_may_vote.data)


def _prepared_bodies(user):
    """The bodies whose sessions the user prepares (the choice on the new-session form)."""
    ids = user.secretariat_body_ids
    return db.session.execute(select(Body).where(Body.id.in_(ids)).order_by(Body.id)).scalars().all() if ids else []


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting():
    require(can_create_meeting)
    form = MeetingForm()
    form.body_id.choices = [(b.id, b.name) for b in _prepared_bodies(current_user)]
    if form.body_id.data is None and len(form.body_id.choices) == 1:
        form.body_id.data = form.body_id.choices[0][0]  # the one body this secretariat serves
    if form.validate_on_submit():
        try:
            body = db.session.get(Body, form.body_id.data)
            require(can_create_meeting, body)
            meeting = operations.create_meeting(actor=current_user, body=body, **_meeting_values(form))
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Session created. Now add its agenda and participants."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/meeting_form.html", form=form, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    operations.require_editable(meeting)
    # Not obj=meeting: WTForms prefers obj's attributes to keyword values, and the
    # form must show Vietnam time, not the stored UTC.
    form = MeetingForm(data=dict(
        title=meeting.title, kind=meeting.kind.value, format=meeting.format.value,
        starts_at=_local_naive(meeting.starts_at),
        ends_at=_local_naive(meeting.ends_at), location=meeting.location, description=meeting.description,
        confidentiality=meeting.confidentiality.value, delegates_may_vote=meeting.delegates_may_vote))
    del form.body_id  # a session stays with its body
    if form.validate_on_submit():
        try:
            operations.update_meeting(meeting, actor=current_user, **_meeting_values(form))
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Session saved."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/meeting_form.html", form=form, meeting=meeting)


@bp.route("/meetings/<int:meeting_id>")
@login_required
def show(meeting_id):
    return show_page(load_meeting(meeting_id))


def show_page(meeting, *, item_form=None, invite_form=None, status=200):
    """The session page; a refused form of it (a new agenda item, an invitation) comes back filled in,
    with its errors next to its fields, rather than lost in a redirect."""
    can_manage = can_manage_meeting(current_user, meeting)
    context = dict(
        meeting=meeting,
        participants=participants_in_protocol_order(meeting),
        several_bodies=db.session.execute(select(func.count(Body.id))).scalar() > 1,
        me=meeting.participant_for(current_user),
        can_manage=can_manage,
        can_change_status=can_change_status(current_user, meeting),
        can_chair=can_chair(current_user, meeting),
        editable=meeting.status in operations.EDITABLE_STATUSES,
        confirm_form=ConfirmForm(),
        documents_due=documents_due(meeting),
        lead_days=rules_of(meeting).lead_days(meeting.is_special),
        late_now=sent_late(meeting, utcnow()),
        published_late=sent_late(meeting, meeting.published_at),
        refusals=_status_refusals(meeting),
        panels=_contributions(PAGE_PANELS, meeting),
        header_actions=_contributions(HEADER_ACTIONS, meeting),
        manage_items=_contributions(MANAGE_ITEMS, meeting),
        agenda_parts=_contributions(AGENDA_PARTS, meeting),
    )
    if can_manage:
        context["item_form"] = item_form or AgendaItemForm(prefix="item", formdata=None)
        context["invite_form"] = invite_form or _invite_form(meeting, formdata=None)
        context["role_labels"] = ParticipantRoleForm().role.choices
        context["roster_to_invite"] = len(operations.roster_not_invited(meeting))
        context["bulk_choices"] = _bulk_choices(meeting)
        context["can_manage_groups"] = can_manage_groups(current_user, meeting.body)
        context["removal_refusals"] = {p.id: str(refusal.message) for p in meeting.participants
                                       if (refusal := operations.removal_refusal(p)) is not None}
    return render_template("meetings/show.html", **context), status


def _status_refusals(meeting):
    """{action: why it cannot be done now} for the lifecycle buttons of the page: a refused one is shown
    disabled with its reason instead of asking a confirmation the server would then refuse."""
    refusals = {}
    for action, status in _ACTIONS.items():
        refusal = operations.status_change_refusal(meeting, status) if status in operations.TRANSITIONS[meeting.status] else None
        if refusal is not None:
            refusals[action] = str(refusal.message)
    return refusals


def _bulk_choices(meeting):
    """What the session page offers to invite in one action: (saved groups, units), as
    [("group:<id>" or "unit:<id>", label)] each."""
    saved = [(f"group:{g.id}", ngettext("%(name)s (%(num)d person)", "%(name)s (%(num)d people)", n, name=g.name))
             for g, n in groups_of(meeting.body) if n]
    units = [(f"unit:{u.id}", u.name) for u in sorted(db.session.execute(select(Unit)).scalars(),
                                                      key=lambda u: text_sort_key(u.name))]
    return saved, units


def _invite_form(meeting, **options):
    form = ParticipantForm(prefix="invite", **options)
    form.user_id.choices = [(u.id, f"{u.full_name} — {u.title or u.username}")
                            for u in operations.invitable_users(meeting)]
    form.delegate_for_id.choices = [(0, "—")] + [
        (p.user_id, p.user.full_name) for p in meeting.participants if p.role in (Role.MEMBER, Role.CHAIR)]
    return form


def _back(meeting, anchor=None):
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + (f"#{anchor}" if anchor else ""))


def _apply(operation, success_message):
    """Run an operation from a page form: commit and flash, or roll back and flash the reason."""
    try:
        operation()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return False
    db.session.commit()
    if success_message:
        flash(success_message, "success")
    return True


@bp.route("/meetings/<int:meeting_id>/status/<action>", methods=["POST"])
@login_required
def change_status(meeting_id, action):
    meeting = load_meeting(meeting_id, can_change_status)
    if action not in _ACTIONS or not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Please reload the page and try again."), "error")
        return _back(meeting)
    messages = {
        "publish": _("The session is published: participants can see it now."),
        "unpublish": _("The session is back to draft."),
        "start": _("The session has started."),
        "end": _("The session has ended."),
        "archive": _("The session is archived."),
    }
    def change_status():
        operations.change_status(meeting, _ACTIONS[action], actor=current_user)
        broadcast_status(meeting)

    _apply(change_status, messages[action])
    return _back(meeting)


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@login_required
def add_agenda_item(meeting_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    form = AgendaItemForm(prefix="item")
    if form.validate_on_submit():
        _item, refusal = apply_form(form, lambda: operations.add_agenda_item(
            meeting, form.title.data, presenter=form.presenter.data,
            duration_minutes=form.duration_minutes.data, description=form.description.data, actor=current_user))
        if refusal is None:
            flash(_("Agenda item added."), "success")
            return _back(meeting, "agenda")
        if _form_gone(meeting):
            return _refused_without_form(meeting, refusal, "agenda")
        return show_page(meeting, item_form=form, status=refusal.status)
    return show_page(meeting, item_form=form, status=422)


def _form_gone(meeting):
    """The session can no longer be edited (it ended meanwhile): its page has no form to show again."""
    return load_meeting(meeting.id).status not in operations.EDITABLE_STATUSES


def _refused_without_form(meeting, error, anchor):
    flash(str(error.message), "error")
    return _back(meeting, anchor)


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit_agenda_item(meeting_id, item_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    item = load_agenda_item(meeting, item_id)
    operations.require_editable(meeting)
    form, refusal = AgendaItemForm(obj=item), None
    if form.validate_on_submit():
        _item, refusal = apply_form(form, lambda: operations.update_agenda_item(
            item, title=form.title.data, presenter=form.presenter.data,
            duration_minutes=form.duration_minutes.data, description=form.description.data, actor=current_user))
        if refusal is None:
            flash(_("Agenda item saved."), "success")
            return _back(meeting, "agenda")
    status = form_page_status(form, refusal)
    return render_template("meetings/agenda_item_form.html", form=form, meeting=meeting, item=item), status


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/move/<any(up, down):direction>", methods=["POST"])
@login_required
def move_agenda_item(meeting_id, item_id, direction):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    item = load_agenda_item(meeting, item_id)
    if ConfirmForm().validate_on_submit():
        _apply(lambda: operations.move_agenda_item(
            item, -1 if direction == "up" else 1, actor=current_user), None)
    return _back(meeting, "agenda")


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/delete", methods=["POST"])
@login_required
def delete_agenda_item(meeting_id, item_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    item = load_agenda_item(meeting, item_id)
    if ConfirmForm().validate_on_submit():
        _apply(lambda: operations.remove_agenda_item(item, actor=current_user),
               _("Agenda item removed."))
    return _back(meeting, "agenda")


@bp.route("/meetings/<int:meeting_id>/participants", methods=["POST"])
@login_required
def invite_participant(meeting_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    form = _invite_form(meeting)
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        delegate_for = db.session.get(User, form.delegate_for_id.data) if form.delegate_for_id.data else None
        _participant, refusal = apply_form(form, lambda: operations.invite_participant(
            meeting, user, form.role.data, delegate_for=delegate_for, actor=current_user))
        if refusal is None:
            flash(_("%(name)s invited.", name=user.full_name), "success")
            return _back(meeting, "participants")
        if _form_gone(meeting):
            return _refused_without_form(meeting, refusal, "participants")
        return show_page(load_meeting(meeting_id), invite_form=form, status=refusal.status)
    return show_page(load_meeting(meeting_id), invite_form=form, status=422)


@bp.route("/meetings/<int:meeting_id>/participants/roster", methods=["POST"])
@login_required
def invite_roster(meeting_id):
    """The whole roster of the session's body in one action."""
    meeting = load_meeting(meeting_id, can_manage_meeting)
    if ConfirmForm().validate_on_submit():
        invited = []
        if _apply(lambda: invited.extend(operations.invite_roster(meeting, actor=current_user)), None):
            flash(ngettext("%(num)d person invited.", "%(num)d people invited.", len(invited)), "success")
    return _back(meeting, "participants")


@bp.route("/meetings/<int:meeting_id>/participants/bulk", methods=["POST"])
@login_required
def invite_people(meeting_id):
    """A saved group of the session's body, or a unit, in one action; whoever takes part already is skipped."""
    meeting = load_meeting(meeting_id, can_manage_meeting)
    kind, _sep, number = (request.form.get("source") or "").partition(":")
    if not ConfirmForm().validate_on_submit() or kind not in ("group", "unit") or not number.isdigit():
        flash(_("Choose a group or a unit to invite."), "error")
        return _back(meeting, "participants")
    try:
        if kind == "group":
            people = group_people(load_group(meeting.body, int(number)))
        else:
            unit = db.session.get(Unit, int(number))
            if unit is None:
                raise NotFound()
            people = sorted_by_name(db.session.execute(select(User).where(User.unit_id == unit.id)).scalars().all())
    except NotFound:
        flash(_("Choose a group or a unit to invite."), "error")
        return _back(meeting, "participants")
    outcome = []
    if _apply(lambda: outcome.extend(operations.invite_people(meeting, people, actor=current_user)), None):
        invited, skipped = outcome
        message = ngettext("%(num)d person invited.", "%(num)d people invited.", len(invited))
        if skipped:
            message += " " + ngettext("%(num)d was already invited or has no active account.",
                                      "%(num)d were already invited or have no active account.", len(skipped))
        flash(message, "success")
    return _back(meeting, "participants")


@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>", methods=["POST"])
@login_required
def update_participant(meeting_id, participant_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    participant = load_participant(meeting, participant_id)
    form = ParticipantRoleForm()
    if form.validate_on_submit():
        # The page's checkbox says whether the person votes; a guest never does,
        # so a box left ticked while switching someone to guest is not an error.
        can_vote = form.can_vote.data and form.role.data != Role.GUEST.value
        _apply(lambda: operations.update_participant(participant, role=form.role.data, can_vote=can_vote,
                                                     actor=current_user),
               _("Role of %(name)s saved.", name=participant.user.full_name))
    else:  # only choices to make here: nothing typed to keep, the reason is said (ecabinet.js shows it)
        flash(_("Choose a role for %(name)s.", name=participant.user.full_name), "error")
    return _back(meeting, "participants")


@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>/delete", methods=["POST"])
@login_required
def remove_participant(meeting_id, participant_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    participant = load_participant(meeting, participant_id)
    if ConfirmForm().validate_on_submit():
        _apply(lambda: operations.remove_participant(participant, actor=current_user),
               _("%(name)s removed from the session.", name=participant.user.full_name))
    return _back(meeting, "participants")

