"""Who may draft, issue, read and download a session's conclusions notice. Nothing else decides.

The notice is the body's document, prepared by the office that keeps the session's papers: the
body's secretariat or the session's secretary (meetings.access.can_manage_meeting) drafts it and
issues it, signing it with their own certificate in the block "TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG"
(docs/notice.md explains the choice). While it is a draft only they see it; once issued, everyone who
sees the session (its participants and the body's secretariat) reads it. Anyone else does not see it.
"""
from ecabinet.meetings.access import can_manage_meeting, can_view_meeting
from ecabinet.meetings.models import MeetingStatus

# A notice follows the minutes, which are finalised after the session ended.
_DRAFTING_STATES = {MeetingStatus.ENDED}


def can_write_notice(user, meeting):
    """Edit the draft and issue (sign) it: the body's secretariat or the session's secretary."""
    return can_manage_meeting(user, meeting)


def can_read_notice(user, meeting, notice):
    """The draft: its writers; the issued notice: whoever sees the session."""
    if notice is not None and notice.is_issued:
        return can_view_meeting(user, meeting)
    return can_write_notice(user, meeting)


def notice_open_for_drafting(meeting):
    """The session's state allows drafting and issuing: ended (not archived: archived is read-only)."""
    return meeting.status in _DRAFTING_STATES


def can_see_notices_of(user, meeting):
    """Reach the notice's page and API at all (then can_read_notice decides on the notice itself)."""
    return can_view_meeting(user, meeting)
