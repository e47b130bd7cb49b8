"""Fixtures: the app on a real database (SQLite by default, PostgreSQL with --db=postgres),
a transaction rolled back after each test, logged-in clients, and a real server process."""
import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

from tests import services

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption("--db", choices=["sqlite", "postgres"], default=os.environ.get("ECABINET_TEST_DB", "sqlite"),
                     help="database backend for the whole suite (default sqlite)")


def _drop_postgres_database(url):
    server = sa.make_url(url).set(database="postgres")
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def _ensure_postgres_database(url):
    """Create the test database on the local PostgreSQL if it is missing."""
    server = sa.make_url(url).set(database="postgres")
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = sa.make_url(url).database
    with engine.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    backend = request.config.getoption("--db")
    if backend == "postgres":
        parts = urlsplit(services.POSTGRES_URL.replace("+psycopg", ""))
        services.require_service(services.port_open(parts.hostname, parts.port or 5432),
                                 f"PostgreSQL is not reachable at {parts.hostname}:{parts.port}")
        url = services.postgres_url_for_worker()
        _ensure_postgres_database(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _sqlite_savepoint_fix(engine):
    """pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


def _reset_schema(app):
    """Drop everything, then build the schema through the migrations (which tests them too)."""
    from flask_migrate import upgrade

    from ecabinet.extensions import db

    with app.app_context():
        meta = sa.MetaData()
        meta.reflect(bind=db.engine)
        meta.drop_all(bind=db.engine)
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    The tests keep an app context open (for factories and the rolled-back
    transaction); without this, Flask would reuse it for every request, and `g`
    (Flask-Login's current user, Flask-Babel's locale) would leak from one
    request, or one client, to the next. Each request also gets its own
    database session on the test's connection, like production.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from ecabinet import create_app
    from ecabinet.extensions import db

    instance = tmp_path_factory.mktemp("instance")
    os.environ["ECABINET_INSTANCE_DIR"] = str(instance)
    application = create_app({
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "STORAGE_DIR": str(tmp_path_factory.mktemp("storage")),
        "SECRET_KEY": "test-secret-key",
        "SERVER_NAME": "localhost",
    })
    application.test_client_class = FreshContextClient
    _reset_schema(application)
    with application.app_context():
        _sqlite_savepoint_fix(db.engine)
    return application


class _ConnectionBoundSession(FlaskSQLAlchemySession):
    """A session that really uses the test's connection.

    Flask-SQLAlchemy's Session.get_bind picks the app's engine and ignores the
    session's own `bind`, so without this every test would commit for good.
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Each test runs in a transaction that is rolled back; commits inside become savepoints."""
    if {"live_server", "module_live_server"} & set(request.fixturenames):
        yield
        return
    from ecabinet.extensions import db

    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session({"bind": connection, "join_transaction_mode": "create_savepoint",
                                               "class_": _ConnectionBoundSession})
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


TEST_USER_AGENT = "ecabinet-tests"


def logged_in_client(app, user):
    """A test client holding the browser session that logging in as `user` would give."""
    from flask_login.utils import _create_identifier

    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=TEST_USER_AGENT, REMOTE_ADDR="127.0.0.1")
    with app.test_request_context(headers={"User-Agent": TEST_USER_AGENT},
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier
    return client


@pytest.fixture
def login(app):
    """login(user) -> a test client with that user's browser session."""
    return lambda user: logged_in_client(app, user)


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client, path="/login"):
    """The CSRF token of the client's session, read from a page like a browser would."""
    page = client.get(path)
    match = CSRF_META.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


@pytest.fixture
def bearer(app):
    """bearer(user) -> headers with a fresh API token for the user."""
    from ecabinet.accounts.operations import issue_token
    from ecabinet.extensions import db

    def make(user):
        _token, raw = issue_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return make


# -- a real server process -------------------------------------------------------


class LiveServer:
    """An `ecabinet run` process on 127.0.0.1 with its own database and storage."""

    def __init__(self, database_url, storage_dir, instance_dir, extra_env=None):
        self.database_url = database_url
        self.storage_dir = storage_dir
        self.instance_dir = instance_dir
        self.extra_env = dict(extra_env or {})
        self.port = services.free_port()
        self.process = None
        self._log = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def env(self):
        env = dict(os.environ)
        env.update({
            "ECABINET_DATABASE_URL": self.database_url,
            "ECABINET_STORAGE_DIR": str(self.storage_dir),
            "ECABINET_INSTANCE_DIR": str(self.instance_dir),
            "ECABINET_SECRET_KEY": "live-test-secret",
            "ECABINET_ALLOWED_ORIGINS": f"http://127.0.0.1:{self.port},http://localhost:{self.port}",
        })
        env.update(self.extra_env)
        return env

    def start(self):
        self._log = open(Path(self.instance_dir) / f"server-{self.port}.log", "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ecabinet", "run", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env(), stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 90  # a busy machine (parallel workers, browsers) starts it slowly
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self._log.name}")
            if services.port_open("127.0.0.1", self.port, timeout=0.2):
                return self
            time.sleep(0.1)
        raise RuntimeError("server did not start within 90 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log:
            self._log.close()

    def restart(self):
        self.stop()
        return self.start()


@contextlib.contextmanager
def running_server(database_url, directory, name="live"):
    """An `ecabinet run` process on its own database (a fresh schema) and storage under `directory`;
    `server.app` writes committed rows into that database. Stopped and dropped on exit."""
    from ecabinet import create_app

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{directory / f'{name}.db'}"
    else:
        # Named after the main test database and this process, so that two runs on one
        # PostgreSQL server (two checkouts, two engineers) never drop each other's schema.
        url = f"{database_url}_{name}_{os.getpid()}"
        _ensure_postgres_database(url)
    storage = directory / f"{name}-storage"
    instance = directory / f"{name}-instance"
    instance.mkdir()
    seed_app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url, "STORAGE_DIR": str(storage),
                           "SECRET_KEY": "live-test-secret"})
    _reset_schema(seed_app)
    server = LiveServer(url, storage, instance)
    server.app = seed_app
    server.start()
    try:
        yield server
    finally:
        server.stop()
        with seed_app.app_context():
            from ecabinet.extensions import db

            db.session.remove()
            db.engine.dispose()
        if not url.startswith("sqlite"):
            _drop_postgres_database(url)
        shutil.rmtree(storage, ignore_errors=True)


