"""The migrations build the schema from empty, agree with the models, and downgrade to nothing.

Runs on the suite's database backend (--db=sqlite or --db=postgres), each test
on a scratch database of its own.
"""
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests import services

TABLES = {"users", "units", "api_tokens", "login_failures", "audit_entries", "meetings", "agenda_items",
          "participants"}


@pytest.fixture
def scratch_url(request, tmp_path):
    """An empty database on the suite's backend, dropped afterwards."""
    if request.config.getoption("--db") == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"ecabinet_scratch_{uuid.uuid4().hex[:10]}"
    server = sa.make_url(services.POSTGRES_URL).set(database="postgres")
    services.require_service(services.port_open(server.host, server.port or 5432), "PostgreSQL is not reachable")
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(sa.make_url(services.POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def scratch_app(scratch_url, tmp_path):
    from ecabinet import create_app

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url, "SECRET_KEY": "x",
                      "STORAGE_DIR": str(tmp_path / "storage")})
    yield app
    from ecabinet.extensions import db

    with app.app_context():
        db.engine.dispose()


def _tables(app):
    from ecabinet.extensions import db

    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_upgrade_builds_the_schema_and_downgrade_removes_it(scratch_app):
    from flask_migrate import downgrade, upgrade

    with scratch_app.app_context():
        upgrade(revision="heads")
    assert TABLES <= _tables(scratch_app)
    with scratch_app.app_context():
        downgrade(revision="base")
    assert _tables(scratch_app) <= {"alembic_version"}


def test_the_models_and_the_migrations_agree(scratch_app):
    """Autogenerate finds nothing to do after upgrading to every head."""
    from flask import current_app
    from flask_migrate import upgrade

    from ecabinet.extensions import db

    with scratch_app.app_context():
        upgrade(revision="heads")
        env = _migrations_env_settings()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "render_item": env.render_item, "target_metadata": db.metadata,
                **{k: v for k, v in current_app.extensions["migrate"].configure_args.items()
                   if k not in ("render_as_batch",)},
            })
            differences = compare_metadata(context, db.metadata)
    assert differences == [], "models and migrations differ; run `ecabinet db migrate`:\n" + "\n".join(
        map(str, differences))


def _migrations_env_settings():
    """migrations/env.py's render_item, loaded without running the environment."""
    import ast
    import types
    from pathlib import Path

    source = (Path(__file__).resolve().parent.parent / "migrations" / "env.py").read_text()
    tree = ast.parse(source)
    keep = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "render_item"]
    module = types.ModuleType("migrations_env_settings")
    from ecabinet.core.db import UTCDateTime

    module.__dict__["UTCDateTime"] = UTCDateTime
    exec(compile(ast.Module(body=keep, type_ignores=[]), "migrations/env.py", "exec"), module.__dict__)
    return module


def test_every_utc_column_is_timezone_aware_in_the_migrated_schema(scratch_app):
    """UTCDateTime renders as DateTime(timezone=True); PostgreSQL must store timestamptz."""
    from flask_migrate import upgrade

    from ecabinet.extensions import db

    with scratch_app.app_context():
        upgrade(revision="heads")
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no time zone type")
        columns = sa.inspect(db.engine).get_columns("meetings")
        starts_at = next(c for c in columns if c["name"] == "starts_at")
        assert starts_at["type"].timezone is True


def test_revision_files_are_named_by_date_and_time_in_the_order_they_apply():
    """`%Y%m%d_%H%M_slug.py`: sorting the folder lists the revisions in the order they run."""
    import re
    from pathlib import Path

    from alembic.script import ScriptDirectory

    folder = Path(__file__).resolve().parent.parent / "migrations"
    scripts = ScriptDirectory(str(folder))
    applied = [s.path for s in reversed(list(scripts.walk_revisions()))]
    names = [Path(p).name for p in applied]
    assert all(re.match(r"^\d{8}_\d{4}_[a-z0-9_]+\.py$", n) for n in names), names
    assert names == sorted(names)


def test_existing_data_moves_into_one_body(scratch_app):
    """A deployment from before bodies: its sessions belong to one body, its secretariat staff
    become that body's secretariat, and downgrading gives them their flag back."""
    from flask_migrate import downgrade, upgrade

    from ecabinet.extensions import db

    now = "2026-11-01 08:00:00"
    with scratch_app.app_context():
        upgrade(revision="0f3a1c2d5e6b")
        with db.engine.begin() as conn:
            for user_id, name, flag in [(1, "thuky", True), (2, "chutich", False)]:
                conn.execute(sa.text(
                    "INSERT INTO users (id, username, full_name, password_hash, is_admin, is_secretariat, is_active,"
                    " session_nonce, created_at) VALUES (:id, :u, :u, 'x', :f0, :flag, :t, 'n', :now)"),
                    {"id": user_id, "u": name, "flag": flag, "f0": False, "t": True, "now": now})
            conn.execute(sa.text(
                "INSERT INTO meetings (id, title, kind, starts_at, status, confidentiality, delegates_may_vote,"
                " created_at, updated_at) VALUES (1, 'Phiên họp', 'regular', :now, 'published', 'normal', :f, :now, :now)"),
                {"now": now, "f": False})
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            bodies = conn.execute(sa.text("SELECT id, name, quorum_numerator, quorum_denominator FROM bodies")).all()
            assert len(bodies) == 1 and tuple(bodies[0])[2:] == (2, 3)
            assert conn.execute(sa.text("SELECT body_id, format FROM meetings")).one() == (bodies[0][0], "in_person")
            roster = conn.execute(sa.text("SELECT user_id, role FROM body_members")).all()
            assert [tuple(r) for r in roster] == [(1, "secretariat")]
        downgrade(revision="0f3a1c2d5e6b")
        with db.engine.connect() as conn:
            flags = dict(conn.execute(sa.text("SELECT username, is_secretariat FROM users")).all())
        assert {k: bool(v) for k, v in flags.items()} == {"thuky": True, "chutich": False}
