"""The one module that knows about eventlet: patching and serving."""
import os


def patch():
    """Monkey-patch the standard library for eventlet; call before anything else is imported."""
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    import eventlet

    eventlet.monkey_patch()


def serve(app, host, port):
    from ecabinet.extensions import socketio

    socketio.run(app, host=host, port=port, log_output=app.config.get("ACCESS_LOG", False),
                 use_reloader=False, debug=False)


def run_in_worker(function, *args, **kwargs):
    """Run CPU-heavy or blocking work off the event loop (a native thread under eventlet)."""
    from ecabinet.extensions import socketio

    if socketio.async_mode == "eventlet":
        from eventlet import tpool

        return tpool.execute(function, *args, **kwargs)
    return function(*args, **kwargs)
