"""The voting storm, shared by tests/voting/test_storm.py and bench/bench_voting.py.

N members checked in to a live session, one tablet each (asyncio websockets speaking Engine.IO 4 /
Socket.IO 5, as bench/live_client.py); the chair opens a ballot and every tablet votes the moment
the `ballot` event reaches it: half through the socket's `vote` event, half through
POST /api/v1/ballots/<id>/votes. Then each voter replays its vote through the other channel (it
must be refused), the chair closes the ballot, and every tablet waits for `ballot_result`.

Measured: time from opening to the last vote's acknowledgement, to the last tablet's result after
closing, errors (refused or failed first votes), timeouts, and whether every replay was refused.
"""
import asyncio
import collections
import json
import time

import aiohttp
import websockets

PASSWORD = "storm-password-1"


def seed(database_url, n, *, secret=False):
    """A live session with a chair and n members, all checked in, a prepared ballot, and a bearer
    token for everyone (issued directly: the storm measures voting, not logging in).
    Returns (meeting_id, ballot_id, chair_token, member tokens)."""
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from ecabinet.accounts.models import User
    from ecabinet.accounts.operations import issue_token
    from ecabinet.core.db import utcnow
    from ecabinet.extensions import db
    from ecabinet.meetings import operations
    from ecabinet.meetings.models import Attendance, MeetingStatus, Participant, Role
    from ecabinet.voting import operations as voting

    tag = f"{time.monotonic_ns() % 10 ** 9}"
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    now = utcnow()
    db.session.execute(insert(User), [
        {"username": f"storm{tag}-{i}", "full_name": f"Thành Viên {i}", "password_hash": password_hash,
         "is_admin": False, "is_secretariat": i == 0, "active": True, "session_nonce": f"n{i}", "created_at": now}
        for i in range(n + 2)])
    db.session.commit()
    users = db.session.execute(select(User).where(User.username.like(f"storm{tag}-%")).order_by(User.id)).scalars().all()
    secretariat, chair, members = users[0], users[1], users[2:]
    meeting = operations.create_meeting("Phiên họp biểu quyết", now, actor=secretariat)
    operations.add_agenda_item(meeting, "Tờ trình", actor=secretariat, duration_minutes=30)
    operations.invite_participant(meeting, chair, Role.CHAIR, actor=secretariat)
    db.session.flush()
    db.session.execute(insert(Participant), [
        {"meeting_id": meeting.id, "user_id": u.id, "role": Role.MEMBER, "can_vote": True, "invited_at": now,
         "attendance": Attendance.PRESENT, "checked_in_at": now} for u in members])
    meeting.participant_for(chair).attendance = Attendance.PRESENT
    operations.change_status(meeting, MeetingStatus.PUBLISHED, actor=secretariat)
    operations.change_status(meeting, MeetingStatus.LIVE, actor=secretariat)
    ballot = voting.create_ballot(meeting, actor=secretariat, question="Thông qua Tờ trình?", secret=secret)
    tokens = [issue_token(user)[1] for user in [chair, *members]]
    db.session.commit()
    return meeting.id, ballot.id, tokens[0], tokens[1:]


