"""Who uses the machine's CPU while a command runs: every process's CPU time, summed by program
(Chromium, the pytest workers, the test servers, PostgreSQL, …), sampled from /proc.

    .venv/bin/python bench/cpu_by_program.py -- env CI=true .ci/run

Prints the command's own output as it goes, then the CPU seconds per program. A process that ends
between two samples (every 0.5 s) loses at most its last half second, so short-lived programs are
undercounted a little.
"""
import collections
import os
import subprocess
import sys
import time

INTERVAL = 0.5


def _label(pid):
    try:
        command = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    for needle, name in (("chrom", "chromium"), ("ecabinet run", "test servers (ecabinet run)"),
                         ("xdist", "pytest workers"), ("execnet", "pytest workers"), ("pytest", "pytest"),
                         ("soffice", "libreoffice"), ("postgres", "postgres"), ("ecabinet", "ecabinet (cli)"),
                         ("pip", "pip"), ("redis", "redis")):
        if needle in command:
            return name
    return command.split(" ")[0].rsplit("/", 1)[-1][:30] or "(kernel)"


def _sample(seen, names, totals):
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        key = (entry, fields[19])  # the pid and its start time: a reused pid is another process
        if key not in names:
            names[key] = _label(entry)
        if names[key] is None:
            continue
        used = int(fields[11]) + int(fields[12])
        if totals is not None:
            totals[names[key]] += used - seen.get(key, 0)
        seen[key] = used


def main():
    command = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    if not command:
        sys.exit(__doc__)
    hertz = os.sysconf("SC_CLK_TCK")
    seen, names, totals = {}, {}, collections.Counter()
    _sample(seen, names, None)  # what ran before counts from now on
    process = subprocess.Popen(command)
    while True:
        done = process.poll() is not None
        _sample(seen, names, totals)
        if done:
            break
        time.sleep(INTERVAL)
    print("\nCPU seconds by program while it ran:")
    for name, ticks in totals.most_common(12):
        print(f"  {ticks / hertz:8.1f}  {name}")
    sys.exit(process.returncode)


if __name__ == "__main__":
    main()
