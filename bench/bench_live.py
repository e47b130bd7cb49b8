"""Live-session benchmark: tablets follow their presenter, E-Cabinet against a bare python-socketio server.

    .venv/bin/python bench/bench_live.py                       # N = 100, 500, 1000, 2000; 10 and 1 pages/s
    .venv/bin/python bench/bench_live.py --sizes 500,1000 --repeat 3 --db postgres
    .venv/bin/python bench/bench_live.py --sizes 500 --servers ecabinet,ecabinet:2,baseline,baseline:2 \
        --message-queue redis://127.0.0.1:6379/3               # two processes behind Redis
    .venv/bin/python bench/bench_live.py --sessions 50 --sizes 40 --rates 1   # 50 sessions at once

For every N, each server in turn (real `ecabinet run` processes on a fresh database, then the
baseline of bench/live_baseline_server.py), `--repeat` times: the tablets log in (POST
/api/v1/session, one user each), connect with their token and `join` (Engine.IO/Socket.IO framing
over asyncio websockets, spread over several client processes), then every session's chair turns
`--turns` pages at each rate. With two server processes, tablet i connects to process i mod 2 and
the presenters to the first. Printed: connect+join time, delivery latency p50/p95/p99/max,
page-sync time (until the last tablet of the session has the page), lost / duplicated /
out-of-order events and pages delivered of those expected (every tablet, every seq its presenter
sent), server CPU per tablet per turn, client CPU, the load average before and after each run, and
the ratios between servers of the same repetition with their median. Needs this repository's
virtualenv (and PostgreSQL for --db postgres, Redis for :2 servers). It stops by itself: every
loop is bounded by the turns, every wait by a timeout.
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from live_client import Tablet, worker  # noqa: E402
from live_servers import DOCUMENT_PAGES, JoinProfile, start_baseline, start_ecabinet  # noqa: E402


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def receive(pipe, timeout=900):
    """A client process's next report; a process that died (EOFError) or hangs ends the run."""
    if not pipe.poll(timeout):
        raise TimeoutError(f"a client process did not report within {timeout} s")
    return pipe.recv()


def parse_server(spec):
    """"ecabinet", "baseline", or either with ":P" for P processes behind the message queue."""
    kind, _, processes = spec.partition(":")
    if kind not in ("ecabinet", "baseline"):
        raise SystemExit(f"unknown server {spec!r}")
    return kind, int(processes or 1)


def measure(sent, tablets):
    """Latencies, page-sync and losses of one rate. sent: (meeting, seq) -> send time;
    tablets: (meeting, [(seq, receive time)]) each."""
    expected = {}
    for meeting, seq in sent:
        expected.setdefault(meeting, set()).add(seq)
    room_size = {}
    for meeting, _received in tablets:
        room_size[meeting] = room_size.get(meeting, 0) + 1
    lost = dup = ooo = delivered = 0
    latencies, per_seq = [], {key: [] for key in sent}
    for meeting, received in tablets:
        seqs = [s for s, _t in received]
        wanted = expected.get(meeting, set())
        lost += len(wanted - set(seqs))
        delivered += len(wanted & set(seqs))
        dup += len(seqs) - len(set(seqs))
        ooo += sum(1 for a, b in zip(seqs, seqs[1:]) if b < a)
        for seq, at in received:
            if (meeting, seq) in sent:
                latency = at - sent[(meeting, seq)]
                latencies.append(latency)
                per_seq[(meeting, seq)].append(latency)
    sync = [max(v) for (meeting, _seq), v in per_seq.items() if v and len(v) == room_size.get(meeting)]
    return {
        "lat_p50_ms": percentile(latencies, 50) * 1000, "lat_p95_ms": percentile(latencies, 95) * 1000,
        "lat_p99_ms": percentile(latencies, 99) * 1000, "lat_max_ms": max(latencies) * 1000 if latencies else 0,
        "sync_p50_ms": percentile(sync, 50) * 1000, "sync_p95_ms": percentile(sync, 95) * 1000,
        "sync_max_ms": max(sync) * 1000 if sync else float("nan"),
        "lost": lost, "dup": dup, "ooo": ooo, "delivered": delivered,
        "expected": sum(len(expected.get(meeting, ())) for meeting, _r in tablets),
    }


