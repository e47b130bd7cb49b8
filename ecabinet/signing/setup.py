"""Wires the signing domain into the app: blueprints and the `ecabinet ca` commands (settings: config.py)."""


def init_app(app):
    from ecabinet.signing import api, cli, views

    app.cli.add_command(cli.ca_group)
    return [views.bp, api.bp]
