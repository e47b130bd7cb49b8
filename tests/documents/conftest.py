"""Documents tests: SQLite in WAL mode, so the test's own reads never block a request's commit.

(The shared `_transaction` fixture binds the session to one connection, but Flask-SQLAlchemy 3.1's
Session.get_bind routes mapped tables to the engine, so test and request use separate connections.)
"""
import pytest


@pytest.fixture(scope="session", autouse=True)
def _sqlite_wal(app):
    from ecabinet.extensions import db

    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        import sqlite3

        connection = sqlite3.connect(url.database, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.close()
    yield
