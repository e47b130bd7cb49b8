"""Wires the notices domain into the app: its blueprints and its panel on the session page."""


def init_app(app):
    from ecabinet.meetings import views as meetings_views
    from ecabinet.notices import api, views

    meetings_views.page_panel(views.notice_panel, order=55)
    return [views.bp, api.bp, api.files_bp]
