"""The part of a session's live state every tablet of the room shares, built once per room version.

When a room fills, hundreds of tablets join within seconds, and each join answers with the full
snapshot. Most of it is the same for all of them: the agenda, every participant's attendance and
the quorum, the floor queue, and the sections other domains register (core.realtime: documents,
ballots). Reading and shaping that per join (500 participant rows at N=500) was most of a join's
cost (docs/performance.md). A process now builds it once per `room_version` (a counter on the live
state row, bumped in the same transaction as any change of those rows: live.versions) and answers
the following joins from memory; the caller's own rights, the live state row itself and the
time-dependent connection-lost list are still read per join.

Every process checks the version it reads from the database, so a change committed by another
process is seen by the next join here. What a transaction reads after changing the room itself is
never cached (other transactions do not see it yet), nor is a room without a stored state row.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import inspect

from ecabinet.core import realtime
from ecabinet.extensions import db
from ecabinet.live import rows
from ecabinet.meetings.queries import rules_of
from ecabinet.live.versions import bumped_in_transaction

_CACHE_KEY = "ecabinet.live.rooms"
# Sessions held per process; a province runs a handful at once.
MAX_ROOMS = 64


@dataclass
class Room:
    """What one room version holds, JSON-ready. Shared between joins: never mutate it."""

    key: tuple
    meeting: dict
    agenda_items: list
    people: list
    chair_id: int | None
    presence: dict  # the `presence` payload without `connection_lost` (time-dependent)
    floor: dict
    sections: dict  # key -> the shared part of each registered snapshot section
    _directory: list | None = field(default=None, repr=False)

    def directory(self):
        """The participant directory's rows (names, units, attendance) at this version, read once."""
        if self._directory is None:
            self._directory = rows.directory_rows(self.meeting["id"])
        return self._directory


def _build(meeting, state):
    people = rows.people(meeting)
    return Room(
        key=_key(meeting, state),
        meeting={"id": meeting.id, "title": meeting.title, "status": meeting.status.value,
                 "location": meeting.location, "kind": meeting.kind.value, "format": meeting.format.value},
        agenda_items=rows.agenda_items_json(meeting),
        people=people,
        chair_id=rows.chair_id(people),
        presence=rows.presence_counts(meeting.id, people, rules_of(meeting)),
        floor=rows.floor_json(meeting),
        sections={section.key: section.shared(meeting) for section in realtime.snapshot_sections()},
    )


def _key(meeting, state):
    # created_at too: a session id can be used again after a deletion (SQLite), its version not.
    # The session's quorum rules shape the presence part (frozen when it started; its body's before).
    rules = rules_of(meeting)
    return (meeting.id, meeting.created_at, state.room_version, rules.quorum_numerator, rules.quorum_denominator,
            rules.stand_ins_count)


def _cacheable(meeting, state):
    return (state is not None and inspect(state).persistent and state.room_version is not None
            and not bumped_in_transaction(db.session(), meeting.id))


_lock = threading.Lock()


def room_of(meeting, state):
    """The shared room state of the session at the version its state row shows in this transaction
    (`state` may be an unsaved default: a session nobody has joined yet is read, never cached)."""
    if not _cacheable(meeting, state):
        return _build(meeting, state)
    rooms = current_app.extensions.setdefault(_CACHE_KEY, OrderedDict())
    key = _key(meeting, state)
    room = rooms.get(meeting.id)
    if room is not None and room.key == key:
        return room
    room = _build(meeting, state)
    with _lock:
        current = rooms.get(meeting.id)
        # Two builds may race (green threads): keep the newer version of the same session.
        if current is None or current.key[:2] != key[:2] or current.key[2] <= key[2]:
            rooms[meeting.id] = room
            rooms.move_to_end(meeting.id)
        while len(rooms) > MAX_ROOMS:
            rooms.popitem(last=False)
    return room
