"""Wires the voting domain into the app: its API, the session page's panel, the time limit's job."""


def init_app(app):
    from ecabinet.voting import api, jobs, strings, views

    app.config.setdefault("BALLOT_PROGRESS_INTERVAL", 0.25)
    app.config.setdefault("BALLOT_TICK_SECONDS", 1.0)
    app.extensions.setdefault("ecabinet.on_serve", []).append(jobs.start_time_limit_job)
    app.add_template_global(strings.ballot_client_config, "ballot_client_config")
    views.register_hooks()
    return [api.bp]
