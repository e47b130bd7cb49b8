"""The session's participant directory and its version.

The directory is who takes part (names, titles, units, roles, voting rights, stand-ins): a few
hundred bytes per participant that change rarely. It used to ride in every join snapshot, so
filling a room of N tablets sent O(N²) bytes (~97 KB per join at N=500). Now the snapshot
carries `participants_version` and a tablet fetches the directory (the `participants` socket
request, or GET /api/v1/meetings/<id>/participants) only when the version it holds differs.

The version is a counter on the session's live state row, bumped in the same transaction as the
change (an ORM flush listener, so the meetings and accounts domains need not know about it); after
the commit the room gets `participants` {meeting_id, version}. Attendance is not part of the
version: it changes with every check-in and reaches the tablets through `presence` (complete
`attendance` and `notes` maps, coalesced), so a check-in wave never makes every tablet refetch
the directory. The directory answer still carries each participant's attendance as of the read.
"""
import logging

from sqlalchemy import String, event, inspect, or_, select, type_coerce, update
from sqlalchemy.orm import Session

from ecabinet.extensions import db, socketio
from ecabinet.live.models import LiveState

log = logging.getLogger(__name__)

# Participant columns whose change is a change of the directory (attendance is not: see above).
_PARTICIPANT_FIELDS = ("user_id", "role", "can_vote", "delegate_for_id")
_USER_FIELDS = ("full_name", "title", "unit_id")
_BUMPED_KEY = "ecabinet.live.directory_bumped"


def directory_rows(meeting_id):
    """Every participant of the session, in one column query over participants + users + units."""
    from ecabinet.accounts.models import Unit, User
    from ecabinet.meetings.models import Participant

    return [{"user_id": user_id, "full_name": name, "title": title, "unit": unit, "role": role,
             "can_vote": can_vote, "delegate_for_id": delegate, "attendance": attendance,
             "attendance_note": note}
            for user_id, name, title, unit, role, can_vote, delegate, attendance, note in db.session.execute(
                select(Participant.user_id, User.full_name, User.title, Unit.name,
                       type_coerce(Participant.role, String), Participant.can_vote, Participant.delegate_for_id,
                       type_coerce(Participant.attendance, String), Participant.attendance_note)
                .join(User, User.id == Participant.user_id).outerjoin(Unit, Unit.id == User.unit_id)
                .where(Participant.meeting_id == meeting_id).order_by(Participant.id))]


def version_of(meeting_id):
    """The directory's version now (0 when the session has no live state yet)."""
    return db.session.execute(
        select(LiveState.participants_version).where(LiveState.meeting_id == meeting_id)
    ).scalar() or 0


def directory_json(meeting_id):
    """The `participants` answer: {meeting_id, version, participants}, read in one transaction."""
    return {"meeting_id": meeting_id, "version": version_of(meeting_id), "participants": directory_rows(meeting_id)}


# -- bumping the version with the change ------------------------------------------------------------


def _changed(obj, fields):
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _affected(session):
    """(meeting ids, user ids, unit ids) whose directory entries this flush changes."""
    from ecabinet.accounts.models import Unit, User
    from ecabinet.meetings.models import Participant

    meetings, users, units = set(), set(), set()
    for obj in session.new:
        if isinstance(obj, Participant):
            meetings.add(obj.meeting_id)
    for obj in session.deleted:
        if isinstance(obj, Participant):
            meetings.add(obj.meeting_id)
        elif isinstance(obj, User):
            users.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Participant):
            if _changed(obj, _PARTICIPANT_FIELDS):
                meetings.add(obj.meeting_id)
                history = inspect(obj).attrs.meeting_id.history
                meetings.update(m for m in history.deleted or () if m is not None)
        elif isinstance(obj, User):
            if _changed(obj, _USER_FIELDS):
                users.add(obj.id)
        elif isinstance(obj, Unit):
            if _changed(obj, ("name",)):
                units.add(obj.id)
    meetings.discard(None)
    users.discard(None)
    units.discard(None)
    return meetings, users, units


def _after_flush(session, _context):
    if not (session.new or session.dirty or session.deleted):
        return
    meetings, users, units = _affected(session)
    if not (meetings or users or units):
        return
    from ecabinet.accounts.models import User
    from ecabinet.meetings.models import Participant

    condition = []
    if meetings:
        condition.append(LiveState.meeting_id.in_(sorted(meetings)))
    if users:
        condition.append(LiveState.meeting_id.in_(
            select(Participant.meeting_id).where(Participant.user_id.in_(sorted(users)))))
    if units:
        condition.append(LiveState.meeting_id.in_(
            select(Participant.meeting_id).join(User, User.id == Participant.user_id)
            .where(User.unit_id.in_(sorted(units)))))
    rows = session.connection().execute(
        update(LiveState).where(or_(*condition))
        .values(participants_version=LiveState.participants_version + 1)
        .returning(LiveState.meeting_id, LiveState.participants_version)
    ).all()
    bumped = session.info.setdefault(_BUMPED_KEY, {})
    for meeting_id, version in rows:
        bumped[meeting_id] = version
    # Objects of this session that hold the state row see the new version on their next read.
    for meeting_id, _version in rows:
        state = session.identity_map.get(session.identity_key(LiveState, meeting_id))
        if state is not None:
            session.expire(state, ["participants_version"])


def _after_commit(session):
    bumped = session.info.pop(_BUMPED_KEY, None)
    if not bumped or socketio.server is None:
        return
    from ecabinet.core.push import push_to_meeting

    for meeting_id, version in sorted(bumped.items()):
        try:
            push_to_meeting(meeting_id, "participants", {"meeting_id": meeting_id, "version": version})
        except Exception:  # the change is committed; a tablet gets the version with its next join
            log.exception("participants event of meeting %s could not be sent", meeting_id)


def _after_rollback(session):
    session.info.pop(_BUMPED_KEY, None)


def register():
    if getattr(register, "done", False):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    register.done = True
