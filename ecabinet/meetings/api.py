"""JSON API for sessions, agenda, participants and lifecycle."""
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ecabinet.accounts.api import user_json
from ecabinet.accounts.auth import login_required, require
from ecabinet.accounts.models import Unit, User
from ecabinet.bodies.api import users_field
from ecabinet.bodies.groups import group_people
from ecabinet.bodies.loaders import load_body, load_group
from ecabinet.core.collation import sorted_by_name
from ecabinet.core.api import (
    bool_field, choice_field, datetime_field, get_json, int_field, iso, text_field,
)
from ecabinet.core.errors import InvalidValue
from ecabinet.extensions import db
from ecabinet.meetings import operations
from ecabinet.meetings.events import broadcast_status
from ecabinet.meetings.access import (
    can_change_status, can_chair, can_create_meeting, can_manage_meeting,
)
from ecabinet.meetings.loaders import load_agenda_item, load_meeting, load_participant
from ecabinet.meetings.models import (
    Confidentiality, MeetingFormat, MeetingKind, MeetingStatus, Participant, Role,
)
from ecabinet.meetings.queries import meetings_for, participants_in_protocol_order

bp = Blueprint("meetings_api", __name__, url_prefix="/api/v1")

# Other domains (documents, live, voting) add their part of GET /meetings/<id>
# here: functions (meeting, user) -> dict merged into the response.
DETAIL_SECTIONS = []


# ... and of GET /meetings/<id>/participants (the live domain adds the directory's `version`).
PARTICIPANTS_SECTIONS = []


def participants_section(function):
    if function not in PARTICIPANTS_SECTIONS:
        PARTICIPANTS_SECTIONS.append(function)
    return function


def detail_section(function):
    """Register once: create_app may run many times in one process (tests)."""
    if function not in DETAIL_SECTIONS:
        DETAIL_SECTIONS.append(function)
    return function


def meeting_json(meeting):
    return {
        "id": meeting.id,
        "title": meeting.title,
        "body_id": meeting.body_id,
        "body": {"id": meeting.body.id, "name": meeting.body.name, "parent_name": meeting.body.parent_name},
        "kind": meeting.kind.value,
        "format": meeting.format.value,
        "status": meeting.status.value,
        "starts_at": iso(meeting.starts_at),
        "ends_at": iso(meeting.ends_at),
        "location": meeting.location,
        "description": meeting.description,
        "confidentiality": meeting.confidentiality.value,
        "delegates_may_vote": meeting.delegates_may_vote,
        "published_at": iso(meeting.published_at),
        "started_at": iso(meeting.started_at),
        "ended_at": iso(meeting.ended_at),
    }


def agenda_item_json(item):
    return {
        "id": item.id,
        "position": item.position,
        "number": item.number,
        "title": item.title,
        "presenter": item.presenter,
        "duration_minutes": item.duration_minutes,
        "description": item.description,
    }


def participant_json(participant):
    return {
        "id": participant.id,
        "user_id": participant.user_id,
        "user": user_json(participant.user),
        "role": participant.role.value,
        "can_vote": participant.can_vote,
        "delegate_for_id": participant.delegate_for_id,
        "attendance": participant.attendance.value,
        "attendance_note": participant.attendance_note,
        # The user's name, title and unit at the top level as well, for the live pages' directory.
        "full_name": participant.user.full_name,
        "title": participant.user.title,
        "unit": participant.user.unit_name,
    }


def meeting_detail_json(meeting, user):
    data = meeting_json(meeting)
    data["agenda"] = [agenda_item_json(item) for item in meeting.agenda_items]
    data["participants"] = [participant_json(p) for p in participants_in_protocol_order(meeting)]
    me = meeting.participant_for(user)
    data["my_role"] = me.role.value if me else None
    data["permissions"] = {
        "manage": can_manage_meeting(user, meeting),
        "change_status": can_change_status(user, meeting),
        "chair": can_chair(user, meeting),
    }
    for section in DETAIL_SECTIONS:
        data.update(section(meeting, user))
    return data


# -- sessions ---------------------------------------------------------------


@bp.route("/meetings", methods=["GET"])
@login_required
def list_meetings():
    return jsonify({"meetings": [meeting_json(m) for m in meetings_for(current_user)]})


