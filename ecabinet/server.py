"""The one module that knows about eventlet: patching and serving."""
from concurrent.futures import ThreadPoolExecutor
import os


def patch():
    """Monkey-patch the standard library for eventlet; call before anything else is imported."""
    import warnings

    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # eventlet prints a notice: it is in bugfix-only mode
        import eventlet

    eventlet.monkey_patch()
    _native_logging_locks(eventlet)


def _native_logging_locks(eventlet):
    """Logging's locks as native locks. The workers of run_in_worker are native threads, and they
    log (pyHanko does while signing). A patched lock taken in one OS thread and waited for in
    another never wakes its waiter: a signing that logged while the server logged hung for good
    (seen in CI: three notices issued at once). A log line is written without yielding to the
    event loop, so a native lock costs the loop nothing."""
    import logging

    native = eventlet.patcher.original("threading")
    register = getattr(logging, "_register_at_fork_reinit_lock", lambda _handler: None)

    def create_lock(handler):
        handler.lock = native.RLock()
        register(handler)

    logging.Handler.createLock = create_lock
    logging._lock = native.RLock()  # the module's own (getLogger, addHandler), unless already native
    for reference in list(logging._handlerList):
        handler = reference()
        if handler is not None:
            handler.lock = native.RLock()


def async_mode():
    """eventlet when the process was patched for it (the server), threading otherwise (CLI, tests)."""
    import sys

    if "eventlet" in sys.modules:
        from eventlet import patcher

        if patcher.is_monkey_patched("socket"):
            return "eventlet"
    return "threading"


def _raise_open_files_limit():
    """Every tablet is a socket: lift the soft descriptor limit (often 1024) to the hard one."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))
    except (ImportError, ValueError, OSError):
        pass


def serve(app, host, port):
    import socket

    from ecabinet.extensions import socketio

    # host:port names this process in the live connections table, stable across restarts.
    app.config.setdefault("LIVE_PROCESS_ID", f"{socket.gethostname()}:{port}")
    for hook in app.extensions.get("ecabinet.on_serve", ()):
        hook(app)
    if socketio.async_mode != "eventlet":
        socketio.run(app, host=host, port=port, log_output=app.config.get("ACCESS_LOG", False),
                     use_reloader=False, debug=False)
        return
    import eventlet
    import eventlet.wsgi

    _raise_open_files_limit()
    family, _type, _proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    # eventlet defaults to a backlog of 50 and at most 1024 concurrent connections; a room
    # of tablets reconnecting at once needs more of both.
    listener = eventlet.listen(address, family, backlog=int(os.environ.get("ECABINET_LISTEN_BACKLOG", 2048)))
    eventlet.wsgi.server(listener, app, log_output=app.config.get("ACCESS_LOG", False),
                         max_size=int(os.environ.get("ECABINET_MAX_CONNECTIONS", 10000)), debug=False)


def run_in_worker(function, *args, **kwargs):
    """Run CPU-heavy or blocking work off the event loop (a native thread under eventlet)."""
    from ecabinet.extensions import socketio

    if socketio.async_mode == "eventlet":
        from eventlet import tpool

        return tpool.execute(function, *args, **kwargs)
    # A native thread here too: the caller's thread may already run an asyncio loop (a test driving a
    # browser), and pyHanko's signing and validation start their own with asyncio.run().
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()
