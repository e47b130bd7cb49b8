"""Load a body for the current user, then check: 404 when they may not see it, 403 when they may
see it but not do this."""
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.bodies.access import can_view_body
from ecabinet.bodies.models import Body, InvitationGroup
from ecabinet.core.errors import NotAllowed, NotFound
from ecabinet.extensions import db


def load_body(body_id, check=None):
    body = db.session.get(Body, body_id)
    if body is None or not can_view_body(current_user, body):
        raise NotFound(_("This body does not exist or is not visible to you."), code="body_not_found")
    if check is not None and not check(current_user):
        raise NotAllowed(_("You are not allowed to do this."))
    return body


def load_group(body, group_id):
    """A saved invitation group of this body, or 404 group_not_found."""
    group = db.session.get(InvitationGroup, group_id)
    if group is None or group.body_id != body.id:
        raise NotFound(_("This group does not exist."), code="group_not_found")
    return group
