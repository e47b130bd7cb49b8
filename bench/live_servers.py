"""The servers of bench_live.py: a seeded E-Cabinet (one or more `ecabinet run` processes) and the bare
python-socketio baseline (bench/live_baseline_server.py), each on 127.0.0.1; with two processes or
more, both ride on a Redis message queue as a deployment behind a load balancer would.
"""
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"
DOCUMENT_PAGES = 60


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def cpu_seconds(pid):
    """User + system CPU of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Session:
    """One seeded session: what its presenter and tablets need."""

    meeting_id: int
    document_id: int
    chair: str
    members: list
    chair_token: str = None
    tokens: list = field(default_factory=list)


@dataclass
class Servers:
    """The processes of one server under test; tablets connect to urls[i % len(urls)], presenters to urls[0]."""

    kind: str
    processes: list
    urls: list
    sessions: list
    logs: list = field(default_factory=list)

    def cpu(self):
        return sum(cpu_seconds(p.pid) for p in self.processes)

    def print_errors(self, limit=20):
        """The last error lines of the servers' logs (they go with the temporary folder)."""
        for path in self.logs:
            lines = [line for line in Path(path).read_text(errors="replace").splitlines()
                     if "Error" in line or "Exception" in line]
            for line in lines[-limit:]:
                print(f"{Path(path).name}: {line}", file=sys.stderr)

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


# -- the E-Cabinet server and its data ----------------------------------------------


def seed(database_url, instance, sessions, members):
    """`sessions` live sessions, each with a chair and `members` members (one user per tablet)."""
    os.environ["ECABINET_INSTANCE_DIR"] = str(instance)
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from ecabinet import create_app
    from ecabinet.accounts.models import User
    from ecabinet.core.db import utcnow
    from ecabinet.documents.models import Document, DocumentVersion
    from ecabinet.extensions import db
    from ecabinet.meetings import operations
    from ecabinet.meetings.models import MeetingStatus, Participant, Role

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    seeded = []
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        # A cheap hash: the benchmark measures the live session, not password hashing.
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        now = utcnow()
        count = 1 + sessions * (members + 1)
        db.session.execute(insert(User), [
            {"username": f"tablet{i}", "full_name": f"Thành Viên {i}", "password_hash": password_hash,
             "is_admin": False, "is_secretariat": i == 0, "active": True, "session_nonce": f"n{i}",
             "created_at": now} for i in range(count)])
        db.session.commit()
        users = db.session.query(User).order_by(User.id).all()
        secretariat = users[0]
        for s in range(sessions):
            chair, people = users[1 + s * (members + 1)], users[2 + s * (members + 1):1 + (s + 1) * (members + 1)]
            meeting = operations.create_meeting(f"Phiên họp đo tải {s + 1}", now, actor=secretariat)
            for title in ("Nội dung 1", "Nội dung 2", "Nội dung 3"):
                operations.add_agenda_item(meeting, title, actor=secretariat, duration_minutes=30)
            # Two documents per item, as a session has (the rows only: a page turn never reads the file).
            for position, (item, suffix) in enumerate((i, x) for i in meeting.agenda_items
                                                      for x in ("Tờ trình", "Dự thảo")):
                document = Document(meeting_id=meeting.id, agenda_item_id=item.id, title=f"{suffix} {item.title}",
                                    position=position, created_by_id=secretariat.id)
                db.session.add(document)
                db.session.flush()
                db.session.add(DocumentVersion(document_id=document.id, number=1, sha256=f"{document.id:064x}",
                                               size=1_000_000, page_count=DOCUMENT_PAGES, filename="tai-lieu.pdf"))
            operations.invite_participant(meeting, chair, Role.CHAIR, actor=secretariat)
            db.session.flush()
            db.session.execute(insert(Participant), [
                {"meeting_id": meeting.id, "user_id": u.id, "role": Role.MEMBER, "can_vote": True,
                 "invited_at": now} for u in people])
            operations.change_status(meeting, MeetingStatus.PUBLISHED, actor=secretariat)
            operations.change_status(meeting, MeetingStatus.LIVE, actor=secretariat)
            db.session.commit()
            first_document = db.session.scalars(select(Document.id).where(Document.meeting_id == meeting.id)
                                                .order_by(Document.position)).first()
            seeded.append(Session(meeting.id, first_document, chair.username, [u.username for u in people]))
    return seeded


