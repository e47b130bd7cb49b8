"""`ecabinet run` under pyinstrument, for bench_live.py --profile-join (bench only, never in the app).

    python bench/profiled_server.py OUT run --port 5000

Samples only between SIGUSR1 (start) and SIGUSR2 (stop, then OUT.txt and OUT.html are written),
so that startup and seeding stay out of the profile.
"""
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecabinet.server import patch  # noqa: E402

patch()

from pyinstrument import Profiler  # noqa: E402

OUT = sys.argv[1]
profiler = Profiler(interval=0.0005, async_mode="disabled")


def start(*_args):
    if not profiler.is_running:
        profiler.start()


def stop(*_args):
    if profiler.is_running:
        profiler.stop()
        Path(f"{OUT}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
        Path(f"{OUT}.html").write_text(profiler.output_html())


signal.signal(signal.SIGUSR1, start)
signal.signal(signal.SIGUSR2, stop)
sys.argv = ["ecabinet", *sys.argv[2:]]

from ecabinet.cli import main  # noqa: E402

main()
