"""JSON API of ballots (protocol.md): prepare, open, close, vote (and record by hand), results, CSV."""
from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts.auth import login_required
from ecabinet.accounts.models import User
from ecabinet.core.api import bool_field, choice_field, get_json, int_field, text_field
from ecabinet.core.errors import InvalidValue, NotAllowed, NotFound
from ecabinet.extensions import db
from ecabinet.meetings.loaders import load_agenda_item, load_meeting
from ecabinet.voting import access, events, export, operations, payloads
from ecabinet.voting.models import Ballot
from ecabinet.voting.rules import RULES

bp = Blueprint("voting_api", __name__, url_prefix="/api/v1")


def load_ballot(ballot_id, check=None):
    """The ballot if the caller may see it (404 otherwise), then `check` (403)."""
    ballot = db.session.get(Ballot, ballot_id)
    if ballot is None or not access.can_view_ballot(current_user, ballot):
        raise NotFound(_("This ballot does not exist or is not visible to you."), code="ballot_not_found")
    if check is not None and not check(current_user, ballot):
        raise NotAllowed(_("You are not allowed to do this with this ballot."))
    return ballot


@bp.route("/meetings/<int:meeting_id>/ballots", methods=["POST"])
@login_required
def create_ballot(meeting_id):
    meeting = load_meeting(meeting_id, access.can_prepare_ballots)
    data = get_json()
    item_id = int_field(data, "agenda_item_id", minimum=1)
    ballot = operations.create_ballot(
        meeting, actor=current_user, question=text_field(data, "question", required=True, max_length=2000),
        agenda_item=load_agenda_item(meeting, item_id) if item_id else None, secret=bool_field(data, "secret"),
        rule=choice_field(data, "rule", list(RULES)), allow_change=bool_field(data, "allow_change"),
        time_limit_s=int_field(data, "time_limit_s", minimum=10, maximum=operations.MAX_TIME_LIMIT_S))
    db.session.commit()
    return jsonify(payloads.ballot_json(ballot, current_user)), 201


@bp.route("/meetings/<int:meeting_id>/ballots", methods=["GET"])
@login_required
def list_ballots(meeting_id):
    meeting = load_meeting(meeting_id)
    return jsonify({"ballots": [payloads.ballot_json(b, current_user) for b in payloads.ballots_of(meeting.id)
                                if access.can_view_ballot(current_user, b)]})


@bp.route("/ballots/<int:ballot_id>", methods=["GET"])
@login_required
def get_ballot(ballot_id):
    return jsonify(payloads.ballot_json(load_ballot(ballot_id), current_user))


@bp.route("/ballots/<int:ballot_id>", methods=["DELETE"])
@login_required
def delete_ballot(ballot_id):
    operations.delete_ballot(load_ballot(ballot_id, access.can_edit_ballot), actor=current_user)
    db.session.commit()
    return "", 204


@bp.route("/ballots/<int:ballot_id>/open", methods=["POST"])
@login_required
def open_ballot(ballot_id):
    ballot = load_ballot(ballot_id, access.can_run_ballot)
    data = get_json() if _has_body() else {}
    operations.open_ballot(ballot, actor=current_user,
                           override_reason=text_field(data, "override_reason", max_length=1000))
    events.announce_opened(ballot)
    db.session.commit()
    return jsonify(payloads.ballot_json(ballot, current_user))


@bp.route("/ballots/<int:ballot_id>/close", methods=["POST"])
@login_required
def close_ballot(ballot_id):
    ballot = load_ballot(ballot_id, access.can_run_ballot)
    data = get_json() if _has_body() else {}
    operations.close_ballot(ballot, actor=current_user, casting_choice=data.get("casting_choice"))
    events.announce_closed(ballot)
    db.session.commit()
    return jsonify(payloads.ballot_json(ballot, current_user))


@bp.route("/ballots/<int:ballot_id>/votes", methods=["POST"])
@login_required
def cast_vote(ballot_id):
    data = get_json()
    if "user_id" in data or data.get("by_hand"):
        ballot = load_ballot(ballot_id, access.can_record_by_hand)
        voter = db.session.get(User, int_field(data, "user_id", required=True, minimum=1))
        if voter is None:
            raise InvalidValue(_("No such user."), code="not_eligible", field="user_id")
        reply = operations.cast_vote(ballot.id, voter, data.get("choice"), actor=current_user)
    else:
        reply = operations.cast_vote(ballot_id, current_user, data.get("choice"))
    events.announce_progress(reply["meeting_id"])
    db.session.commit()
    body = {"ok": True, **{key: value for key, value in reply.items() if key != "meeting_id"}}
    return jsonify(body), 200 if reply.get("changed") else 201


@bp.route("/ballots/<int:ballot_id>/results.csv", methods=["GET"])
@login_required
def ballot_csv(ballot_id):
    ballot = load_ballot(ballot_id)
    return _csv(export.ballot_csv(ballot), f"ballot-{ballot.id}.csv")


@bp.route("/meetings/<int:meeting_id>/ballots.csv", methods=["GET"])
@login_required
def meeting_csv(meeting_id):
    meeting = load_meeting(meeting_id)
    ballots = [b for b in payloads.ballots_of(meeting.id) if access.can_view_ballot(current_user, b)]
    return _csv(export.meeting_csv(meeting, ballots), f"meeting-{meeting.id}-ballots.csv")


def _csv(text, filename):
    # A byte order mark: spreadsheet programs then read the Vietnamese text as UTF-8.
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _has_body():
    return bool(request.get_data(cache=True))