@pytest.fixture
def live_server(app, database_url, tmp_path):
    """A running server for one test."""
    with running_server(database_url, tmp_path) as server:
        yield server


@pytest.fixture(scope="module")
def module_live_server(app, database_url, tmp_path_factory):
    """One running server for a whole module: a sweep runs many cases on one set of rows."""
    with running_server(database_url, tmp_path_factory.mktemp("module-server"), "module") as server:
        yield server


# -- browser -------------------------------------------------------------------

TABLET_LANDSCAPE = {"width": 1280, "height": 800}
TABLET_PORTRAIT = {"width": 800, "height": 1280}
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    services.require_service(Path(services.CHROMIUM).exists(),
                             f"Chromium is not installed at {services.CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=services.CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        yield chromium
        chromium.close()


# The order the workers get the files in (make test: pytest-xdist, one file per worker at a time, in
# the order collected; each worker starts with a batch of consecutive files). Alphabetical, the
# browser files sit together: one worker took them all in its first batch and ran them alone long
# after the others had finished. So the long files (browser, slow, then those that start a server)
# are spread over the first three quarters of the order, the longest first, and the quick files fill
# the gaps and the end. Long: marked so, or using a browser or a server process.
_LONG = {"browser": 3, "new_page": 3, "slow": 3, "server": 1, "live_server": 1, "module_live_server": 1}


def pytest_collection_modifyitems(config, items):
    weights = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        names = [mark.name for mark in item.iter_markers()] + list(getattr(item, "fixturenames", ()))
        weights[path] = max(weights.get(path, 0), *(_LONG.get(name, 0) for name in names))
    files = list(weights)
    long = sorted((path for path in files if weights[path]), key=lambda path: -weights[path])
    quick = [path for path in files if not weights[path]]
    total, order = len(long), []
    step = 0.75 * len(files) / max(1, total)  # one long file every `step` places
    while long or quick:
        due = long and (not quick or len(order) >= (total - len(long)) * step)
        order.append((long if due else quick).pop(0))
    rank = {path: index for index, path in enumerate(order)}
    items.sort(key=lambda item: rank[item.nodeid.split("::")[0]])  # stable: each file's own order kept


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item, so fixtures can tell at teardown that it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


FAILURES = ROOT / "test-artifacts" / "failures"


@pytest.fixture
def new_page(browser, request):
    """new_page(viewport=TABLET_LANDSCAPE) -> a page in a fresh context (its own cookies).

    When the test fails, what its pages said is printed with the failure (console errors, uncaught
    exceptions, failed or 5xx requests) and each page's screenshot lands in test-artifacts/failures/:
    a browser test that fails only on a loaded CI machine must leave enough to tell why."""
    contexts, heard = [], []

    def listen(page):
        page.on("console", lambda message: message.type in ("error", "warning")
                and heard.append(f"console.{message.type}: {message.text} ({page.url})"))
        page.on("pageerror", lambda error: heard.append(f"uncaught: {error} ({page.url})"))
        page.on("requestfailed", lambda req: heard.append(f"request failed: {req.method} {req.url}: {req.failure}"))
        page.on("response", lambda response: response.status >= 500
                and heard.append(f"HTTP {response.status}: {response.request.method} {response.url}"))

    def make(viewport=TABLET_LANDSCAPE, locale="vi-VN", **options):
        # Playwright's wait_for_function evaluates its predicate with eval, which the pages' policy
        # forbids; tests/e2e/test_page_policy.py runs the pages under the real policy (csp=True).
        options.setdefault("bypass_csp", not options.pop("csp", False))
        # Reduced motion, as a user may ask for it: no pulsing dot repainting an idle page 60 times a
        # second (the suite is CPU-bound, and Chromium the largest part of it). A test that needs the
        # motion asks for reduced_motion="no-preference".
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(viewport=viewport, locale=locale, has_touch=True, **options)
        # A bound on a hang, not a speed check: CI runs three workers' servers and browsers on two cores.
        context.set_default_timeout(20_000)
        context.set_default_navigation_timeout(30_000)
        context.on("page", listen)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = any(getattr(getattr(request.node, f"report_{when}", None), "failed", False) for when in ("setup", "call"))
    if failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        pages = [page for context in contexts for page in context.pages]
        for number, page in enumerate(pages):
            with contextlib.suppress(Exception):
                heard.append(f"page {number}: {page.url} {page.title()!r}: "
                             + " ".join(page.inner_text("body", timeout=5_000).split())[:300])
                page.screenshot(path=str(FAILURES / f"{name}-{number}.png"), timeout=5_000)
        print("What the browser said during the failed test:", *heard[-60:], sep="\n  ")
    for context in contexts:
        context.close()


def screenshot(page, name):
    """Save a full-page screenshot under test-artifacts/screenshots/ to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def browser_login(page, base_url, username, password):
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]:not([formaction])")
    page.wait_for_url(f"{base_url}/meetings")