async def present(presenters, sessions, rate, turns, first_page):
    """Every presenter turns `turns` pages at `rate` pages/s, their starts spread over one interval
    (independent presenters do not turn in step); returns (meeting, seq) -> send time."""
    sent, tasks = {}, []
    interval = 1.0 / rate

    async def turn(presenter, session, page_number):
        send_time = time.time()
        # The presenter pages through a document of the session, as in a meeting.
        ack = await presenter.call("navigate", {"meeting_id": session.meeting_id, "document_id": session.document_id,
                                                "page": (page_number - 1) % DOCUMENT_PAGES + 1})
        assert ack.get("ok"), ack
        sent[(session.meeting_id, ack["seq"])] = send_time

    start = time.monotonic()
    schedule = sorted((i * interval + k * interval / len(presenters), k, i)
                      for k in range(len(presenters)) for i in range(turns))
    for at, k, i in schedule:
        delay = start + at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(turn(presenters[k], sessions[k], first_page + i)))
    await asyncio.gather(*tasks)
    return sent


# -- one server, one N ---------------------------------------------------------------


async def run_server(spec, n, args, workdir, repetition):
    kind, processes = parse_server(spec)
    result = {"server": kind if processes == 1 else f"{kind}×{processes}", "n": n, "sessions": args.sessions,
              "processes": processes, "repetition": repetition, "load_before": os.getloadavg(),
              "started_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    if kind == "ecabinet":
        servers = await start_ecabinet(args, n, workdir, processes)
    else:
        servers = start_baseline(args, n, processes)
    procs, pipes, presenters = [], [], []
    try:
        for session in servers.sessions:
            presenter = Tablet(servers.urls[0], session.chair_token, session.meeting_id)
            await presenter.connect_and_join()
            presenters.append(presenter)
        # Tablet i connects to process i mod P: half the room on each of two processes.
        jobs = [(servers.urls[i % processes], token, meeting_id) for i, (token, meeting_id) in enumerate(
            (token, s.meeting_id) for s in servers.sessions for token in s.tokens)]
        context = multiprocessing.get_context("spawn")
        for w in range(args.workers):
            parent, child = context.Pipe()
            proc = context.Process(target=worker, args=(jobs[w::args.workers], child, args.concurrency))
            proc.start()
            pipes.append(parent)
            procs.append(proc)
        loop = asyncio.get_running_loop()
        await asyncio.sleep(1.0)  # let the client processes start
        profile = JoinProfile(servers, args.profile_join and f"{args.profile_join}-{n}", args.profile_format)
        join_cpu_before = servers.cpu()
        for pipe in pipes:
            pipe.send("go")
        reports = [await loop.run_in_executor(None, receive, pipe) for pipe in pipes]
        result["join_server_cpu_s"] = servers.cpu() - join_cpu_before
        profile.stop()
        result["join_client_cpu_s"] = sum(r["cpu"] for r in reports)
        result["connect_join_s"] = max(r["connected_at"] for r in reports) - min(r["started"] for r in reports)
        result["join_p95_s"] = percentile([t for r in reports for t in r["connect_times"]], 95)
        client_cpu = sum(r["cpu"] for r in reports)
        page = 1
        for rate in args.rates:
            server_cpu_before = servers.cpu()
            sent = await present(presenters, servers.sessions, rate, args.turns, page)
            page += args.turns
            await asyncio.sleep(args.settle)
            server_cpu = servers.cpu() - server_cpu_before
            for pipe in pipes:
                pipe.send("report")
            tablets, worker_cpu = [], 0.0
            for pipe in pipes:
                report = await loop.run_in_executor(None, receive, pipe)
                tablets.extend(report["received"])
                worker_cpu += report["cpu"]
            result[f"rate{rate}"] = dict(
                measure(sent, tablets),
                server_cpu_us_per_tablet_turn=server_cpu / (len(jobs) * args.turns) * 1e6,
                client_cpu_s=worker_cpu - client_cpu)
            client_cpu = worker_cpu
    except BaseException:
        servers.print_errors()
        raise
    finally:
        for pipe in pipes:
            try:
                pipe.send("stop")
            except OSError:
                pass
        for proc in procs:
            proc.join(30)
            if proc.is_alive():
                proc.terminate()
        for presenter in presenters:
            await presenter.close()
        servers.stop()
    result["load_after"] = os.getloadavg()
    return result


def load_text(result):
    return f"{result['load_before'][0]:.2f} → {result['load_after'][0]:.2f}"


def table(results, rates):
    lines = ["| N | server | run | load 1 min | connect+join s | rate | latency p50 / p95 / p99 / max ms "
             "| page-sync p50 / p95 / max ms | lost / dup / ooo | delivered / expected "
             "| server CPU µs per tablet·turn | client CPU s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        for rate in rates:
            m = r[f"rate{rate}"]
            lines.append(
                f"| {r['sessions']}×{r['n']} | {r['server']} | {r['repetition'] + 1} | {load_text(r)} | "
                f"{r['connect_join_s']:.2f} | {rate}/s | "
                f"{m['lat_p50_ms']:.1f} / {m['lat_p95_ms']:.1f} / {m['lat_p99_ms']:.1f} / {m['lat_max_ms']:.1f} | "
                f"{m['sync_p50_ms']:.1f} / {m['sync_p95_ms']:.1f} / {m['sync_max_ms']:.1f} | "
                f"{m['lost']} / {m['dup']} / {m['ooo']} | {m['delivered']} / {m['expected']} | "
                f"{m['server_cpu_us_per_tablet_turn']:.1f} | {m['client_cpu_s']:.2f} |")
    lines += ["", ratio_table(results, rates)]
    return "\n".join(lines)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# Pairs compared run by run (the two servers of one repetition ran one after the other).
PAIRS = (("ecabinet", "baseline"), ("ecabinet×2", "baseline×2"), ("ecabinet×2", "ecabinet"),
         ("baseline×2", "baseline"))


def ratio_table(results, rates):
    """Ratios within each repetition, then their median: the machine's load moves between runs."""
    by = {(r["n"], r["server"], r["repetition"]): r for r in results}
    lines = ["| N | compared | run | connect+join ratio | " + " | ".join(
        f"page-sync p95 ratio {rate}/s" for rate in rates) + " | join server CPU ratio | server CPU ratio |",
        "|---|---|---|---|" + "---|" * len(rates) + "---|---|"]
    for n in sorted({r["n"] for r in results}):
        for a_kind, b_kind in PAIRS:
            rows = []
            for rep in sorted({r["repetition"] for r in results}):
                a, b = by.get((n, a_kind, rep)), by.get((n, b_kind, rep))
                if a and b:
                    rows.append([a["connect_join_s"] / b["connect_join_s"]]
                                + [a[f"rate{rate}"]["sync_p95_ms"] / b[f"rate{rate}"]["sync_p95_ms"] for rate in rates]
                                + [a["join_server_cpu_s"] / b["join_server_cpu_s"]]
                                + [a[f"rate{rates[0]}"]["server_cpu_us_per_tablet_turn"]
                                   / b[f"rate{rates[0]}"]["server_cpu_us_per_tablet_turn"]])
                    lines.append(f"| {n} | {a_kind} / {b_kind} | {rep + 1} | "
                                 + " | ".join(f"{v:.2f}×" for v in rows[-1]) + " |")
            if len(rows) > 1:
                lines.append(f"| {n} | {a_kind} / {b_kind} | **median** | "
                             + " | ".join(f"**{median(col):.2f}×**" for col in zip(*rows)) + " |")
    return "\n".join(lines)


def main():
    # A `kill` or `timeout` ends the run through the finally blocks: servers and clients are stopped.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500,1000,2000", help="tablets per session, comma separated")
    parser.add_argument("--sessions", type=int, default=1, help="sessions at once, each with its presenter")
    parser.add_argument("--rates", default="10,1", help="pages per second, comma separated")
    parser.add_argument("--turns", type=int, default=50, help="page turns per presenter at each rate")
    parser.add_argument("--workers", type=int, default=4, help="client processes")
    parser.add_argument("--concurrency", type=int, default=100, help="connections opened at once per client process")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to wait after the last turn")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--servers", default="ecabinet,baseline",
                        help="servers to run in turn, comma separated: ecabinet, baseline, or either with :2 "
                             "for two processes behind the message queue (half the tablets on each)")
    parser.add_argument("--message-queue", default=os.environ.get("ECABINET_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
                        help="Redis for servers of two processes or more (each run uses a channel of its own)")
    parser.add_argument("--pool-timeout", type=int,
                        help="ECABINET_DB_POOL_TIMEOUT for the E-Cabinet server (seconds; default: the server's 30): "
                             "on a machine loaded by other work, 400 tablets connecting at once can wait longer "
                             "than 30 s for one of the pool's 30 connections")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the servers in turn this many times per N; ratios are taken within each round")
    parser.add_argument("--profile-join", metavar="PATH",
                        help="record the (first) E-Cabinet process with py-spy during the join phase only, "
                             "to PATH-<N>")
    parser.add_argument("--profile-format", default="flamegraph", choices=["flamegraph", "speedscope", "raw"])
    args = parser.parse_args()
    args.rates = [float(r) if "." in r else int(r) for r in args.rates.split(",")]
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        for n in sizes:
            for repetition in range(args.repeat):
                for spec in args.servers.split(","):
                    result = asyncio.run(run_server(spec, n, args, Path(tmp), repetition))
                    results.append(result)
                    print(json.dumps(result), flush=True)
                    if args.json:
                        Path(args.json).write_text(json.dumps(results, indent=1))
    print()
    print(f"cores: {os.cpu_count()}, db: {args.db}, sessions: {args.sessions}, turns: {args.turns}, "
          f"client processes: {args.workers}")
    print(table(results, args.rates))


if __name__ == "__main__":
    main()
