"""Who closes a written poll before its deadline: the body's chair alone, as the roster stands now
(issue 11 item 7: "at the deadline by itself … or early by the chair"). Seen from the API: the
secretariat that sent it, a member, an administrator, the chair of another body, a chair replaced
since the poll was sent or deactivated are refused and the poll stays open; the new chair closes it.
"""
from datetime import timedelta

import pytest

from ecabinet.bodies import operations as bodies
from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.polls import access, operations
from ecabinet.polls.models import CloseReason, Poll, PollStatus
from tests.factories import create_user
from tests.polls.helpers import Cast, answer, create_poll


def _status(poll_id):
    db.session.expire_all()
    return db.session.get(Poll, poll_id).status


# (who, expected status of POST /close): 404 for those who do not see the poll at all.
REFUSED = [("secretariat", 403), ("member", 403), ("admin", 404), ("other_body_member", 404), ("stranger", 404)]


@pytest.mark.parametrize("who,status", REFUSED)
def test_only_the_chair_closes_early(app, bearer, who, status):
    cast = Cast()
    poll = create_poll(cast, send=True)
    user = cast.user(who)
    assert not access.can_close_poll(user, poll)
    response = app.test_client().post(f"/api/v1/polls/{poll.id}/close", headers=bearer(user))
    assert response.status_code == status
    assert _status(poll.id) == PollStatus.OPEN
    shown = app.test_client().get(f"/api/v1/polls/{poll.id}", headers=bearer(cast.chair)).get_json()
    assert shown["permissions"]["close"] is True


def test_the_chair_is_the_one_on_the_roster_now(app, bearer):
    cast = Cast()
    poll = create_poll(cast, send=True)
    answer(poll, cast.members[1], "yes")
    successor = create_user(full_name="Hoàng Văn Kế Nhiệm")
    # The chair steps down after the poll went out; another member of the body takes the chair.
    bodies.set_roster_place(cast.body, cast.chair, role="member", position="Ủy viên", rank=50)
    bodies.set_roster_place(cast.body, successor, role="chair", position="Chủ tịch", rank=1)
    db.session.commit()
    client = app.test_client()
    assert client.post(f"/api/v1/polls/{poll.id}/close", headers=bearer(cast.chair)).status_code == 403
    assert _status(poll.id) == PollStatus.OPEN
    closed = client.post(f"/api/v1/polls/{poll.id}/close", headers=bearer(successor)).get_json()
    assert (closed["status"], closed["close_reason"]) == ("closed", "chair")
    # Once closed, nobody is offered "close" any more; closing again is 409.
    assert closed["permissions"]["close"] is False
    again = client.post(f"/api/v1/polls/{poll.id}/close", headers=bearer(successor))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "poll_not_open"


def test_a_deactivated_chair_does_not_close(app, bearer):
    cast = Cast()
    poll = create_poll(cast, send=True)
    token = bearer(cast.chair)
    cast.chair.active = False
    db.session.commit()
    assert not access.can_close_poll(cast.chair, poll)
    assert app.test_client().post(f"/api/v1/polls/{poll.id}/close", headers=token).status_code == 401
    assert _status(poll.id) == PollStatus.OPEN


def test_a_chair_closing_past_the_deadline_is_not_an_early_close(app):
    with app.test_request_context():
        cast = Cast()
        poll = create_poll(cast, send=True)
        operations.close_poll(poll, actor=cast.chair, now=poll.deadline + timedelta(minutes=5))
        db.session.commit()
        assert poll.close_reason == CloseReason.DEADLINE and poll.closed_by_id == cast.chair.id
        early = create_poll(cast, send=True)
        operations.close_poll(early, actor=cast.chair, now=utcnow())
        db.session.commit()
        assert early.close_reason == CloseReason.CHAIR
