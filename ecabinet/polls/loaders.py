"""Load a poll (or one of its documents) for the current user, then check: 404 when they may not
see it, 403 when they may see it but not do this."""
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.core.errors import NotAllowed, NotFound
from ecabinet.extensions import db
from ecabinet.polls.access import can_view_poll
from ecabinet.polls.models import Poll, PollDocument


def load_poll(poll_id, check=None):
    poll = db.session.get(Poll, poll_id)
    if poll is None or not can_view_poll(current_user, poll):
        raise NotFound(_("This poll does not exist or is not visible to you."), code="poll_not_found")
    if check is not None and not check(current_user, poll):
        raise NotAllowed(_("You are not allowed to do this."))
    return poll


def load_poll_document(poll, document_id):
    document = db.session.get(PollDocument, document_id)
    if document is None or document.poll_id != poll.id:
        raise NotFound(_("No such document in this poll."), code="document_not_found")
    return document
