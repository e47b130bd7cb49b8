"""A light Socket.IO tablet for bench_live.py: asyncio + websockets speaking Engine.IO 4 / Socket.IO 5.

Only what a tablet needs: open, connect with auth, join with ack, answer pings, record `page`
events (seq, receive time). One process runs hundreds of these.
"""
import asyncio
import json
import time

import websockets


class Tablet:
    def __init__(self, url, token, meeting_id):
        self.url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.token = token
        self.meeting_id = meeting_id
        self.received = []  # (seq, receive time)
        self.ws = None
        self._acks = {}
        self._next_ack = 0
        self.reader = None

    async def connect_and_join(self, timeout=600):
        """Open, connect and join; a server that never answers fails it after `timeout` seconds."""
        return await asyncio.wait_for(self._connect_and_join(), timeout)

    async def _connect_and_join(self):
        started = time.time()
        self.ws = await websockets.connect(self.url, max_size=None, open_timeout=60, ping_interval=None,
                                           compression=None)
        opening = await self.ws.recv()
        assert opening.startswith("0"), opening
        await self.ws.send("40" + json.dumps({"token": self.token} if self.token else {}))
        connected = await self.ws.recv()
        for _ in range(100):  # a busy server may ping before it answers the connect: answer, as a tablet does
            if connected != "2":
                break
            await self.ws.send("3")
            connected = await self.ws.recv()
        assert connected.startswith("40"), connected
        self.reader = asyncio.create_task(self._read())
        ack = await self.call("join", {"meeting_id": self.meeting_id})
        assert ack.get("ok"), ack
        return time.time() - started

    async def call(self, event, data):
        ack_id = self._next_ack
        self._next_ack += 1
        future = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        await self.ws.send(f"42{ack_id}" + json.dumps([event, data]))
        return await asyncio.wait_for(future, 60)

    async def _read(self):
        try:
            async for message in self.ws:
                if message == "2":
                    await self.ws.send("3")
                elif message.startswith("42"):
                    now = time.time()
                    body = message[2:]
                    if body.startswith('["page"'):
                        payload = json.loads(body)[1]
                        self.received.append((payload["seq"], now))
                elif message.startswith("43"):
                    body = message[2:]
                    split = body.index("[")
                    ack_id = int(body[:split])
                    future = self._acks.pop(ack_id, None)
                    if future and not future.done():
                        future.set_result(json.loads(body[split:])[0])
        except websockets.ConnectionClosed:
            pass

    async def close(self):
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


def worker(jobs, conn, concurrency):
    """A client process: connect its tablets (jobs: (url, token, meeting_id) each), report, then
    report what arrived on every 'report' until 'stop' (or until the bench process goes)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    async def main():
        tablets = [Tablet(url, token, meeting_id) for url, token, meeting_id in jobs]
        limit = asyncio.Semaphore(concurrency)

        async def one(tablet):
            async with limit:
                return await tablet.connect_and_join()

        conn.recv()  # go
        started = time.time()
        times = await asyncio.gather(*(one(t) for t in tablets))
        conn.send({"connect_times": times, "connected_at": time.time(), "started": started,
                   "cpu": time.process_time()})
        loop = asyncio.get_running_loop()
        while True:
            try:
                command = await loop.run_in_executor(None, conn.recv)
            except EOFError:  # the bench process is gone
                break
            if command == "report":
                conn.send({"received": [(t.meeting_id, t.received) for t in tablets], "cpu": time.process_time()})
                for t in tablets:
                    t.received = []
            elif command == "stop":
                break
        await asyncio.gather(*(t.close() for t in tablets), return_exceptions=True)

    asyncio.run(main())