class StormTablet:
    """One tablet: connect with its token, join, vote when the ballot arrives, wait for the result."""

    def __init__(self, url, token, meeting_id):
        self.http_url = url  # its server process: the API votes go there too
        self.url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.token, self.meeting_id = token, meeting_id
        self.ws = self.reader = None
        self._acks, self._next_ack = {}, 0
        self.opened = asyncio.Event()
        self.result = None
        self.result_at = None
        self.result_event = asyncio.Event()

    async def connect_and_join(self):
        self.ws = await websockets.connect(self.url, max_size=None, open_timeout=60, ping_interval=None,
                                           compression=None)
        assert (await self.ws.recv()).startswith("0")
        await self.ws.send("40" + json.dumps({"token": self.token}))
        reply = await self.ws.recv()
        while reply == "2":
            await self.ws.send("3")
            reply = await self.ws.recv()
        assert reply.startswith("40"), reply
        self.reader = asyncio.create_task(self._read())
        ack = await self.call("join", {"meeting_id": self.meeting_id})
        assert ack.get("ok"), ack

    async def call(self, event, data, timeout=60):
        ack_id, self._next_ack = self._next_ack, self._next_ack + 1
        future = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        await self.ws.send(f"42{ack_id}" + json.dumps([event, data]))
        return await asyncio.wait_for(future, timeout)

    async def _read(self):
        try:
            async for message in self.ws:
                if message == "2":
                    await self.ws.send("3")
                elif message.startswith("42"):
                    name, payload = json.loads(message[2:])[:2]
                    if name == "ballot" and payload.get("status") == "open":
                        self.opened.set()
                    elif name == "ballot_result" and self.result is None:
                        self.result, self.result_at = payload, time.monotonic()
                        self.result_event.set()
                elif message.startswith("43"):
                    body = message[2:]
                    split = body.index("[")
                    future = self._acks.pop(int(body[:split]), None)
                    if future and not future.done():
                        future.set_result(json.loads(body[split:])[0])
        except websockets.ConnectionClosed:
            pass

    async def close(self):
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


async def _http_vote(http, url, ballot_id, token, choice, timeout):
    async with http.post(f"{url}/api/v1/ballots/{ballot_id}/votes", json={"choice": choice},
                         headers={"Authorization": f"Bearer {token}"}, timeout=aiohttp.ClientTimeout(total=timeout)) as r:
        body = await r.json()
        return body if r.status in (200, 201) else {"ok": False, "status": r.status, **body}


CHOICES = ("yes", "no", "abstain")


def _by_program():
    """CPU jiffies of every process on the machine, summed by program (server: the processes under
    test; postgres; …): who used the cores while the votes were in flight."""
    import os
    import pathlib

    totals = collections.Counter()
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        name = ("server" if "ecabinet run" in cmdline or "vote_baseline_server" in cmdline
                else stat[stat.index("(") + 1:stat.rindex(")")])
        totals[name] += int(fields[11]) + int(fields[12])
    return totals


