"""Wires the accounts domain into the app."""


def init_app(app):
    from ecabinet.accounts import api, views
    from ecabinet.accounts.device import init_device

    init_device(app)
    return [views.bp, api.bp]