async def login_all(base_url, usernames, concurrency=32):
    import aiohttp

    limit = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as http:
        async def one(username):
            async with limit:
                async with http.post(f"{base_url}/api/v1/session",
                                     json={"username": username, "password": PASSWORD}) as response:
                    body = await response.json()
                    if response.status != 200:
                        raise RuntimeError(f"login {username}: {response.status} {body}")
                    return body["token"]

        return await asyncio.gather(*(one(u) for u in usernames))


def fresh_database(db_kind, instance):
    if db_kind != "postgres":
        return f"sqlite:///{instance / 'bench.db'}"
    import sqlalchemy as sa

    url = os.environ.get("ECABINET_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/ecabinet_bench")
    engine = sa.create_engine(sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = sa.make_url(url).database
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url


def queue_env(processes, message_queue, label):
    """Two processes or more share a Redis channel of their own (other runs on the same Redis keep apart)."""
    if processes < 2:
        return {}
    return {"ECABINET_MESSAGE_QUEUE": message_queue,
            "ECABINET_MESSAGE_QUEUE_CHANNEL": f"bench-live-{os.getpid()}-{label}-{time.monotonic_ns()}"}


async def start_ecabinet(args, members, workdir, processes=1):
    """`processes` `ecabinet run` processes on one fresh database, its users logged in."""
    instance = workdir / f"instance-{members}-{time.monotonic_ns()}"
    instance.mkdir(parents=True)
    url = fresh_database(args.db, instance)
    sessions = seed(url, instance, args.sessions, members)
    env = dict(os.environ, ECABINET_DATABASE_URL=url, ECABINET_INSTANCE_DIR=str(instance),
               ECABINET_SECRET_KEY="bench", ECABINET_STORAGE_DIR=str(instance / "storage"),
               **queue_env(processes, args.message_queue, "ecabinet"))
    if args.pool_timeout:
        env["ECABINET_DB_POOL_TIMEOUT"] = str(args.pool_timeout)
    started, urls, logs = [], [], []
    try:
        for index in range(processes):
            port = free_port()
            log = open(instance / f"server-{index}.log", "ab")
            logs.append(log.name)
            process = subprocess.Popen([sys.executable, "-m", "ecabinet", "run", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
            started.append(process)
            wait_port(port, process)
            urls.append(f"http://127.0.0.1:{port}")
        names = [name for s in sessions for name in [s.chair, *s.members]]
        tokens = iter(await login_all(urls[0], names))
        for s in sessions:
            s.chair_token = next(tokens)
            s.tokens = [next(tokens) for _ in s.members]
    except BaseException:
        Servers("ecabinet", started, urls, sessions, logs).stop()
        raise
    kind = "ecabinet" if processes == 1 else f"ecabinet×{processes}"
    return Servers(kind, started, urls, sessions, logs)


def start_baseline(args, members, processes=1):
    env = dict(os.environ, **queue_env(processes, args.message_queue, "baseline"))
    started, urls = [], []
    try:
        for _ in range(processes):
            port = free_port()
            process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "live_baseline_server.py"), str(port)],
                                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
            started.append(process)
            wait_port(port, process)
            urls.append(f"http://127.0.0.1:{port}")
    except BaseException:
        Servers("baseline", started, urls, []).stop()
        raise
    sessions = [Session(s + 1, 1, None, [None] * members, None, [None] * members) for s in range(args.sessions)]
    kind = "baseline" if processes == 1 else f"baseline×{processes}"
    return Servers(kind, started, urls, sessions)


class JoinProfile:
    """py-spy (constraints.txt) on the first E-Cabinet process during the join phase only; it samples
    from outside the process, every green thread included."""

    def __init__(self, servers, path, fmt):
        self.process = None
        if path and servers.kind.startswith("ecabinet"):
            py_spy = Path(sys.executable).with_name("py-spy")
            self.process = subprocess.Popen(
                [str(py_spy), "record", "--pid", str(servers.processes[0].pid), "--rate", "250", "--format", fmt,
                 "-o", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)

    def print_errors(self, limit=20):
        """The last error lines of the servers' logs (they go with the temporary folder)."""
        for path in self.logs:
            lines = [line for line in Path(path).read_text(errors="replace").splitlines()
                     if "Error" in line or "Exception" in line]
            for line in lines[-limit:]:
                print(f"{Path(path).name}: {line}", file=sys.stderr)

    def stop(self):
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
