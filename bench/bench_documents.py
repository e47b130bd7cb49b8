"""Documents benchmark: 50 concurrent tablets downloading a 20 MB document, and the meeting book of a
300-page session, against `python -m http.server` serving the same file on the same machine.

    .venv/bin/python bench/bench_documents.py [--tablets 50] [--mb 20]

Everything runs on 127.0.0.1 in temporary folders; loops are bounded.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.documents.pdfs import make_pdf  # noqa: E402
from tests.services import free_port, port_open  # noqa: E402


def wait_port(port, process):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited")
        if port_open("127.0.0.1", port, 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError("server did not start")


def download_all(url, tablets, headers=None):
    def one(_):
        start = time.perf_counter()
        response = requests.get(url, headers=headers or {}, timeout=300)
        response.raise_for_status()
        return time.perf_counter() - start, len(response.content)

    start = time.perf_counter()
    with ThreadPoolExecutor(tablets) as pool:
        results = list(pool.map(one, range(tablets)))
    total = time.perf_counter() - start
    times = sorted(t for t, _n in results)
    size = sum(n for _t, n in results)
    return {"wall": total, "median": times[len(times) // 2], "p95": times[int(len(times) * 0.95) - 1],
            "mbps": size / total / 1e6}


def big_pdf(mb):
    """A 20 MB PDF of 40 pages: text pages carrying incompressible attachments, like scanned annexes."""
    return make_pdf(40, filler=mb * 1024 - 30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tablets", type=int, default=50)
    parser.add_argument("--mb", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-docs-"))
    data = big_pdf(args.mb)
    (work / "static").mkdir()
    (work / "static" / "doc.pdf").write_bytes(data)
    env = dict(os.environ, ECABINET_DATABASE_URL=f"sqlite:///{work / 'bench.db'}", ECABINET_STORAGE_DIR=str(work / "storage"),
               ECABINET_INSTANCE_DIR=str(work / "instance"), ECABINET_SECRET_KEY="bench")
    py = sys.executable
    subprocess.run([py, "-m", "ecabinet", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([py, "-m", "ecabinet", "create-user", "thuky", "--password", "bench-pass-1", "--full-name",
                    "Thư Ký", "--secretariat"], env=env, cwd=ROOT, check=True, capture_output=True)
    port, static_port = free_port(), free_port()
    app = subprocess.Popen([py, "-m", "ecabinet", "run", "--port", str(port)], env=env, cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    static = subprocess.Popen([py, "-m", "http.server", str(static_port), "--bind", "127.0.0.1"], cwd=work / "static",
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, app)
        wait_port(static_port, static)
        base = f"http://127.0.0.1:{port}"
        token = requests.post(f"{base}/api/v1/session", json={"username": "thuky", "password": "bench-pass-1"}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        meeting = requests.post(f"{base}/api/v1/meetings", headers=auth,
                                json={"title": "Phiên họp đo hiệu năng", "starts_at": "2030-01-01T08:00"}).json()
        items = [requests.post(f"{base}/api/v1/meetings/{meeting['id']}/agenda", headers=auth,
                               json={"title": f"Nội dung {n}"}).json() for n in range(1, 7)]
        start = time.perf_counter()
        doc = requests.post(f"{base}/api/v1/meetings/{meeting['id']}/documents", headers=auth,
                            files={"file": ("lon.pdf", data, "application/pdf")}, data={"kind": "report"}).json()
        upload_s = time.perf_counter() - start

        app_result = download_all(base + doc["version_file_url"], args.tablets, auth)
        static_result = download_all(f"http://127.0.0.1:{static_port}/doc.pdf", args.tablets)

        for n in range(12):  # 12 documents × 25 pages = 300 pages
            requests.post(f"{base}/api/v1/meetings/{meeting['id']}/documents", headers=auth,
                          files={"file": (f"tl{n}.pdf", make_pdf(25, title=f"Tài liệu {n + 1}"), "application/pdf")},
                          data={"agenda_item_id": items[n % 6]["id"], "kind": "submission"}).raise_for_status()
        requests.delete(f"{base}/api/v1/documents/{doc['id']}", headers=auth).raise_for_status()
        timings = []
        for _ in range(2):
            start = time.perf_counter()
            book = requests.get(f"{base}/api/v1/meetings/{meeting['id']}/book.pdf", headers=auth, timeout=300)
            book.raise_for_status()
            timings.append(time.perf_counter() - start)
        print(f"document: {len(data) / 1e6:.1f} MB; upload incl. sandboxed check: {upload_s:.2f} s")
        for name, r in (("E-Cabinet (permission check + send_file)", app_result),
                        ("python -m http.server (static)", static_result)):
            print(f"{name}: {args.tablets} tablets in {r['wall']:.2f} s, median {r['median']:.2f} s, "
                  f"p95 {r['p95']:.2f} s, {r['mbps']:.0f} MB/s aggregate")
        print(f"meeting book, 300 pages + cover/contents ({len(book.content) / 1e6:.1f} MB): "
              f"first build {timings[0]:.2f} s, cached {timings[1]:.3f} s")
    finally:
        for process in (app, static):
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
