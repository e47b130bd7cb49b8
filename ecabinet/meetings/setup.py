"""Wires the meetings domain into the app."""


def init_app(app):
    from ecabinet.core.web import error_way_back
    from ecabinet.meetings import api, views

    error_way_back(views.session_way_back)
    app.add_template_global(views.session_status, "session_status")

    return [views.bp, api.bp]
