"""The join's one lookup (live.access.load_for_join) brings what the snapshot's rules read: the
caller's places on bodies' rosters (is the caller their body's secretariat?) come with it, so a
join runs no query of its own for them, and the rules decide as on a freshly loaded user."""
import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import inspect

from ecabinet.extensions import db
from ecabinet.live import access, operations, state
from tests.factories import create_secretariat

pytestmark = pytest.mark.usefixtures("in_request")


@pytest.fixture
def roster_queries():
    """The statements reading body_members on the test's connection."""
    seen = []
    connection = db.session.connection()

    def capture(_conn, _cursor, statement, *_args):
        if "body_members" in statement:
            seen.append(statement)

    sa_event.listen(connection, "before_cursor_execute", capture)
    yield seen
    sa_event.remove(connection, "before_cursor_execute", capture)


def _join_snapshot(meeting, user):
    found = access.load_for_join(meeting.id, user_id=user.id, sid="sid-lookup")
    snapshot = state.snapshot(found.meeting, found.user, me=found.participant, state=found.state)
    return found, snapshot


@pytest.mark.parametrize("who", ["member", "chair", "secretariat", "other_secretariat"])
def test_the_join_lookup_brings_the_callers_roster_and_the_rules_decide_alike(session_live, roster_queries, who):
    meeting, secretariat, chair, members = session_live
    user = {"member": members[0], "chair": chair, "secretariat": secretariat,
            "other_secretariat": create_secretariat()}[who]
    operations.get_state(meeting)
    db.session.commit()
    expected = dict(zip(("can_chair", "can_manage_floor", "can_mark_attendance", "can_present"),
                        _rights(meeting, user)))
    user_id = user.id
    db.session.expire_all()  # as in a join's own request: nothing of the user loaded yet
    roster_queries.clear()
    found, snapshot = _join_snapshot(meeting, db.session.get(type(user), user_id))
    assert "roster" not in inspect(found.user).unloaded
    # Read by the lookup's own statement (it names the live state too), never by a lazy load after it.
    assert roster_queries and all("live_states" in statement for statement in roster_queries)
    assert {key: snapshot[key] for key in expected} == expected


def _rights(meeting, user):
    """The rules on the user and session as loaded the ordinary way (lazy roster)."""
    db.session.expire_all()
    seen = access.seen_by(user, meeting)
    live_state = operations.peek_state(meeting)
    return (access.can_control_agenda(user, seen), access.can_manage_floor(user, seen),
            access.can_mark_attendance(user, seen), access.can_present(user, seen, live_state))