def _meeting_fields(data, *, partial_of=None):
    current = meeting_json(partial_of) if partial_of else {}
    merged = {**current, **data} if partial_of else data
    return dict(
        title=text_field(merged, "title", required=True, max_length=300),
        starts_at=datetime_field(merged, "starts_at", required=True),
        ends_at=datetime_field(merged, "ends_at"),
        location=text_field(merged, "location", max_length=300),
        description=text_field(merged, "description", max_length=10000),
        kind=choice_field(merged, "kind", [k.value for k in MeetingKind], default=MeetingKind.REGULAR.value),
        format=choice_field(merged, "format", [f.value for f in MeetingFormat], default=MeetingFormat.IN_PERSON.value),
        confidentiality=choice_field(merged, "confidentiality", [c.value for c in Confidentiality],
                                     default=Confidentiality.NORMAL.value),
        delegates_may_vote=bool_field(merged, "delegates_may_vote"),
    )


@bp.route("/meetings", methods=["POST"])
@login_required
def create_meeting():
    data = get_json()
    body_id = int_field(data, "body_id", minimum=1)
    body = load_body(body_id) if body_id else None
    require(can_create_meeting, body)
    meeting = operations.create_meeting(actor=current_user, body=body, **_meeting_fields(data))
    db.session.commit()
    return jsonify(meeting_detail_json(meeting, current_user)), 201


@bp.route("/meetings/<int:meeting_id>", methods=["GET"])
@login_required
def get_meeting(meeting_id):
    meeting = load_meeting(meeting_id)
    return jsonify(meeting_detail_json(meeting, current_user))


