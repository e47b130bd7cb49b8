"""Wires the polls domain into the app: blueprints, the background tick, the CLI, the home notice."""


def init_app(app):
    from ecabinet.core.web import error_way_back
    from ecabinet.documents.operations import blob_reference
    from ecabinet.polls import api, cli, jobs, views

    blob_reference(views.blob_in_use)
    app.extensions.setdefault("ecabinet.on_serve", []).append(jobs.start_ticker)
    app.cli.add_command(cli.polls_group)
    app.context_processor(views.pending_polls_context)
    error_way_back(views.poll_way_back)
    return [views.bp, api.bp]
