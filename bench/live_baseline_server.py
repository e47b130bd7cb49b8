"""The bare baseline for bench_live.py: python-socketio on eventlet that only rebroadcasts.

Same wire protocol as E-Cabinet (join with ack, navigate with ack, `page` to the room
without the sender), no authentication, no database: the floor the real server is compared with.
"""
import sys

import eventlet

eventlet.monkey_patch()

import eventlet.wsgi  # noqa: E402
import socketio  # noqa: E402

sio = socketio.Server(async_mode="eventlet", cors_allowed_origins="*", logger=False, engineio_logger=False)
state = {"seq": 0}


@sio.event
def connect(sid, environ, auth=None):
    return True


@sio.on("join")
def join(sid, data):
    sio.enter_room(sid, f"meeting:{data['meeting_id']}")
    return {"ok": True, "state": {"seq": state["seq"]}}


@sio.on("navigate")
def navigate(sid, data):
    state["seq"] += 1
    payload = {"meeting_id": data["meeting_id"], "document_id": data.get("document_id"), "page": data["page"],
               "seq": state["seq"], "presenter_id": 0}
    sio.emit("page", payload, to=f"meeting:{data['meeting_id']}", skip_sid=sid)
    return {"ok": True, "seq": state["seq"]}


if __name__ == "__main__":
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port = int(sys.argv[1])
    listener = eventlet.listen(("127.0.0.1", port), backlog=2048)
    eventlet.wsgi.server(listener, socketio.WSGIApp(sio), log_output=False, max_size=10000)
