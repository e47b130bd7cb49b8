"""Wires the minutes domain into the app: its blueprints, its link on the session page and the home
page's notice of minutes waiting for the user's signature."""


def init_app(app):
    from ecabinet.meetings import views as meetings_views
    from ecabinet.minutes import api, views

    meetings_views.header_action(views.minutes_header_action, order=60)
    app.context_processor(views.minutes_to_sign_context)
    return [views.bp, api.bp, api.files_bp]
