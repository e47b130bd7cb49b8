"""Live-session benchmark: N tablets follow a presenter, E-Cabinet against a bare python-socketio server.

    .venv/bin/python bench/bench_live.py                       # N = 100, 500, 1000, 2000; 10 and 1 pages/s
    .venv/bin/python bench/bench_live.py --sizes 100,500 --turns 20 --workers 4 --db postgres

For every N, each server in turn (a real `ecabinet run` process on a fresh database, then the
baseline of bench/live_baseline_server.py): the tablets log in (POST /api/v1/session, one user
each), connect with their token and `join` (Engine.IO/Socket.IO framing over asyncio websockets,
spread over several client processes), then the chair turns `--turns` pages at each rate. Printed:
connect+join time, delivery latency p50/p95/p99/max, page-sync time (until the last tablet has the
page), lost / duplicated / out-of-order events, server CPU per tablet per turn, client CPU, and the
ratios E-Cabinet / baseline. Needs nothing but this repository's virtualenv (and PostgreSQL for --db postgres).
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from live_client import Tablet, worker  # noqa: E402

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


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


# -- the E-Cabinet server and its data ----------------------------------------------


def seed(database_url, instance, n):
    """A live session with a chair and n members (one user per tablet); returns the meeting id."""
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
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        # A cheap hash: the benchmark measures the live session, not password hashing.
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        now = utcnow()
        rows = [{"username": f"tablet{i}", "full_name": f"Thành Viên {i}", "password_hash": password_hash,
                 "is_admin": False, "is_secretariat": i == 0, "active": True, "session_nonce": f"n{i}",
                 "created_at": now} for i in range(n + 1)]
        db.session.execute(insert(User), rows)
        db.session.commit()
        users = db.session.query(User).order_by(User.id).all()
        secretariat, chair = users[0], users[1]
        meeting = operations.create_meeting("Phiên họp đo tải", now, actor=secretariat)
        for title in ("Nội dung 1", "Nội dung 2", "Nội dung 3"):
            operations.add_agenda_item(meeting, title, actor=secretariat, duration_minutes=30)
        # Two documents per item, as a session has (the rows only: a page turn never reads the file).
        for position, (item, suffix) in enumerate((i, s) for i in meeting.agenda_items for s in ("Tờ trình", "Dự thảo")):
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
             "invited_at": now} for u in users[2:]])
        operations.change_status(meeting, MeetingStatus.PUBLISHED, actor=secretariat)
        operations.change_status(meeting, MeetingStatus.LIVE, actor=secretariat)
        db.session.commit()
        first_document = db.session.scalars(select(Document.id).where(Document.meeting_id == meeting.id)
                                            .order_by(Document.position)).first()
        return meeting.id, first_document, [u.username for u in users[2:]], chair.username


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


def start_ecabinet(n, db_kind, workdir):
    port = free_port()
    instance = workdir / f"instance-{n}"
    instance.mkdir(parents=True, exist_ok=True)
    if db_kind == "postgres":
        import sqlalchemy as sa

        url = os.environ.get("ECABINET_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/ecabinet_bench")
        server_url = sa.make_url(url).set(database="postgres")
        engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
        name = sa.make_url(url).database
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    else:
        url = f"sqlite:///{instance / 'bench.db'}"
    meeting_id, document_id, usernames, chair = seed(url, instance, n + 1)
    env = dict(os.environ, ECABINET_DATABASE_URL=url, ECABINET_INSTANCE_DIR=str(instance),
               ECABINET_SECRET_KEY="bench", ECABINET_STORAGE_DIR=str(instance / "storage"))
    log = open(instance / "server.log", "ab")
    process = subprocess.Popen([sys.executable, "-m", "ecabinet", "run", "--port", str(port)], env=env,
                               stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    wait_port(port, process)
    return process, f"http://127.0.0.1:{port}", meeting_id, document_id, usernames[:n], chair


def start_baseline():
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "live_baseline_server.py"), str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    wait_port(port, process)
    return process, f"http://127.0.0.1:{port}"


# -- one server, one N ---------------------------------------------------------------


async def run_server(kind, n, args, workdir):
    result = {"server": kind, "n": n}
    if kind == "ecabinet":
        process, url, meeting_id, document_id, usernames, chair_name = start_ecabinet(n, args.db, workdir)
        started = time.time()
        tokens = await login_all(url, usernames + [chair_name])
        result["login_s"] = time.time() - started
        chair_token, tokens = tokens[-1], tokens[:-1]
    else:
        process, url = start_baseline()
        meeting_id, document_id, tokens, chair_token = 1, 1, [None] * n, None
    try:
        presenter = Tablet(url, chair_token, meeting_id)
        await presenter.connect_and_join()
        context = multiprocessing.get_context("spawn")
        chunks = [tokens[i::args.workers] for i in range(args.workers)]
        pipes, procs = [], []
        for chunk in chunks:
            parent, child = context.Pipe()
            proc = context.Process(target=worker, args=(url, chunk, meeting_id, child, args.concurrency))
            proc.start()
            pipes.append(parent)
            procs.append(proc)
        loop = asyncio.get_running_loop()
        await asyncio.sleep(1.0)  # let the client processes start
        profiler = None
        if kind == "ecabinet" and args.profile_join:
            # py-spy on the server during the join phase only (it samples from outside the process).
            py_spy = Path(sys.executable).with_name("py-spy")
            profiler = subprocess.Popen([str(py_spy), "record", "--pid", str(process.pid), "--rate", "250",
                                         "--format", args.profile_format, "-o", f"{args.profile_join}-{n}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            await asyncio.sleep(1.0)
        join_cpu_before = cpu_seconds(process.pid)
        for pipe in pipes:
            pipe.send("go")
        reports = [await loop.run_in_executor(None, pipe.recv) for pipe in pipes]
        result["join_server_cpu_s"] = cpu_seconds(process.pid) - join_cpu_before
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(60)
        result["join_client_cpu_s"] = sum(r["cpu"] for r in reports)
        result["connect_join_s"] = max(r["connected_at"] for r in reports) - min(r["started"] for r in reports)
        all_times = [t for r in reports for t in r["connect_times"]]
        result["join_p95_s"] = percentile(all_times, 95)
        client_cpu = sum(r["cpu"] for r in reports)
        page = 0
        for rate in args.rates:
            server_cpu_before = cpu_seconds(process.pid)
            sent, acks = {}, []

            async def turn(page_number):
                send_time = time.time()
                # The presenter pages through a document of the session, as in a meeting.
                ack = await presenter.call("navigate", {"meeting_id": meeting_id, "document_id": document_id,
                                                        "page": (page_number - 1) % DOCUMENT_PAGES + 1})
                assert ack.get("ok"), ack
                sent[ack["seq"]] = send_time

            interval = 1.0 / rate
            start = time.monotonic()
            for i in range(args.turns):
                page += 1
                delay = start + i * interval - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                acks.append(asyncio.create_task(turn(page)))
            await asyncio.gather(*acks)
            await asyncio.sleep(args.settle)
            server_cpu = cpu_seconds(process.pid) - server_cpu_before
            for pipe in pipes:
                pipe.send("report")
            tablets = []
            worker_cpu = 0.0
            for pipe in pipes:
                report = await loop.run_in_executor(None, pipe.recv)
                tablets.extend(report["received"])
                worker_cpu += report["cpu"]
            expected = set(sent)
            lost = dup = ooo = 0
            latencies, per_seq = [], {seq: [] for seq in expected}
            for received in tablets:
                seqs = [s for s, _t in received]
                lost += len(expected - set(seqs))
                dup += len(seqs) - len(set(seqs))
                ooo += sum(1 for a, b in zip(seqs, seqs[1:]) if b < a)
                for seq, at in received:
                    if seq in sent:
                        latency = at - sent[seq]
                        latencies.append(latency)
                        per_seq[seq].append(latency)
            sync = [max(v) for v in per_seq.values() if len(v) == len(tablets)]
            result[f"rate{rate}"] = {
                "lat_p50_ms": percentile(latencies, 50) * 1000, "lat_p95_ms": percentile(latencies, 95) * 1000,
                "lat_p99_ms": percentile(latencies, 99) * 1000, "lat_max_ms": max(latencies) * 1000 if latencies else 0,
                "sync_p50_ms": percentile(sync, 50) * 1000, "sync_p95_ms": percentile(sync, 95) * 1000,
                "sync_max_ms": max(sync) * 1000 if sync else float("nan"),
                "lost": lost, "dup": dup, "ooo": ooo,
                "server_cpu_us_per_tablet_turn": server_cpu / (n * args.turns) * 1e6,
                "client_cpu_s": worker_cpu - client_cpu,
            }
            client_cpu = worker_cpu
        for pipe in pipes:
            pipe.send("stop")
        for proc in procs:
            proc.join(30)
        await presenter.close()
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
    return result


def table(results, rates):
    lines = []
    header = ("| N | server | connect+join s | rate | latency p50 / p95 / p99 / max ms | page-sync p50 / p95 / max ms "
              "| lost / dup / ooo | server CPU µs per tablet·turn | client CPU s |")
    lines.append(header)
    lines.append("|" + "---|" * header.count("|")[:-1] if False else "|---|---|---|---|---|---|---|---|---|")
    for r in results:
        for rate in rates:
            m = r[f"rate{rate}"]
            lines.append(
                f"| {r['n']} | {r['server']} | {r['connect_join_s']:.2f} | {rate}/s | "
                f"{m['lat_p50_ms']:.1f} / {m['lat_p95_ms']:.1f} / {m['lat_p99_ms']:.1f} / {m['lat_max_ms']:.1f} | "
                f"{m['sync_p50_ms']:.1f} / {m['sync_p95_ms']:.1f} / {m['sync_max_ms']:.1f} | "
                f"{m['lost']} / {m['dup']} / {m['ooo']} | {m['server_cpu_us_per_tablet_turn']:.1f} | "
                f"{m['client_cpu_s']:.2f} |")
    lines.append("")
    lines.append("| N | rate | connect+join ratio | page-sync p95 ratio | server CPU ratio |")
    lines.append("|---|---|---|---|---|")
    by = {(r["n"], r["server"]): r for r in results}
    for n in sorted({r["n"] for r in results}):
        ours, base = by.get((n, "ecabinet")), by.get((n, "baseline"))
        if not ours or not base:
            continue
        for rate in rates:
            a, b = ours[f"rate{rate}"], base[f"rate{rate}"]
            lines.append(f"| {n} | {rate}/s | {ours['connect_join_s'] / base['connect_join_s']:.2f}× | "
                         f"{a['sync_p95_ms'] / b['sync_p95_ms']:.2f}× | "
                         f"{a['server_cpu_us_per_tablet_turn'] / b['server_cpu_us_per_tablet_turn']:.2f}× |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500,1000,2000")
    parser.add_argument("--rates", default="10,1", help="pages per second, comma separated")
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="client processes")
    parser.add_argument("--concurrency", type=int, default=100, help="connections opened at once per client process")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to wait after the last turn")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--servers", default="ecabinet,baseline", help="which servers to run, comma separated")
    parser.add_argument("--profile-join", metavar="PATH",
                        help="record the E-Cabinet server with py-spy during the join phase to PATH-<N>")
    parser.add_argument("--profile-format", default="flamegraph", choices=["flamegraph", "speedscope", "raw"])
    args = parser.parse_args()
    args.rates = [float(r) if "." in r else int(r) for r in args.rates.split(",")]
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        for n in sizes:
            for kind in args.servers.split(","):
                result = asyncio.run(run_server(kind, n, args, Path(tmp)))
                results.append(result)
                print(json.dumps(result), flush=True)
    print()
    print(f"cores: {os.cpu_count()}, db: {args.db}, turns: {args.turns}, client processes: {args.workers}")
    print(table(results, args.rates))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
