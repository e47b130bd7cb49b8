"""One rule, two forms: who may turn pages (live.access.can_turn_pages) and its SQL form
(live.access.turn_pages_clause, the WHERE of the page turn's one UPDATE) agree on every role ×
session state × presenter setting × active account."""
import itertools

import pytest
from sqlalchemy import bindparam, exists, select

from ecabinet.extensions import db
from ecabinet.live import access, operations
from ecabinet.live.models import LiveState
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus, Role
from tests.factories import create_meeting, create_secretariat, create_user

pytestmark = pytest.mark.usefixtures("in_request")

ROLES = ("chair", "secretary", "member", "guest", "delegate", "stranger", "secretariat")
PRESENTERS = ("default", "self", "other")


def _sql_allows(meeting_id, user_id):
    clause = access.turn_pages_clause(bindparam("m"), bindparam("u"))
    return bool(db.session.execute(select(exists().where(clause)), {"m": meeting_id, "u": user_id}).scalar())


@pytest.mark.parametrize("status", list(MeetingStatus))
def test_the_page_turn_rule_and_its_sql_agree(status):
    secretariat = create_secretariat()
    chair, secretary, member, guest, delegate, stranger = (create_user() for _ in range(6))
    meeting = create_meeting(status=MeetingStatus.LIVE, actor=secretariat, chair=chair, members=[member],
                             guests=[guest])
    meetings.invite_participant(meeting, secretary, Role.SECRETARY, actor=secretariat)
    meetings.invite_participant(meeting, delegate, Role.DELEGATE, actor=secretariat, delegate_for=member)
    state = operations.get_state(meeting)
    meeting.status = status
    db.session.flush()
    users = {"chair": chair, "secretary": secretary, "member": member,
             "guest": guest, "delegate": delegate, "stranger": stranger, "secretariat": secretariat}
    checked = 0
    for role, presenter, active in itertools.product(ROLES, PRESENTERS, (True, False)):
        user = users[role]
        user.active = active
        state.presenter_id = {"default": None, "self": user.id, "other": guest.id if user is not guest
                              else member.id}[presenter]
        db.session.flush()
        db.session.expire(meeting, ["participants"])
        python = access.can_turn_pages(user, meeting, db.session.get(LiveState, meeting.id))
        assert python == _sql_allows(meeting.id, user.id), (status, role, presenter, active)
        checked += python
        user.active = True
    # The sweep is not vacuous: somebody may turn pages in a live session, nobody in any other state.
    assert (checked > 0) == (status == MeetingStatus.LIVE)
