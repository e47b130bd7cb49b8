"""The bare baseline for bench_voting.py: python-socketio on eventlet that only acknowledges.

The same wire as E-Cabinet for the storm (join with ack, `vote` with ack, POST .../open, .../votes,
.../close; `ballot` and `ballot_result` to the room), no authentication, no database, no rules.
"""
import json
import os
import re
import sys

import eventlet

eventlet.monkey_patch()

import eventlet.wsgi  # noqa: E402
import socketio  # noqa: E402

# Several processes (bench_voting.py --processes 2) share a Redis channel, as E-Cabinet's do.
_queue = os.environ.get("ECABINET_MESSAGE_QUEUE")
_manager = (socketio.RedisManager(_queue, channel=os.environ.get("ECABINET_MESSAGE_QUEUE_CHANNEL", "baseline"))
            if _queue else None)
sio = socketio.Server(async_mode="eventlet", cors_allowed_origins="*", logger=False, engineio_logger=False,
                      client_manager=_manager)
ROOM = "meeting:1"
state = {"voted": 0}


@sio.event
def connect(sid, environ, auth=None):
    return True


@sio.on("join")
def join(sid, data):
    sio.enter_room(sid, ROOM)
    return {"ok": True, "state": {}}


@sio.on("vote")
def vote(sid, data):
    state["voted"] += 1
    return {"ok": True, "ballot_id": data.get("ballot_id")}


def http(environ, start_response):
    match = re.match(r"^/api/v1/ballots/(\d+)/(open|close|votes)$", environ.get("PATH_INFO", ""))
    if not match or environ["REQUEST_METHOD"] != "POST":
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"error": {"code": "not_found", "message": "no"}}']
    ballot_id, action = int(match.group(1)), match.group(2)
    status, body = "200 OK", {"ok": True, "ballot_id": ballot_id}
    if action == "open":
        sio.emit("ballot", {"ballot_id": ballot_id, "meeting_id": 1, "status": "open"}, to=ROOM)
    elif action == "votes":
        state["voted"] += 1
        status = "201 Created"
    else:
        counts = {"yes": state["voted"], "no": 0, "abstain": 0, "not_voted": 0}
        body = {"counts": counts}
        sio.emit("ballot_result", {"ballot_id": ballot_id, "meeting_id": 1, "counts": counts, "result": "passed"},
                 to=ROOM)
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]


if __name__ == "__main__":
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    listener = eventlet.listen(("127.0.0.1", int(sys.argv[1])), backlog=2048)
    eventlet.wsgi.server(listener, socketio.WSGIApp(sio, http), log_output=False, max_size=10000)
