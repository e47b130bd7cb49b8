"""The `ecabinet` console script, run for real in a subprocess on a scratch database."""
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import services

pytestmark = pytest.mark.slow  # seeding the demo several times over

ROOT = Path(__file__).resolve().parent.parent
ECABINET = Path(sys.executable).with_name("ecabinet")


def run_cli(env, *args, check=True, timeout=120):
    result = subprocess.run([str(ECABINET), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=timeout)
    if check:
        assert result.returncode == 0, f"ecabinet {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def cli_env(tmp_path, database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECABINET_")}
    env.update({
        "ECABINET_DATABASE_URL": database_url,
        "ECABINET_INSTANCE_DIR": str(tmp_path / "instance"),
        "ECABINET_STORAGE_DIR": str(tmp_path / "storage"),
        "PYTHONPATH": str(ROOT),  # the checkout under test, whatever the venv was installed from
    })
    return env


def tables(url):
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_env(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    return cli_env(tmp_path, url), url


def test_the_console_script_is_installed():
    assert ECABINET.exists(), f"{ECABINET} is missing: pip install -e ."


def test_db_upgrade_create_user_seed_demo_audit_and_downgrade(sqlite_env):
    env, url = sqlite_env
    run_cli(env, "db", "upgrade")
    assert {"users", "meetings", "agenda_items", "participants", "audit_entries"} <= tables(url)

    created = run_cli(env, "create-user", "nguyen.an", "--password", "mat-khau-123", "--full-name", "Nguyễn Văn An",
                      "--title", "Chuyên viên", "--unit", "Văn phòng UBND tỉnh", "--secretariat")
    user_id = int(created.stdout.strip())
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT u.full_name, m.role, u.is_admin, n.name FROM users u "
                                   "JOIN units n ON n.id = u.unit_id JOIN body_members m ON m.user_id = u.id "
                                   "WHERE u.id = :id"), {"id": user_id}).one()
    assert tuple(row) == ("Nguyễn Văn An", "secretariat", False, "Văn phòng UBND tỉnh")

    duplicate = run_cli(env, "create-user", "nguyen.an", "--password", "mat-khau-123", "--full-name", "X",
                        check=False)
    assert duplicate.returncode != 0 and "already taken" in duplicate.stderr
    short = run_cli(env, "create-user", "ngan", "--password", "123", "--full-name", "X", check=False)
    assert short.returncode != 0

    seeded = run_cli(env, "seed-demo")
    assert "demo12345" in seeded.stdout and "Loaded the demo" in seeded.stdout
    for login in ("chutich", "thuky", "gd.taichinh", "quantri"):
        assert re.search(rf"^\s+{re.escape(login)}\s", seeded.stdout, re.M), seeded.stdout

    def counts():
        with engine.connect() as conn:
            return tuple(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                         for t in ("users", "meetings", "agenda_items", "participants"))

    before = counts()
    assert before[1] == 3 and before[0] > 20  # the province's two sessions and the commune's
    again = run_cli(env, "seed-demo")
    assert counts() == before, "seed-demo is not idempotent"
    assert "The demo is already loaded: nothing was changed." in again.stdout
    assert again.stdout.split("Demo logins")[1] == seeded.stdout.split("Demo logins")[1]

    verified = run_cli(env, "audit", "verify")
    count = int(re.search(r"intact: (\d+) entries", verified.stdout).group(1))
    assert count > 50

    # Tampering with an entry breaks the chain, and verify says so.
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_entries SET action = 'forged' WHERE id = 3"))
    broken = run_cli(env, "audit", "verify", check=False)
    assert broken.returncode != 0 and "broken at entry 3" in broken.stderr
    engine.dispose()

    run_cli(env, "db", "downgrade", "base")
    assert tables(url) <= {"alembic_version"}