def _cpu_now():
    """This client's CPU seconds, the whole machine's busy and total jiffies (/proc/stat), and the
    CPU of every other program."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    return time.process_time(), sum(fields) - fields[3] - fields[4], sum(fields), _by_program()


def _cpu_since(before):
    """Over the window: the client's CPU seconds, how busy the machine's cores were (0–1), and the
    programs that used the most CPU seconds."""
    client, busy, total, programs = _cpu_now()
    hertz = 100
    used = programs - before[3]
    return {"client_cpu_s": round(client - before[0], 3),
            "machine_busy": round((busy - before[1]) / max(1, total - before[2]), 3),
            "server_cpu_s": used["server"] / hertz, "postgres_cpu_s": used["postgres"] / hertz,
            "others": {name: round(jiffies / hertz, 2) for name, jiffies in used.most_common(5)
                       if name not in ("server", "postgres")}}


async def storm(url, meeting_id, ballot_id, chair_token, tokens, *, timeout=120, connect_concurrency=64,
                open_path="/api/v1/ballots/{id}/open", close_path="/api/v1/ballots/{id}/close", window=None):
    """Run the storm; returns a dict of figures and the per-voter replies. `url`: one server, or a
    list of server processes sharing a message queue (tablets spread over them in turn, each
    tablet's API votes to its own; the chair on the first). `window`: (start, stop) functions called
    just before the opening and once every vote is acknowledged (bench_voting.py --profile)."""
    urls = [url] if isinstance(url, str) else list(url)
    url = urls[0]
    tablets = [StormTablet(urls[i % len(urls)], token, meeting_id) for i, token in enumerate(tokens)]
    limit = asyncio.Semaphore(connect_concurrency)

    async def connect(tablet):
        # As a tablet does: a connection refused or dropped while a loaded server accepts hundreds
        # at once is tried again (a vote is never retried: its answer is what the storm measures).
        async with limit:
            for attempt in range(3):
                try:
                    await tablet.connect_and_join()
                    return
                except (OSError, websockets.WebSocketException, asyncio.TimeoutError):
                    if attempt == 2:
                        raise
                    await tablet.close()
                    await asyncio.sleep(1 + attempt)

    started = time.monotonic()
    await asyncio.gather(*(connect(t) for t in tablets))
    figures = {"n": len(tablets), "connect_join_s": time.monotonic() - started}
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        chair = {"Authorization": f"Bearer {chair_token}"}
        acks, ack_times = [None] * len(tablets), [None] * len(tablets)

        async def vote(index, tablet):
            await asyncio.wait_for(tablet.opened.wait(), timeout)
            choice = CHOICES[index % 3]
            try:
                if index % 2 == 0:
                    reply = await tablet.call("vote", {"ballot_id": ballot_id, "choice": choice}, timeout)
                else:
                    reply = await _http_vote(http, tablet.http_url, ballot_id, tablet.token, choice, timeout)
            except asyncio.TimeoutError:
                reply = {"ok": False, "timeout": True}
            except aiohttp.ClientError as error:
                reply = {"ok": False, "error": {"code": type(error).__name__}}
            acks[index], ack_times[index] = reply, time.monotonic()

        voting = [asyncio.create_task(vote(i, t)) for i, t in enumerate(tablets)]
        if window is not None:
            await asyncio.get_running_loop().run_in_executor(None, window[0])
        window_cpu = _cpu_now()
        opened_at = time.monotonic()
        async with http.post(url + open_path.format(id=ballot_id), headers=chair, json={}) as response:
            assert response.status == 200, await response.text()
        await asyncio.gather(*voting)
        figures["window_cpu"] = _cpu_since(window_cpu)
        if window is not None:
            window[1]()
        figures["all_acks_s"] = max(t for t in ack_times if t is not None) - opened_at
        figures["errors"] = sum(1 for a in acks if not a.get("ok") and not a.get("timeout"))
        figures["timeouts"] = sum(1 for a in acks if a.get("timeout"))

        async def replay(index, tablet):
            choice = CHOICES[(index + 1) % 3]
            try:
                if index % 2 == 0:
                    return await _http_vote(http, tablet.http_url, ballot_id, tablet.token, choice, timeout)
                return await tablet.call("vote", {"ballot_id": ballot_id, "choice": choice}, timeout)
            except asyncio.TimeoutError:
                return {"ok": False, "timeout": True}
            except aiohttp.ClientError as error:
                return {"ok": False, "error": {"code": type(error).__name__}}

        replays = await asyncio.gather(*(replay(i, t) for i, t in enumerate(tablets)))
        figures["replays_refused"] = sum(1 for r in replays if not r.get("ok")
                                         and (r.get("error") or {}).get("code") == "already_voted")
        figures["replay_outcomes"] = dict(collections.Counter(
            "timeout" if r.get("timeout") else (r.get("error") or {}).get("code", "ok") for r in replays))
        closed_at = time.monotonic()
        async with http.post(url + close_path.format(id=ballot_id), headers=chair, json={}) as response:
            assert response.status == 200, await response.text()
            figures["closed"] = await response.json()
        try:
            await asyncio.wait_for(asyncio.gather(*(t.result_event.wait() for t in tablets)), timeout)
        except asyncio.TimeoutError:
            pass
        got = [t for t in tablets if t.result is not None]
        figures["results_received"] = len(got)
        figures["all_results_s"] = (max(t.result_at for t in got) - closed_at) if got else None
        figures["results"] = [t.result for t in got]
    figures["acks"] = acks
    await asyncio.gather(*(t.close() for t in tablets), return_exceptions=True)
    return figures
