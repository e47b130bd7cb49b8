"""The session page's way to the archive: a download button once the session has ended."""
from flask import url_for

from ecabinet.archive.access import archive_available, can_download_archive


def archive_header_action(meeting, user):
    if not archive_available(meeting) or not can_download_archive(user, meeting):
        return None
    return "archive/_header_action.html", {"url": url_for("archive_api.archive_zip", meeting_id=meeting.id)}
