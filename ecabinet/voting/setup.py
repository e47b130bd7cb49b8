"""Wires the voting domain into the app: its API, the session page's panel, the time limit's job."""


def init_app(app):
    from ecabinet.voting import api, jobs, views

    app.config.setdefault("BALLOT_PROGRESS_INTERVAL", 0.25)
    app.config.setdefault("BALLOT_TICK_SECONDS", 1.0)
    app.extensions.setdefault("ecabinet.on_serve", []).append(jobs.start_time_limit_job)
    views.register_hooks()
    return [api.bp]
