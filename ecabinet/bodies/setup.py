"""Wires the bodies domain into the app."""


def init_app(app):
    from ecabinet.bodies import api, views

    return [views.bp, api.bp]
