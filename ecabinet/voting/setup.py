"""Wires the voting domain into the app: its API, the live pages' data, the session page's panel,
the minutes' ballots section, and the time limit's job on every server process (settings: config.py)."""


def init_app(app):
    from ecabinet.minutes import facts
    from ecabinet.voting import api, events, jobs, payloads, strings, views

    app.extensions.setdefault("ecabinet.on_serve", []).append(jobs.start_time_limit_job)
    app.add_template_global(strings.ballot_client_config, "ballot_client_config")
    facts.section("ballots", payloads.minutes_section)
    views.register_hooks()
    events.register_signals()
    return [api.bp]
