"""Read-only lookups of sessions for a user."""
from datetime import datetime, time

from sqlalchemy import or_, select

from ecabinet.core.timeutil import LOCAL_TZ
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting, MeetingStatus, Participant, Role


def meetings_for(user):
    """Every session the user may see, newest first (same rule as access.can_view_meeting)."""
    stmt = select(Meeting).order_by(Meeting.starts_at.desc())
    if not user.is_secretariat:
        mine = select(Participant.meeting_id).where(Participant.user_id == user.id)
        organiser = mine.where(Participant.role.in_([Role.CHAIR, Role.SECRETARY]))
        stmt = stmt.where(Meeting.id.in_(mine)).where(
            or_(Meeting.status != MeetingStatus.DRAFT, Meeting.id.in_(organiser)))
    return db.session.execute(stmt).scalars().all()


def split_upcoming(meetings, now):
    """(upcoming soonest first, past newest first); a live session is always upcoming."""
    today = datetime.combine(now.astimezone(LOCAL_TZ).date(), time.min, LOCAL_TZ)
    upcoming, past = [], []
    for meeting in meetings:
        finished = meeting.status in {MeetingStatus.ENDED, MeetingStatus.ARCHIVED}
        if meeting.status == MeetingStatus.LIVE or (not finished and meeting.starts_at >= today):
            upcoming.append(meeting)
        else:
            past.append(meeting)
    upcoming.sort(key=lambda m: (m.status != MeetingStatus.LIVE, m.starts_at))
    past.sort(key=lambda m: m.starts_at, reverse=True)
    return upcoming, past
