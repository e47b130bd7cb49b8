"""Wires the bodies domain into the app."""


def init_app(app):
    from ecabinet.bodies import api, views

    app.context_processor(views.home_body)
    return [views.bp, api.bp]
