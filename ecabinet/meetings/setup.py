"""Wires the meetings domain into the app."""


def init_app(app):
    from ecabinet.meetings import api, views

    return [views.bp, api.bp]
