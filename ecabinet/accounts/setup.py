"""Wires the accounts domain into the app."""


def init_app(app):
    from ecabinet.accounts import api, views

    return [views.bp, api.bp]
