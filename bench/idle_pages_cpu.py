"""What idle pages cost headless Chromium, with and without reduced motion (the browser tests' setup).

    .venv/bin/python bench/idle_pages_cpu.py [--seconds 10]

Starts a server on a fresh SQLite database with a live session, opens four idle pages in Debian's
Chromium as the tests do (two member tablets in the room, the chair's console, the session page with
its "live" badge), each in its own context, and counts the CPU seconds the browser's processes spend
over the window, first with the contexts asking for no preference, then for reduced motion. Bounded:
about half a minute in all. Nothing else should run meanwhile (the processes counted are this
script's own Chromium, but a busy machine slows it down).
"""
import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TICKS = os.sysconf("SC_CLK_TCK")


def _descendants(root):
    """PIDs under `root` (the Playwright driver, then Chromium and its renderers)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _chromium_cpu():
    """CPU seconds (user + system) used so far by this script's Chromium processes, per PID."""
    used = {}
    for pid in _descendants(os.getpid()):
        try:
            command = open(f"/proc/{pid}/cmdline", "rb").read()
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if b"chrom" in command:
            used[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return used


def _seed(app):
    from ecabinet.extensions import db
    from ecabinet.live import operations as live
    from ecabinet.meetings.models import MeetingStatus
    from tests.factories import create_meeting, create_secretariat, create_user

    with app.app_context():
        office = create_secretariat(username="vanphong", full_name="Nguyễn Thị Minh Thư")
        chair = create_user("chutich", "Nguyễn Văn Hùng", title="Chủ tịch UBND tỉnh")
        member = create_user("thanhvien", "Hoàng Thị Lan", title="Giám đốc Sở Tài chính")
        meeting = create_meeting("Phiên họp UBND tỉnh thường kỳ tháng 11/2026", status=MeetingStatus.LIVE, actor=office,
                                 chair=chair, members=[member], starts_in=timedelta(minutes=-10),
                                 agenda=("Báo cáo tình hình kinh tế – xã hội", "Tờ trình kế hoạch đầu tư công"))
        live.set_current_item(meeting, meeting.agenda_items[0], actor=chair)
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def _measure(browser, url, meeting_id, reduced_motion, seconds):
    from playwright.sync_api import expect

    from tests.conftest import TABLET_LANDSCAPE, browser_login
    from tests.factories import PASSWORD

    pages = [("thanhvien", f"/meetings/{meeting_id}/live"), ("thanhvien", f"/meetings/{meeting_id}/live"),
             ("chutich", f"/meetings/{meeting_id}/live/console"), ("thanhvien", f"/meetings/{meeting_id}")]
    contexts = []
    try:
        for username, path in pages:
            context = browser.new_context(viewport=TABLET_LANDSCAPE, locale="vi-VN", has_touch=True,
                                          reduced_motion=reduced_motion)
            contexts.append(context)
            page = context.new_page()
            browser_login(page, url, username, PASSWORD)
            page.goto(url + path)
            conn = page.locator('[data-live="conn"]')
            if conn.count():
                expect(conn.first).to_have_attribute("data-state", "connected", timeout=20_000)
            else:
                expect(page.locator(".badge--live").first).to_be_visible()
        time.sleep(2)  # the pages settle (fonts, first frames)
        before = _chromium_cpu()
        time.sleep(seconds)
        after = _chromium_cpu()
        return sum(after[pid] - before.get(pid, 0) for pid in after)
    finally:
        for context in contexts:
            context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from tests import services
    from tests.conftest import running_server

    with tempfile.TemporaryDirectory() as directory, running_server("sqlite://", Path(directory), "idle") as server:
        meeting_id = _seed(server.app)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=services.CHROMIUM,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                      "--disable-background-networking", "--disable-component-update", "--no-first-run"])
            try:
                for reduced_motion in ("no-preference", "reduce"):
                    cpu = _measure(browser, server.url, meeting_id, reduced_motion, args.seconds)
                    print(f"reduced_motion={reduced_motion:<13} 4 idle pages, {args.seconds:g} s: "
                          f"Chromium used {cpu:.2f} CPU s", flush=True)
            finally:
                browser.close()


if __name__ == "__main__":
    main()
