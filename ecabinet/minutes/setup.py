"""Wires the minutes domain into the app: its blueprints and its link on the session page."""


def init_app(app):
    from ecabinet.meetings import views as meetings_views
    from ecabinet.minutes import api, views

    meetings_views.header_action(views.minutes_header_action, order=60)
    return [views.bp, api.bp, api.files_bp]
