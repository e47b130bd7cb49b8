"""core.db.first_row_committed_alone: one statement that is its own transaction."""
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ecabinet.core.db import first_row_committed_alone
from ecabinet.extensions import db

PROBE = sa.table("autocommit_probe", sa.column("id", sa.Integer), sa.column("note", sa.String))


@pytest.fixture
def probe_table(app):
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE autocommit_probe (id INTEGER PRIMARY KEY, note VARCHAR(20))"))
        yield db.engine
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE autocommit_probe"))


def _others_see(engine):
    with engine.connect() as other:
        return other.execute(sa.select(sa.func.count()).select_from(PROBE)).scalar()


def test_a_server_session_that_has_not_begun_commits_the_statement_by_itself(probe_table):
    session = Session(bind=probe_table)
    try:
        row = first_row_committed_alone(session, sa.insert(PROBE).values(id=1, note="lá phiếu").returning(PROBE.c.id),
                                        {})
        assert row == (1,)
        if probe_table.dialect.name != "postgresql":  # SQLite: in the session's transaction, as any statement
            assert session.in_transaction() and _others_see(probe_table) == 0
            session.commit()
            assert _others_see(probe_table) == 1
            return
        assert not session.in_transaction()     # the session ended with it
        assert _others_see(probe_table) == 1    # committed, without a commit from the caller
        session.execute(sa.text("SELECT 1"))    # what follows is an ordinary transaction again
        assert session.connection().get_isolation_level() != "AUTOCOMMIT"
    finally:
        session.close()


def test_a_transaction_under_way_keeps_the_statement_until_its_commit(probe_table):
    session = Session(bind=probe_table)
    try:
        session.execute(sa.select(sa.func.count()).select_from(PROBE))  # the transaction has begun
        first_row_committed_alone(session, sa.insert(PROBE).values(id=2, note="chờ").returning(PROBE.c.id), {})
        assert session.in_transaction()
        session.rollback()
        assert _others_see(probe_table) == 0
    finally:
        session.close()


def test_a_read_that_opens_a_request_needs_no_transaction_and_keeps_what_it_loaded(probe_table):
    """rows_read_alone: on PostgreSQL the read runs in autocommit, the session is left without a
    transaction (a statement after it may commit alone) and what it loaded is not expired; with a
    transaction under way, or on SQLite, it is an ordinary read of that transaction."""
    from ecabinet.core.db import rows_read_alone

    with probe_table.begin() as connection:
        connection.execute(sa.insert(PROBE).values(id=5, note="đọc"))
    session = Session(bind=probe_table)
    try:
        rows = rows_read_alone(session, sa.select(PROBE.c.id, PROBE.c.note), {})
        assert [tuple(row) for row in rows] == [(5, "đọc")]
        assert session.in_transaction() is (probe_table.dialect.name != "postgresql")
        session.execute(sa.text("SELECT 1"))
        assert session.connection().get_isolation_level() != "AUTOCOMMIT"
        rows_read_alone(session, sa.select(PROBE.c.id), {})  # inside the transaction now
        assert session.in_transaction()
    finally:
        session.close()