def test_seed_demo_reset_brings_the_demo_back_and_touches_nothing_else(sqlite_env, tmp_path):
    """After the demo's session was ended (and someone added an account), `seed-demo` says so and
    changes nothing; `--reset` asks first (no answer: nothing deleted), then with --yes deletes the
    database's rows and the stored document files and loads the demo afresh. The instance folder's
    secret key, the signing CA under the storage folder and the checkout stay; production refuses."""
    env, url = sqlite_env
    run_cli(env, "db", "upgrade")
    run_cli(env, "seed-demo")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE meetings SET status = 'ended' WHERE title LIKE 'Phiên họp UBND tỉnh thường kỳ%'"))
    run_cli(env, "create-user", "khach.le", "--password", "mat-khau-123", "--full-name", "Khách Lẻ")
    instance, storage = tmp_path / "instance", tmp_path / "storage"
    secret = (instance / "secret_key").read_text()
    (storage / "pki").mkdir(parents=True, exist_ok=True)
    (storage / "pki" / "ca.pem").write_text("pilot CA")
    blobs = lambda: sorted(p.name for p in (storage / "blobs").rglob("*.pdf"))  # noqa: E731

    def scalar(sql):
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()

    before = blobs()
    stale = run_cli(env, "seed-demo")
    assert "already loaded: nothing was changed" in stale.stdout and "is ended now" in stale.stdout
    assert "seed-demo --reset" in stale.stdout

    refused = run_cli(env, "seed-demo", "--reset", check=False)   # no answer to the question: aborted
    assert refused.returncode != 0 and "Delete every session" in refused.stdout
    assert scalar("SELECT count(*) FROM users WHERE username = 'khach.le'") == 1

    production = dict(env, ECABINET_ENV="production", ECABINET_SECRET_KEY="s" * 32)
    denied = run_cli(production, "seed-demo", "--reset", "--yes", check=False)
    assert denied.returncode != 0 and "refused" in denied.stderr
    assert scalar("SELECT count(*) FROM users WHERE username = 'khach.le'") == 1

    reset = run_cli(env, "seed-demo", "--reset", "--yes")
    assert re.search(r"Deleted the previous data: \d+ rows in \d+ tables of sqlite:///", reset.stdout)
    assert f"{len(before)} stored document files" in reset.stdout and "Loaded the demo" in reset.stdout
    assert "chutich" in reset.stdout
    assert scalar("SELECT status FROM meetings WHERE title LIKE 'Phiên họp UBND tỉnh thường kỳ%'") == "published"
    assert scalar("SELECT count(*) FROM users WHERE username = 'khach.le'") == 0
    assert scalar("SELECT count(*) FROM meetings") == 3
    assert len(blobs()) == scalar("SELECT count(DISTINCT sha256) FROM document_versions") > 0
    assert (instance / "secret_key").read_text() == secret and (storage / "pki" / "ca.pem").read_text() == "pilot CA"
    assert (ROOT / "setup.cfg").exists() and Path(sys.executable).exists()
    assert "intact" in run_cli(env, "audit", "verify").stdout
    engine.dispose()


def test_run_serves_the_app_with_eventlet(sqlite_env):
    env, _url = sqlite_env
    run_cli(env, "db", "upgrade")
    port = services.free_port()
    process = subprocess.Popen([str(ECABINET), "run", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while not services.port_open("127.0.0.1", port, timeout=0.2):
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "ecabinet run did not listen within 30 s"
            time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as response:
            assert response.status == 200 and "Đăng nhập" in response.read().decode()
        # The Socket.IO endpoint answers with a websocket upgrade offered: eventlet, not the threading fallback.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling",
                                    timeout=10) as response:
            assert '"upgrades":["websocket"]' in response.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert f"http://127.0.0.1:{port}/" in process.stdout.read()


def test_db_upgrade_on_postgresql(request, tmp_path):
    if request.config.getoption("--db") != "postgres":
        pytest.skip("runs with --db=postgres")
    server = sa.make_url(services.POSTGRES_URL).set(database="postgres")
    services.require_service(services.port_open(server.host, server.port or 5432), "PostgreSQL is not reachable")
    name = f"ecabinet_cli_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(services.POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        env = cli_env(tmp_path, url)
        run_cli(env, "db", "upgrade")
        assert {"users", "meetings", "participants"} <= tables(url)
        run_cli(env, "seed-demo")
        # The reset on PostgreSQL: one TRUNCATE … RESTART IDENTITY, then the demo afresh with ids from 1.
        reset = run_cli(env, "seed-demo", "--reset", "--yes")
        assert "Deleted the previous data" in reset.stdout and "Loaded the demo" in reset.stdout
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT min(id), count(*) FROM meetings")).one() == (1, 3)
        engine.dispose()
        assert "intact" in run_cli(env, "audit", "verify").stdout
        run_cli(env, "db", "downgrade", "base")
        assert tables(url) <= {"alembic_version"}
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = cli_env(tmp_path, f"sqlite:///{tmp_path / 'prod.db'}")
    env["ECABINET_ENV"] = "production"
    refused = run_cli(env, "db", "upgrade", check=False)
    assert refused.returncode != 0 and "ECABINET_SECRET_KEY is not set" in refused.stderr
    env["ECABINET_SECRET_KEY"] = "a-real-secret-from-the-operator"
    run_cli(env, "db", "upgrade")
    # And no secret was invented on disk for production.
    assert not (tmp_path / "instance" / "secret_key").exists()
