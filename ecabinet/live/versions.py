"""Two counters on a session's live state row, bumped in the same transaction as the change they count.

- `participants_version`: the participant directory (who takes part: names, titles, units, roles,
  voting rights, stand-ins). Tablets fetch the directory only when the version they hold differs;
  after the commit the room gets `participants` {meeting_id, version}.
- `room_version`: everything the join snapshot shares between the tablets of a room and that is
  not in the state row itself: the session's header, agenda items, participants and attendance,
  the floor queue, and the sections other domains register (core.realtime.snapshot_section and
  watch_room: documents, ballots). A process builds that shared part once per version (live.room)
  instead of once per tablet.

Both are bumped by one ORM flush listener, so the domains that change these rows need not know. The
listener sends nothing itself: it queues `participants` with the unit of work (core.realtime), sent
after the commit.
Only ORM changes are seen: a bulk `update()`/`insert()` on a watched table must bump the counters
itself (none does today; the live state row's own Core updates need not, it is read on every join).
"""
from sqlalchemy import case, event, inspect, select, update
from sqlalchemy.orm import Session

from ecabinet.accounts.models import Unit, User
from ecabinet.core import realtime
from ecabinet.live.models import FloorRequest, LiveState
from ecabinet.meetings.models import AgendaItem, Meeting, Participant

# Participant columns whose change is a change of the directory (attendance is not: it reaches the
# tablets through `presence`, so a check-in wave never makes every tablet refetch the directory).
_PARTICIPANT_FIELDS = ("user_id", "role", "can_vote", "delegate_for_id")
_USER_FIELDS = ("full_name", "title", "unit_id")
_ROOM_BUMPED = "ecabinet.live.room_bumped"


def _changed(obj, fields):
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _old_meeting_ids(obj):
    """A row moved to another session changes the old one too."""
    attrs = inspect(obj).attrs
    if "meeting_id" not in attrs.keys():
        return ()
    return [m for m in attrs.meeting_id.history.deleted or () if m is not None]


def _affected(session):
    """(directory meeting ids, directory user ids, directory unit ids, room meeting ids) of this flush."""
    meetings, users, units, rooms = set(), set(), set(), set()
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
                meetings.update(_old_meeting_ids(obj))
        elif isinstance(obj, User):
            if _changed(obj, _USER_FIELDS):
                users.add(obj.id)
        elif isinstance(obj, Unit):
            if _changed(obj, ("name",)):
                units.add(obj.id)
    for collection in (session.new, session.dirty, session.deleted):
        for obj in collection:
            meeting_of = realtime.room_meeting_of(type(obj))
            if meeting_of is None:
                continue
            if collection is session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            rooms.add(meeting_of(obj))
            rooms.update(_old_meeting_ids(obj))
    for ids in (meetings, users, units, rooms):
        ids.discard(None)
    return meetings, users, units, rooms


def _after_flush(session, _context):
    if not (session.new or session.dirty or session.deleted):
        return
    meetings, users, units, rooms = _affected(session)
    if not (meetings or users or units or rooms):
        return
    connection = session.connection()
    if users:  # a renamed user changes the directory of every session they take part in (rare)
        meetings.update(connection.execute(
            select(Participant.meeting_id).where(Participant.user_id.in_(sorted(users)))).scalars())
    if units:
        meetings.update(connection.execute(
            select(Participant.meeting_id).join(User, User.id == Participant.user_id)
            .where(User.unit_id.in_(sorted(units)))).scalars())
    # One UPDATE for both counters of every session concerned.
    rows = connection.execute(
        update(LiveState).where(LiveState.meeting_id.in_(sorted(meetings | rooms)))
        .values(participants_version=LiveState.participants_version
                + case((LiveState.meeting_id.in_(sorted(meetings)), 1), else_=0) if meetings
                else LiveState.participants_version,
                room_version=LiveState.room_version + 1)
        .returning(LiveState.meeting_id, LiveState.participants_version)
    ).all()
    room_bumped = session.info.setdefault(_ROOM_BUMPED, set())
    for meeting_id, participants_version in rows:
        if meeting_id in meetings:
            # Sent after the commit; a second bump in the same transaction replaces it.
            realtime.broadcast(meeting_id, "participants", {"meeting_id": meeting_id, "version": participants_version},
                               key=("participants", meeting_id), session=session)
        room_bumped.add(meeting_id)
        # Objects of this session that hold the state row see the new counters on their next read.
        state = session.identity_map.get(session.identity_key(LiveState, meeting_id))
        if state is not None:
            session.expire(state, ["participants_version", "room_version"])


def note_room_changed(session, meeting_id):
    """This transaction changed the session's room in a way the counter does not show (it created
    the live state row: a rollback would take it away, and the counter would start again at 0)."""
    session.info.setdefault(_ROOM_BUMPED, set()).add(meeting_id)


def bumped_in_transaction(session, meeting_id):
    """Whether this (uncommitted) transaction changed the session's shared room state: what it reads
    then is not what the version stands for in other transactions (live.room does not cache it)."""
    return meeting_id in session.info.get(_ROOM_BUMPED, ())


def _forget_bumped(session, *_args):
    if not session.in_nested_transaction():  # a savepoint's end is not the transaction's
        session.info.pop(_ROOM_BUMPED, None)


def _meeting_id(meeting):
    return meeting.id


def register():
    """The live package's own part of the room (its header, agenda, participants, floor) and the listener."""
    if getattr(register, "done", False):
        return
    realtime.watch_room(Meeting, _meeting_id)
    realtime.watch_room(Participant)
    realtime.watch_room(AgendaItem)
    realtime.watch_room(FloorRequest)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _forget_bumped)
    event.listen(Session, "after_rollback", _forget_bumped)
    register.done = True
