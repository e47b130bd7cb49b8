"""Bearer tokens presented at the same moment are read together (PostgreSQL): one read for the batch,
and each request gets its token and user in its own session as if it had read them itself."""
import pytest
from sqlalchemy import event

from ecabinet.accounts import operations
from ecabinet.accounts.operations import find_token, issue_token, logout
from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from tests.factories import create_user

pytestmark = pytest.mark.usefixtures("in_request")


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


@pytest.fixture(autouse=True)
def _postgresql_only():
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("tokens are read together on PostgreSQL (SQLite reads one at a time)")


@pytest.fixture
def batched(monkeypatch):
    """As in a server's request: no transaction begun (the tests' session is inside one)."""
    monkeypatch.setattr(operations, "can_commit_alone", lambda _session: True)


def _statements():
    """The SQL sent from now on (the listener stays until the test removes it or ends)."""
    seen = []

    def listener(*args):
        seen.append(args[2])

    _statements.last = listener
    event.listen(db.engine, "before_cursor_execute", listener)
    return seen


@pytest.fixture(autouse=True)
def _no_listener_left():
    yield
    listener = getattr(_statements, "last", None)
    if listener is not None and event.contains(db.engine, "before_cursor_execute", listener):
        event.remove(db.engine, "before_cursor_execute", listener)


def test_one_read_serves_several_tokens_and_tells_unknown_ones():
    users = [create_user() for _ in range(3)]
    raws = [issue_token(user)[1] for user in users]
    db.session.commit()
    rows = operations._read_tokens([operations._hash_token(raw) for raw in raws] + ["0" * 64])
    assert [row.u_id for row in rows[:3]] == [user.id for user in users]
    assert [row.t_user_id for row in rows[:3]] == [user.id for user in users]
    assert rows[3] is None


def test_a_token_read_together_is_in_the_session_as_if_read_there(batched):
    user = create_user(full_name="Nguyễn Thị Lô")
    token, raw = issue_token(user)
    db.session.commit()
    user_id, token_id = user.id, token.id
    db.session.expunge_all()
    seen = _statements()
    found = find_token(raw)
    reads = [sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1 and "ANY" in reads[0]   # the batch's read, nothing else
    event.remove(db.engine, "before_cursor_execute", _statements.last)
    assert found.id == token_id and found in db.session and found.user in db.session
    assert not db.session.dirty and not db.session.new
    seen = _statements()
    assert found.user.id == user_id and found.user.full_name == "Nguyễn Thị Lô" and found.user.active
    assert found.expires_at > utcnow() and found.revoked_at is None
    assert seen == []   # nothing read again


def test_revoked_unknown_and_inactive_are_refused_when_read_together(batched):
    user, other = create_user(), create_user()
    revoked, revoked_raw = issue_token(user)
    _token, inactive_raw = issue_token(other)
    db.session.commit()
    logout(user, revoked)   # signing out through the API revokes its token
    other.active = False
    db.session.commit()
    db.session.expunge_all()
    assert find_token(revoked_raw) is None
    assert find_token("not-a-token") is None
    assert find_token(inactive_raw) is None


def test_a_session_already_holding_the_user_reads_it_the_ordinary_way(batched):
    user = create_user()
    token, raw = issue_token(user)
    db.session.commit()
    found = find_token(raw)   # the user is still in this session: as_loaded steps aside
    assert found is token and found.user is user
