"""Wires the archive into the app: its download route, its button on the session page, and its
condition for archiving a session (the minutes signed)."""


def init_app(app):
    from ecabinet.archive import api, operations, views
    from ecabinet.meetings import operations as meetings
    from ecabinet.meetings import views as meetings_views

    meetings.archive_check(operations.check_ready_for_archive)
    meetings_views.header_action(views.archive_header_action, order=80)
    return [api.bp]
