"""Who may download a session's archive. Nothing else decides.

Whoever sees the session (its participants, the body's secretariat) may download it: it holds only
what each of them may already read one by one (the signed minutes and notice, the ballots and the
attendance), and the meeting book inside is built for the reader (only the documents they may read,
confidential ones watermarked with their name). Anyone else does not see the session at all (404).
"""
from ecabinet.meetings.access import can_view_meeting
from ecabinet.meetings.models import MeetingStatus

_AFTER_THE_SESSION = {MeetingStatus.ENDED, MeetingStatus.ARCHIVED}


def can_download_archive(user, meeting):
    return can_view_meeting(user, meeting)


def archive_available(meeting):
    """The archive is made of a finished session (ended or archived)."""
    return meeting.status in _AFTER_THE_SESSION
