"""Voting storm benchmark: N members vote at once through the socket and the API, E-Cabinet on SQLite
and PostgreSQL against a bare python-socketio server that only acknowledges, in the same run.

    .venv/bin/python bench/bench_voting.py                      # N = 100, 500, 1000; sqlite and postgres
    .venv/bin/python bench/bench_voting.py --sizes 100 --dbs sqlite
    .venv/bin/python bench/bench_voting.py --sizes 500,1000 --dbs postgres --processes 1,2   # two processes over Redis
    .venv/bin/python bench/bench_voting.py --sizes 1000 --dbs postgres --no-baseline --profile /tmp/storm   # py-spy

For every N and database: a fresh database seeded with N checked-in members and a prepared ballot
(bench/vote_storm.py), a real `ecabinet run` process; the tablets connect and join, the chair opens
the ballot, each tablet votes when the `ballot` event reaches it (even ones through `vote`, odd ones
through POST /api/v1/ballots/<id>/votes), then replays through the other channel, the chair closes,
every tablet waits for `ballot_result`. Printed: connect+join s, opening → all acks ms, closing →
result on every tablet ms, errors, timeouts, replays refused, results received, server CPU s; and
while the votes were in flight (opening → all acks) the CPU seconds of the server processes, of
PostgreSQL and of this client, and how busy the machine's cores were (a figure near 100 % means the
cores, not the server, set the pace; the other programs that ran meanwhile are in --json).
"""
import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import live_servers  # noqa: E402
import vote_storm  # noqa: E402
from live_servers import cpu_seconds, free_port, wait_port  # noqa: E402


def fresh_database(kind, workdir, n):
    """A database of its own for each N (SQLite: a file in its own folder; PostgreSQL: dropped and made again)."""
    folder = workdir / f"db-{n}"
    folder.mkdir(exist_ok=True)
    return live_servers.fresh_database(kind, folder)


def seed(url, workdir, n):
    os.environ["ECABINET_INSTANCE_DIR"] = str(workdir)
    from flask_migrate import upgrade

    from ecabinet import create_app
    from ecabinet.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.test_request_context():
        upgrade(revision="heads")
        seeded = vote_storm.seed(url, n)
        db.session.remove()
        db.engine.dispose()
    return seeded


class Profiler:
    """py-spy sampling the server processes from just before the opening until the last vote's
    ack (--profile): collapsed stacks, one file per process, for flame graphs or grep."""

    def __init__(self, folder, label):
        self.folder, self.label, self.pids, self.running = Path(folder), label, [], []

    def start(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        for index, pid in enumerate(self.pids):
            out = self.folder / f"{self.label}-{index}.txt"
            self.running.append(subprocess.Popen(
                [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid), "--rate", "500", "--nonblocking", "--format", "raw",
                 "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(1.0)  # py-spy attaches before the opening

    def stop(self):
        for process in self.running:
            process.send_signal(signal.SIGINT)
        for process in self.running:
            process.wait(30)


def run_ecabinet(kind, n, workdir, processes=1, message_queue=None, profile=None):
    url = fresh_database(kind, workdir, n)
    meeting_id, ballot_id, chair, tokens = seed(url, workdir, n)
    env = dict(os.environ, ECABINET_DATABASE_URL=url, ECABINET_INSTANCE_DIR=str(workdir), ECABINET_SECRET_KEY="bench",
               ECABINET_STORAGE_DIR=str(workdir / "storage"), **live_servers.queue_env(processes, message_queue, "vote"))
    started, urls = [], []
    try:
        for index in range(processes):
            port = free_port()
            log = open(workdir / f"server-{kind}-{n}-{index}.log", "ab")
            started.append(subprocess.Popen([sys.executable, "-m", "ecabinet", "run", "--port", str(port)], env=env,
                                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT))
            wait_port(port, started[-1], timeout=90)
            urls.append(f"http://127.0.0.1:{port}")
        before = sum(cpu_seconds(p.pid) for p in started)
        window = None
        if profile:
            profiler = Profiler(profile, f"{kind}-{n}-x{processes}")
            profiler.pids = [p.pid for p in started]
            window = (profiler.start, profiler.stop)
        figures = asyncio.run(vote_storm.storm(urls, meeting_id, ballot_id, chair, tokens, window=window))
        figures["server_cpu_s"] = sum(cpu_seconds(p.pid) for p in started) - before
        return figures
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(15)


def run_baseline(n, processes=1, message_queue=None):
    env = dict(os.environ, **live_servers.queue_env(processes, message_queue, "vote-baseline"))
    started, urls = [], []
    try:
        for _ in range(processes):
            port = free_port()
            started.append(subprocess.Popen([sys.executable, str(ROOT / "bench" / "vote_baseline_server.py"), str(port)],
                                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT))
            wait_port(port, started[-1], timeout=90)
            urls.append(f"http://127.0.0.1:{port}")
        before = sum(cpu_seconds(p.pid) for p in started)
        figures = asyncio.run(vote_storm.storm(urls, 1, 1, None, [f"t{i}" for i in range(n)]))
        figures["server_cpu_s"] = sum(cpu_seconds(p.pid) for p in started) - before
        return figures
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(15)


def row(n, server, f):
    ms = lambda s: f"{s * 1000:.0f}" if s is not None else "–"  # noqa: E731
    w = f["window_cpu"]
    return (f"| {n} | {server} | {f['connect_join_s']:.2f} | {ms(f['all_acks_s'])} | {ms(f['all_results_s'])} "
            f"| {f['errors']} / {f['timeouts']} | {f['replays_refused']} | {f['results_received']} | {f['server_cpu_s']:.2f} "
            f"| {w['server_cpu_s']:.2f} / {w['postgres_cpu_s']:.2f} / {w['client_cpu_s']:.2f} | {100 * w['machine_busy']:.0f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1000")
    parser.add_argument("--dbs", default="sqlite,postgres")
    parser.add_argument("--processes", default="1",
                        help="server processes per run, e.g. 1,2 (two or more share --message-queue, tablets spread over them)")
    parser.add_argument("--message-queue", default=os.environ.get("ECABINET_BENCH_MESSAGE_QUEUE",
                                                                  "redis://127.0.0.1:6379/0"))
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--profile", metavar="DIR",
                        help="sample the E-Cabinet servers with py-spy while the votes are in flight (collapsed stacks in DIR)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare server (when profiling)")
    args = parser.parse_args()
    lines = ["| N | server | connect+join s | opening → all acks ms | closing → result on every tablet ms "
             "| errors / timeouts | replays refused | results received | server CPU s "
             "| opening → all acks: CPU s of server / postgres / client | machine busy % |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            for processes in [int(p) for p in args.processes.split(",")]:
                times = "" if processes == 1 else f" ×{processes}"
                for kind in args.dbs.split(","):
                    workdir = Path(tmp) / f"{kind}-{n}-{processes}"
                    workdir.mkdir()
                    figures = run_ecabinet(kind, n, workdir, processes, args.message_queue, args.profile)
                    lines.append(row(n, f"ecabinet {kind}{times}", figures))
                    results.append({"n": n, "server": kind, "processes": processes, **{
                        k: v for k, v in figures.items() if k not in ("acks", "results", "closed")}})
                    print(lines[-1], flush=True)
                if args.no_baseline:
                    continue
                figures = run_baseline(n, processes, args.message_queue)
                lines.append(row(n, f"baseline{times}", figures))
                results.append({"n": n, "server": "baseline", "processes": processes, **{
                    k: v for k, v in figures.items() if k not in ("acks", "results", "closed")}})
                print(lines[-1], flush=True)
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
