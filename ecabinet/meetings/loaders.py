"""Load a session for the current user, then check it: 404 when invisible, 403 when only forbidden."""
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.core.errors import NotAllowed, NotFound
from ecabinet.extensions import db
from ecabinet.meetings.access import can_view_meeting
from ecabinet.meetings.models import AgendaItem, Meeting, Participant


def load_meeting(meeting_id, check=None):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can_view_meeting(current_user, meeting):
        raise NotFound(_("This session does not exist or is not visible to you."), code="meeting_not_found")
    if check is not None and not check(current_user, meeting):
        raise NotAllowed(_("You are not allowed to do this in this session."))
    return meeting


def load_agenda_item(meeting, item_id):
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound(_("No such agenda item in this session."), code="agenda_item_not_found")
    return item


def load_participant(meeting, participant_id):
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.meeting_id != meeting.id:
        raise NotFound(_("No such participant in this session."), code="participant_not_found")
    return participant
