"""Wires the live session into the app: socket handlers, pages, hooks into the meetings domain."""
import os


def init_app(app):
    from ecabinet.extensions import socketio
    from ecabinet.live import directory, events, views, wire

    app.config.setdefault("LIVE_GRACE_SECONDS", float(os.environ.get("ECABINET_LIVE_GRACE_SECONDS", 15)))
    # At most one `presence` broadcast per session per this many seconds per process (see events).
    app.config.setdefault("LIVE_PRESENCE_INTERVAL", float(os.environ.get("ECABINET_LIVE_PRESENCE_INTERVAL", 0.3)))
    wire.install(socketio.server)
    events.register_handlers()
    events.register_revocation()
    directory.register()
    views.register_hooks()
    app.extensions.setdefault("ecabinet.on_serve", []).append(close_stale_connections)
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
