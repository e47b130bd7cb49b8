"""Wires the live session into the app: its socket events' companions, pages, hooks into the meetings domain."""


def init_app(app):
    from ecabinet.extensions import socketio
    from ecabinet.live import events, versions, views, wire

    wire.install(socketio.server)
    events.register_signals()
    versions.register()
    views.register_hooks()
    app.extensions.setdefault("ecabinet.on_serve", []).extend([close_stale_connections, freeze_startup_objects])
    return [views.bp]


def close_stale_connections(app):
    """Before serving: connections a previous run of this process left open are gone; close them."""
    from ecabinet.extensions import db
    from ecabinet.live.operations import close_process_connections

    with app.app_context():
        closed = close_process_connections(app.config["LIVE_PROCESS_ID"])
        db.session.commit()
        if closed:
            app.logger.info("closed %d connections left open by the previous run", closed)


def freeze_startup_objects(app):
    """Before serving: tune the cyclic garbage collector for a process that holds many sockets.

    Profiled while 500 tablets joined (bench/bench_live.py --profile-join, and gc.callbacks):
    about an eighth of the server's CPU went to collections (docs/performance.md). Startup makes
    some 150 000 objects that live as long as the process (modules, classes, mappers, compiled
    queries) and every full collection walked them all (~0.1 s each, the event loop frozen
    meanwhile): freeze them out of the collector. And a join allocates thousands of short-lived
    objects (the rows of a room), which at CPython's default of a young collection every 700
    allocations were scanned and promoted again and again: collect the young generation every
    7000. Nothing is collected less surely, only in larger batches; reference counting still frees
    everything without cycles at once.
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 10, 10)