@bp.route("/meetings/<int:meeting_id>", methods=["PATCH"])
@login_required
def update_meeting(meeting_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    operations.update_meeting(meeting, actor=current_user, **_meeting_fields(get_json(), partial_of=meeting))
    db.session.commit()
    return jsonify(meeting_detail_json(meeting, current_user))


@bp.route("/meetings/<int:meeting_id>/<any(publish, start, end, archive, unpublish):action>",
          methods=["POST"])
@login_required
def transition(meeting_id, action):
    meeting = load_meeting(meeting_id, can_change_status)
    target = {"publish": MeetingStatus.PUBLISHED, "start": MeetingStatus.LIVE, "end": MeetingStatus.ENDED,
              "archive": MeetingStatus.ARCHIVED, "unpublish": MeetingStatus.DRAFT}[action]
    operations.change_status(meeting, target, actor=current_user)
    broadcast_status(meeting)
    db.session.commit()
    return jsonify(meeting_json(meeting))


# -- agenda -----------------------------------------------------------------


def _item_fields(data):
    return dict(
        title=text_field(data, "title", required=True, max_length=500),
        presenter=text_field(data, "presenter", max_length=300),
        duration_minutes=int_field(data, "duration_minutes", minimum=1, maximum=24 * 60),
        description=text_field(data, "description", max_length=10000),
    )


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@login_required
def add_agenda_item(meeting_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    item = operations.add_agenda_item(meeting, actor=current_user, **_item_fields(get_json()))
    db.session.commit()
    return jsonify(agenda_item_json(item)), 201


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>", methods=["PATCH"])
@login_required
def update_agenda_item(meeting_id, item_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    item = load_agenda_item(meeting, item_id)
    merged = {**agenda_item_json(item), **get_json()}
    operations.update_agenda_item(item, actor=current_user, **_item_fields(merged))
    db.session.commit()
    return jsonify(agenda_item_json(item))


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>", methods=["DELETE"])
@login_required
def delete_agenda_item(meeting_id, item_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    operations.remove_agenda_item(load_agenda_item(meeting, item_id), actor=current_user)
    db.session.commit()
    return "", 204


@bp.route("/meetings/<int:meeting_id>/agenda/order", methods=["PUT"])
@login_required
def reorder_agenda(meeting_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    item_ids = get_json().get("item_ids")
    if not isinstance(item_ids, list) or not all(isinstance(i, int) and not isinstance(i, bool)
                                                 for i in item_ids):
        raise InvalidValue(_("item_ids must be a list of agenda item ids."), field="item_ids")
    items = operations.reorder_agenda(meeting, item_ids, actor=current_user)
    db.session.commit()
    return jsonify({"agenda": [agenda_item_json(i) for i in items]})


# -- participants -----------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/participants", methods=["GET"])
@login_required
def list_participants(meeting_id):
    meeting = load_meeting(meeting_id)
    # One query per table, not one per participant (a session can hold hundreds).
    participants = db.session.execute(
        select(Participant).where(Participant.meeting_id == meeting.id)
        .options(selectinload(Participant.user).selectinload(User.unit))
    ).scalars().all()
    data = {"participants": [participant_json(p) for p in participants_in_protocol_order(meeting, participants)]}
    for section in PARTICIPANTS_SECTIONS:
        data.update(section(meeting, current_user))
    return jsonify(data)


@bp.route("/meetings/<int:meeting_id>/participants", methods=["POST"])
@login_required
def invite_participant(meeting_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    data = get_json()
    user_id = int_field(data, "user_id", required=True, minimum=1)
    delegate_for_id = int_field(data, "delegate_for_id", minimum=1)
    participant = operations.invite_participant(
        meeting, db.session.get(User, user_id),
        choice_field(data, "role", [r.value for r in Role], required=True),
        can_vote=bool_field(data, "can_vote") if "can_vote" in data else None,
        delegate_for=db.session.get(User, delegate_for_id) if delegate_for_id else None,
        actor=current_user)
    db.session.commit()
    return jsonify(participant_json(participant)), 201


@bp.route("/meetings/<int:meeting_id>/participants/roster", methods=["POST"])
@login_required
def invite_roster(meeting_id):
    """Invite the body's roster (chair and members; only those of `unit_id` if given) in one call."""
    meeting = load_meeting(meeting_id, can_manage_meeting)
    unit_id = int_field(get_json() if request.data else {}, "unit_id", minimum=1)
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit_id and unit is None:
        raise InvalidValue(_("No such unit."), field="unit_id")
    invited = operations.invite_roster(meeting, actor=current_user, unit=unit)
    db.session.commit()
    return jsonify({"invited": [participant_json(p) for p in invited]}), 201


def people_to_invite(meeting, data):
    """The people a bulk invitation names: exactly one of a saved group of the session's body
    (`group_id`), a unit (`unit_id`, its active users) or a list (`user_ids`)."""
    given = [name for name in ("group_id", "unit_id", "user_ids") if data.get(name) is not None]
    if len(given) != 1:
        raise InvalidValue(_("Name exactly one of group_id, unit_id or user_ids."), field="group_id")
    if given == ["group_id"]:
        group = load_group(meeting.body, int_field(data, "group_id", minimum=1))
        return group_people(group)
    if given == ["unit_id"]:
        unit = db.session.get(Unit, int_field(data, "unit_id", minimum=1))
        if unit is None:
            raise InvalidValue(_("No such unit."), field="unit_id")
        return sorted_by_name(db.session.execute(select(User).where(User.unit_id == unit.id)).scalars().all())
    return users_field(data)


@bp.route("/meetings/<int:meeting_id>/participants/bulk", methods=["POST"])
@login_required
def invite_people(meeting_id):
    """Invite a saved group, a unit or a list of people in one call; whoever takes part already is skipped."""
    meeting = load_meeting(meeting_id, can_manage_meeting)
    invited, skipped = operations.invite_people(meeting, people_to_invite(meeting, get_json()), actor=current_user)
    db.session.commit()
    return jsonify({"invited": [participant_json(p) for p in participants_in_protocol_order(meeting, invited)],
                    "skipped": skipped}), 201


@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>", methods=["PATCH"])
@login_required
def update_participant(meeting_id, participant_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    participant = load_participant(meeting, participant_id)
    data = get_json()
    operations.update_participant(
        participant, actor=current_user,
        role=choice_field(data, "role", [r.value for r in Role], default=participant.role.value),
        can_vote=bool_field(data, "can_vote") if "can_vote" in data else None)
    db.session.commit()
    return jsonify(participant_json(participant))


@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>", methods=["DELETE"])
@login_required
def remove_participant(meeting_id, participant_id):
    meeting = load_meeting(meeting_id, can_manage_meeting)
    operations.remove_participant(load_participant(meeting, participant_id), actor=current_user)
    db.session.commit()
    return "", 204
