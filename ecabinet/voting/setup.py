"""Wires the voting domain into the app: its API, the live pages' data, the session page's panel,
and the time limit's job on every server process."""
import os


def _env_float(name, default):
    value = os.environ.get(f"ECABINET_{name}")
    return float(value) if value not in (None, "") else default


def init_app(app):
    from ecabinet.voting import api, jobs, strings, views

    # At most one `ballot` progress event per session per interval per process (seconds).
    app.config.setdefault("BALLOT_PROGRESS_INTERVAL", _env_float("BALLOT_PROGRESS_INTERVAL", 0.25))
    # How often each process looks for ballots past their time limit (seconds).
    app.config.setdefault("BALLOT_TICK_SECONDS", _env_float("BALLOT_TICK_SECONDS", 1.0))
    app.extensions.setdefault("ecabinet.on_serve", []).append(jobs.start_time_limit_job)
    app.add_template_global(strings.ballot_client_config, "ballot_client_config")
    views.register_hooks()
    return [api.bp]
