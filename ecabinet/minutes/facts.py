"""The session's facts, as the minutes are pre-filled with them, and the registry through which
other domains add their own part (`section`).

`build(meeting)` returns plain JSON (the contract the PDF layout and the voting domain rely on;
docs/minutes.md describes it in full):

    {
      "schema": 1,
      "meeting": {"id", "title", "kind", "format"},
      "summary": str,                  # editable; the title's summary line (trích yếu), default the title
      "time": {"scheduled_start", "scheduled_end", "started_at", "ended_at"},   # ISO 8601, Vietnam time, or null
      "place": str | null,
      "body": {"name", "parent_name"},
      "chair": person | null,
      "secretary": person | null,
      "attendance": [person + {"role": "chair"/"member", "state", "reason", "recorded_state",
                               "recorded_reason", "stand_in": person | null}],     # protocol order
      "guests": [person + {"state"}],
      "items": [{"agenda_item_id", "number", "title", "presenter",
                 "documents": [{"document_id", "title", "kind", "version", "sha256", "page_count",
                                "uploaded_at", "later_versions"}],
                 "speakers": [person + {"turns"}],          # in the order they first had the floor
                 "discussion": str, "conclusion": str}],    # editable free text
      "other_speakers": [person + {"turns"}],               # given the floor with no agenda item current
      "sections": {name: whatever the registered builder returned}
    }

person = {"user_id", "full_name", "title", "unit"}. `state` is one of ATTENDANCE_STATES; `state`
and `reason` are the secretary's (corrections allowed), `recorded_*` what the session recorded.
"""
import json

from sqlalchemy import select

from ecabinet.core.timeutil import to_local
from ecabinet.documents.models import Document
from ecabinet.extensions import db
from ecabinet.live.models import FloorRequest
from ecabinet.meetings.models import Attendance, Role
from ecabinet.meetings.queries import participants_in_protocol_order

SCHEMA = 1
ATTENDANCE_STATES = tuple(state.value for state in Attendance)
# Attendance is taken of the chair and the members; the secretary is named apart, stand-ins appear
# with the member they attend for, guests are listed on their own.
_ROLL_ROLES = (Role.CHAIR, Role.MEMBER)

_SECTIONS = {}


def section(name, builder):
    """Register `builder(meeting) -> JSON-serialisable` as content["sections"][name] of the minutes.

    How another domain adds its facts without the minutes importing it (voting registers "ballots"
    from its setup). Registering the same name again replaces the builder (create_app runs many
    times in one test process)."""
    _SECTIONS[name] = builder
    return builder


def registered_sections():
    return dict(_SECTIONS)


def _iso(value):
    return to_local(value).isoformat() if value else None


def person(user):
    if user is None:
        return None
    return {"user_id": user.id, "full_name": user.full_name, "title": user.title, "unit": user.unit_name}


def _attendance(meeting, ordered):
    stand_ins = {p.delegate_for_id: p for p in ordered if p.role == Role.DELEGATE and p.delegate_for_id}
    roll = []
    for participant in ordered:
        if participant.role not in _ROLL_ROLES:
            continue
        stand_in = stand_ins.get(participant.user_id)
        state = participant.attendance.value
        roll.append({
            **person(participant.user),
            "role": participant.role.value,
            "state": state,
            "reason": participant.attendance_note,
            "recorded_state": state,
            "recorded_reason": participant.attendance_note,
            "stand_in": person(stand_in.user) if stand_in is not None else None,
        })
    return roll


def _version_used(versions, ended_at):
    """The newest version uploaded before the session ended (the current one while it has not):
    a replacement uploaded afterwards is not what the session discussed."""
    for version in versions:  # newest first
        if ended_at is None or version.uploaded_at <= ended_at:
            return version
    return versions[-1] if versions else None


def _documents_by_item(meeting):
    documents = db.session.execute(
        select(Document).where(Document.meeting_id == meeting.id).order_by(Document.position, Document.id)
    ).scalars().all()
    by_item = {}
    for document in documents:
        versions = list(document.versions)
        used = _version_used(versions, meeting.ended_at)
        if used is None:
            continue
        by_item.setdefault(document.agenda_item_id, []).append({
            "document_id": document.id,
            "title": document.title,
            "kind": document.kind.value,
            "version": used.number,
            "sha256": used.sha256,
            "page_count": used.page_count,
            "uploaded_at": _iso(used.uploaded_at),
            "later_versions": sum(1 for v in versions if v.number > used.number),
        })
    return by_item


def _speakers_by_item(meeting):
    turns = db.session.execute(
        select(FloorRequest).where(FloorRequest.meeting_id == meeting.id, FloorRequest.granted_at.is_not(None))
        .order_by(FloorRequest.granted_at, FloorRequest.id)
    ).scalars().all()
    by_item = {}
    for turn in turns:
        speakers = by_item.setdefault(turn.agenda_item_id, {})
        if turn.user_id in speakers:
            speakers[turn.user_id]["turns"] += 1
        else:
            speakers[turn.user_id] = {**person(turn.user), "turns": 1}
    return {item_id: list(speakers.values()) for item_id, speakers in by_item.items()}


def build(meeting):
    """The minutes' structure pre-filled from the session (free text empty)."""
    ordered = participants_in_protocol_order(meeting)
    by_role = {}
    for participant in ordered:
        by_role.setdefault(participant.role, []).append(participant)
    documents = _documents_by_item(meeting)
    speakers = _speakers_by_item(meeting)
    content = {
        "schema": SCHEMA,
        "meeting": {"id": meeting.id, "title": meeting.title, "kind": meeting.kind.value,
                    "format": meeting.format.value},
        "summary": meeting.title,
        "time": {"scheduled_start": _iso(meeting.starts_at), "scheduled_end": _iso(meeting.ends_at),
                 "started_at": _iso(meeting.started_at), "ended_at": _iso(meeting.ended_at)},
        "place": meeting.location,
        "body": {"name": meeting.body.name, "parent_name": meeting.body.parent_name},
        "chair": person(by_role[Role.CHAIR][0].user) if by_role.get(Role.CHAIR) else None,
        "secretary": person(by_role[Role.SECRETARY][0].user) if by_role.get(Role.SECRETARY) else None,
        "attendance": _attendance(meeting, ordered),
        "guests": [{**person(p.user), "state": p.attendance.value} for p in by_role.get(Role.GUEST, [])],
        "items": [{
            "agenda_item_id": item.id,
            "number": item.number,
            "title": item.title,
            "presenter": item.presenter,
            "documents": documents.get(item.id, []),
            "speakers": speakers.get(item.id, []),
            "discussion": "",
            "conclusion": "",
        } for item in meeting.agenda_items],
        "other_speakers": speakers.get(None, []),
        "sections": {name: builder(meeting) for name, builder in sorted(_SECTIONS.items())},
    }
    # What is stored must be what is read back: no tuples, dates or objects slip through.
    return json.loads(json.dumps(content, ensure_ascii=False))
