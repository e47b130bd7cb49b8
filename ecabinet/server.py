"""The one module that knows about eventlet: patching and serving."""
import os


def patch():
    """Monkey-patch the standard library for eventlet; call before anything else is imported."""
    import warnings

    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # eventlet prints a notice: it is in bugfix-only mode
        import eventlet

    eventlet.monkey_patch()


def async_mode():
    """eventlet when the process was patched for it (the server), threading otherwise (CLI, tests)."""
    import sys

    if "eventlet" in sys.modules:
        from eventlet import patcher

        if patcher.is_monkey_patched("socket"):
            return "eventlet"
    return "threading"


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
