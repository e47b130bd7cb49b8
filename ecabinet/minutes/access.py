"""Who may read, write, comment on and finalise a session's minutes. Nothing else decides.

Every participant of the session (and the body's secretariat) reads them; the session's secretary
and the body's secretariat write and finalise them and set the signing order
(meetings.access.can_manage_meeting); the session's chair comments on the drafts; the secretary,
the chair and the participants the signing order names sign them. Anyone else does not see them.
"""
from sqlalchemy import select

from ecabinet.accounts.models import User
from ecabinet.bodies.models import BodyMember, RosterRole
from ecabinet.extensions import db
from ecabinet.meetings.access import can_manage_meeting, can_view_meeting
from ecabinet.meetings.models import Meeting, MeetingStatus, Participant, Role
from ecabinet.minutes.models import Minutes, MinutesSigner

# Minutes are written once the session is under way; a draft session has none yet.
_WRITABLE_MEETING_STATES = {MeetingStatus.PUBLISHED, MeetingStatus.LIVE, MeetingStatus.ENDED}


def can_read_minutes(user, meeting):
    return can_view_meeting(user, meeting)


def minutes_reader_ids(meeting):
    """can_read_minutes as SQL, for the `minutes` pushes to each reader's own room: the session's
    participants (its chair and secretary alone while it is a draft) and its body's secretariat,
    active accounts (tests/minutes/test_events.py proves the two agree on every role)."""
    participants = select(Participant.user_id).where(Participant.meeting_id == meeting.id)
    if meeting.status == MeetingStatus.DRAFT:
        participants = participants.where(Participant.role.in_([Role.CHAIR, Role.SECRETARY]))
    secretariat = (select(BodyMember.user_id).join(Meeting, Meeting.body_id == BodyMember.body_id)
                   .where(Meeting.id == meeting.id, BodyMember.role == RosterRole.SECRETARIAT))
    readers = select(User.id).where(User.active.is_(True), User.id.in_(participants.union(secretariat)))
    return sorted(db.session.execute(readers).scalars())


def can_write_minutes(user, meeting):
    """Save revisions and finalise: the session's secretary or the body's secretariat."""
    return can_manage_meeting(user, meeting)


def can_comment_minutes(user, meeting):
    """Comment on a draft: the session's chair."""
    participant = meeting.participant_for(user)
    return can_view_meeting(user, meeting) and participant is not None and participant.role == Role.CHAIR


def can_see_comments(user, meeting):
    """The chair's comments are a conversation between the chair and whoever writes the minutes."""
    return can_write_minutes(user, meeting) or can_comment_minutes(user, meeting)


def minutes_open_for_writing(meeting):
    """The session's state allows drafting (published, live or ended; not a draft, not archived)."""
    return meeting.status in _WRITABLE_MEETING_STATES


def can_download_minutes_pdf(user, meeting):
    """The minutes PDF (the draft's latest revision marked as a draft, or the final one): whoever
    reads the minutes."""
    return can_read_minutes(user, meeting)


def can_sign_minutes(user, meeting):
    """Sign the final minutes: the session's secretary or chair, or a participant the signing order
    names (which of them, and when, is the signing order's business: minutes.signatures)."""
    participant = meeting.participant_for(user)
    if not can_view_meeting(user, meeting) or participant is None:
        return False
    return participant.role in (Role.SECRETARY, Role.CHAIR) or _named_in_signing_order(user, meeting)


def _named_in_signing_order(user, meeting):
    return db.session.scalar(
        select(MinutesSigner.id).join(Minutes).where(Minutes.meeting_id == meeting.id,
                                                     MinutesSigner.user_id == user.id).limit(1)) is not None


def can_set_signing_order(user, meeting):
    """Choose who signs the minutes and in which order: whoever writes them (the session's secretary,
    the body's secretariat)."""
    return can_write_minutes(user, meeting)


def can_verify_minutes(user, meeting):
    return can_read_minutes(user, meeting)
