"""The bare baseline for bench_live.py: python-socketio on eventlet that only rebroadcasts.

Same wire protocol as E-Cabinet (join with ack, navigate with ack, `page` to the room
without the sender, one seq per session), no authentication, no database: the floor the real
server is compared with. With ECABINET_MESSAGE_QUEUE set (two processes or more), the rooms
span the processes through python-socketio's Redis manager, as E-Cabinet's do.
"""
import os
import sys

import eventlet

eventlet.monkey_patch()

import eventlet.wsgi  # noqa: E402
import socketio  # noqa: E402

queue = os.environ.get("ECABINET_MESSAGE_QUEUE")
manager = (socketio.RedisManager(queue, channel=os.environ.get("ECABINET_MESSAGE_QUEUE_CHANNEL", "socketio"))
           if queue else None)
sio = socketio.Server(async_mode="eventlet", cors_allowed_origins="*", logger=False, engineio_logger=False,
                      client_manager=manager)
seqs = {}  # meeting id -> seq (the presenter's process keeps it, as E-Cabinet's row does)


@sio.event
def connect(sid, environ, auth=None):
    return True


@sio.on("join")
def join(sid, data):
    sio.enter_room(sid, f"meeting:{data['meeting_id']}")
    return {"ok": True, "state": {"seq": seqs.get(data["meeting_id"], 0)}}


@sio.on("navigate")
def navigate(sid, data):
    meeting_id = data["meeting_id"]
    seqs[meeting_id] = seq = seqs.get(meeting_id, 0) + 1
    payload = {"meeting_id": meeting_id, "document_id": data.get("document_id"), "page": data["page"],
               "seq": seq, "presenter_id": 0}
    sio.emit("page", payload, to=f"meeting:{meeting_id}", skip_sid=sid)
    return {"ok": True, "seq": seq}


if __name__ == "__main__":
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port = int(sys.argv[1])
    listener = eventlet.listen(("127.0.0.1", port), backlog=2048)
    eventlet.wsgi.server(listener, socketio.WSGIApp(sio), log_output=False, max_size=10000)
