"""Untrusted files are parsed in a child process with CPU, memory and wall-clock limits.

A malicious file (a decompression bomb, an endless object graph, a parser's worst case) can then
only exhaust or kill its own child, never the server or its event loop. The child is a fresh
interpreter (`-I`: no user site, no environment) that runs `main(argv)` of one of our modules and
answers on its standard output; the parent trusts nothing it says beyond that answer's shape.
"""
import os
import resource
import subprocess
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])


class LimitReached(Exception):
    """The child ran out of time or memory, or died: the file is too complex to handle here."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "timeout" or "killed"


def limits(memory_mb, cpu_seconds):
    """The preexec_fn that limits a child (also for other programs: LibreOffice)."""

    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, memory_mb * 1024 * 1024))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.setsid()

    return apply


def run_limited(module, args=(), *, stdin=b"", timeout, memory_mb):
    """The standard output of `module.main([module, *args])` run in a limited child, fed `stdin`;
    LimitReached when it ran out of time or was killed (a limit, a crash, a non-zero exit)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": _ROOT}
    program = (f"import sys; sys.path.insert(0, sys.argv.pop(1)); from {module} import main; "
               "sys.exit(main(sys.argv))")
    try:
        done = subprocess.run([sys.executable, "-I", "-c", program, _ROOT, *map(str, args)], input=stdin,
                              capture_output=True, timeout=timeout, env=env,
                              preexec_fn=limits(memory_mb, int(timeout)), close_fds=True, check=False)
    except subprocess.TimeoutExpired:
        raise LimitReached("timeout") from None
    if done.returncode != 0:
        # Killed by a limit (SIGXCPU, SIGKILL), or a MemoryError in the interpreter itself.
        raise LimitReached("killed")
    return done.stdout
