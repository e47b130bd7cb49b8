"""The eventlet server's workers (run_in_worker: native threads) may log while the server logs:
logging's locks must then be native, or a worker waiting for a lock the event loop's thread
released never wakes (a signing hung for good). Run in a process of its own, patched as the server is."""
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    from ecabinet.server import patch
    patch()
    import logging
    import eventlet
    from eventlet import tpool

    handler = logging.StreamHandler(open("/dev/null", "w"))
    log = logging.getLogger("ecabinet.test.workers")
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    def work(name):
        for k in range(5000):
            log.info("%s %s", name, k)
        return name

    finished = []
    pool = eventlet.GreenPool()
    for name in ("pdf", "sign", "verify"):
        pool.spawn(lambda n: finished.append(tpool.execute(work, n)), name)

    def loop_logs():
        for k in range(5000):
            log.info("loop %s", k)
            if k % 50 == 0:
                eventlet.sleep(0)

    pool.spawn(loop_logs)
    with eventlet.Timeout(60, False):
        pool.waitall()
    print("finished", sorted(finished))
""")


def test_workers_and_the_event_loop_log_at_once_without_hanging():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("finished ['pdf', 'sign', 'verify']"), (done.stdout, done.stderr[-2000:])
