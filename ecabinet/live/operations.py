"""State changes of the live session. They enforce the rules, flush and audit; the adapter commits and emits."""
import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import bindparam, case, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from ecabinet.audit.operations import record
from ecabinet.core import realtime
from ecabinet.core.db import utcnow
from ecabinet.core.errors import Conflict, InvalidState, InvalidValue, NotAllowed, NotFound
from ecabinet.documents.models import Document, DocumentVersion
from ecabinet.extensions import db
from ecabinet.live import access, documents, versions
from ecabinet.live.models import FloorRequest, LiveConnection, LiveState
from ecabinet.meetings.models import Attendance, Meeting, MeetingStatus, Role

MAX_PAGE = 100_000


def _refuse_if_archived(meeting):
    from ecabinet.meetings.operations import refuse_if_archived

    refuse_if_archived(meeting)


def _require_live(meeting):
    if meeting.status != MeetingStatus.LIVE:
        raise InvalidState(_("The session is not in progress."), code="meeting_not_live")


def get_state(meeting):
    """The session's live state row, created on first use (safe when two processes race)."""
    state = db.session.get(LiveState, meeting.id)
    if state is not None:
        return state
    try:
        with db.session.begin_nested():
            state = LiveState(meeting_id=meeting.id, page=1, seq=0, updated_at=utcnow())
            db.session.add(state)
        versions.note_room_changed(db.session(), meeting.id)
    except IntegrityError:
        state = db.session.get(LiveState, meeting.id, populate_existing=True)
    return state


def peek_state(meeting):
    """The live state without creating it (read-only callers): an unsaved default when there is none."""
    return db.session.get(LiveState, meeting.id) or LiveState(meeting_id=meeting.id, page=1, seq=0)


def _bump(meeting, **values):
    """One UPDATE that sets the values and increments seq atomically; returns the new seq."""
    get_state(meeting)
    now = utcnow()
    seq = db.session.execute(
        update(LiveState).where(LiveState.meeting_id == meeting.id)
        .values(seq=LiveState.seq + 1, updated_at=now, **values)
        .returning(LiveState.seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return seq


# -- presenting ----------------------------------------------------------------


def _valid_page(page):
    return not isinstance(page, bool) and isinstance(page, int) and 1 <= page <= MAX_PAGE


def _check_page(meeting, document_id, page):
    if not _valid_page(page):
        raise InvalidValue(_("The page must be a whole number from 1."), field="page")
    if document_id is not None:
        if isinstance(document_id, bool) or not isinstance(document_id, int) or document_id < 1:
            raise InvalidValue(_("The document id must be a whole number."), field="document_id")
        info = documents.document_info(meeting, document_id)
        if info is False:
            raise NotFound(_("No such document in this session."), code="document_not_found")
        if info and info.get("page_count") and page > info["page_count"]:
            raise InvalidValue(_("The document has only %(n)d pages.", n=info["page_count"]), field="page")


def _turn_statement(*, with_document, with_token):
    """UPDATE live_states SET page=…, seq=seq+1 … WHERE <the actor may turn this page now> RETURNING seq.

    The WHERE holds every check of a page turn, evaluated on the row that is changed, atomically, in
    every process: who may turn pages (live.access.turn_pages_clause: the presenter of a live
    session), the socket's sign-in (its token valid, or its login nonce current), and the page
    exists in the named document of this session.
    """
    # Bound names differ from live_states' columns (SQLAlchemy reserves those in an UPDATE).
    meeting_id, user_id = bindparam("turn_meeting"), bindparam("user_id")
    conditions = [access.turn_pages_clause(meeting_id, user_id),
                  realtime.signed_in_clause(user_id, with_token=with_token)]
    if with_document:
        pages = (select(DocumentVersion.page_count).where(DocumentVersion.document_id == Document.id)
                 .order_by(DocumentVersion.number.desc()).limit(1).scalar_subquery())
        conditions.append(exists().where(Document.id == bindparam("turn_document"), Document.meeting_id == meeting_id,
                                         pages >= bindparam("turn_page")))
    return (update(LiveState).where(*conditions)
            .values(document_id=bindparam("turn_document"), page=bindparam("turn_page"), presenter_id=user_id,
                    seq=LiveState.seq + 1, updated_at=bindparam("now"))
            .returning(LiveState.seq)
            .execution_options(synchronize_session=False))


# Built once per shape: a page turn is the hot path, and composing this statement cost more CPU than
# running it.
_TURN_STATEMENTS = {}


def turn_page(meeting_id, document_id, page, *, actor_id, token_id=None, nonce=None):
    """A page turn in one statement, the hot path of a session (dozens a minute, to the whole room):
    one conditional UPDATE (see _turn_statement) that checks everything, bumps seq atomically and
    writes, with no other read. The actor is a socket's user: its token, or its login nonce when it
    rides on the browser's session. Returns the `page` payload, or None when anything is off (signed
    out, not the presenter, not live, no state row yet, an invalid page or document): the caller then
    takes the explaining path (navigate). Not audited: nothing security-relevant.
    """
    if not _valid_page(page) or actor_id is None:
        return None
    if document_id is not None and (isinstance(document_id, bool) or not isinstance(document_id, int)):
        return None
    shape = (document_id is not None, token_id is not None)
    if shape not in _TURN_STATEMENTS:
        _TURN_STATEMENTS[shape] = _turn_statement(with_document=shape[0], with_token=shape[1])
    seq = db.session.execute(_TURN_STATEMENTS[shape], {
        "turn_meeting": meeting_id, "user_id": actor_id, "token_id": token_id, "nonce": nonce,
        "turn_document": document_id, "turn_page": page, "now": utcnow()}).scalar()
    if seq is None:
        return None
    return {"meeting_id": meeting_id, "document_id": document_id, "page": page, "seq": seq,
            "presenter_id": actor_id}


def navigate(meeting, document_id, page, *, actor):
    """Show a page to the room as its presenter; returns the `page` payload with its new seq.

    Explains every refusal (invalid page or document, session not live, not the presenter).
    """
    _require_live(meeting)
    _check_page(meeting, document_id, page)
    get_state(meeting)  # the first change of a session creates its row
    payload = turn_page(meeting.id, document_id, page, actor_id=actor.id, nonce=actor.session_nonce)
    if payload is None:
        raise NotAllowed(_("Only the current presenter can turn pages."), code="not_presenter")
    return payload


def set_presenter(meeting, user, *, actor):
    """Hand presenting to a participant (e.g. the director presenting a submission)."""
    _require_live(meeting)
    if user is None or access.participant_of(user, meeting) is None:
        raise InvalidValue(_("The presenter must take part in this session."), field="user_id")
    state = get_state(meeting)
    seq = _bump(meeting, presenter_id=user.id)
    record("live.presenter_set", actor=actor, obj=meeting, meeting_id=meeting.id, presenter_id=user.id)
    return {"meeting_id": meeting.id, "document_id": state.document_id, "page": state.page, "seq": seq,
            "presenter_id": user.id}


# -- agenda --------------------------------------------------------------------


def set_current_item(meeting, item, *, actor):
    """Move the session to an agenda item; its timer starts now."""
    _require_live(meeting)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound(_("No such agenda item in this session."), code="agenda_item_not_found")
    now = utcnow()
    seq = _bump(meeting, current_item_id=item.id, item_started_at=now)
    record("live.item_set", actor=actor, obj=item, meeting_id=meeting.id, seq=seq)
    return {"meeting_id": meeting.id, "current_item_id": item.id, "item_started_at": now.isoformat(),
            "seq": seq}


def agenda_items_changed(meeting, *, removed_item_id=None):
    """The session's agenda items were added, edited, removed or reordered: bump seq so tablets
    take the new list in order. A removed current item leaves the session on no item (its timer
    stops) until the chair moves on: nothing else starts without the chair. Returns the new
    (seq, current_item_id, item_started_at), or None when no tablet can be in the room (no live
    state row yet, or a session before publication or after its end): a join reads the new list."""
    if meeting.status not in (MeetingStatus.PUBLISHED, MeetingStatus.LIVE):
        return None
    # On PostgreSQL the foreign key already cleared current_item_id; SQLite does not enforce it.
    cleared = or_(LiveState.current_item_id.is_(None), LiveState.current_item_id == removed_item_id)
    row = db.session.execute(
        update(LiveState).where(LiveState.meeting_id == meeting.id)
        .values(seq=LiveState.seq + 1, updated_at=utcnow(),
                current_item_id=case((cleared, None), else_=LiveState.current_item_id),
                item_started_at=case((cleared, None), else_=LiveState.item_started_at))
        .returning(LiveState.seq, LiveState.current_item_id, LiveState.item_started_at)
        .execution_options(synchronize_session=False)
    ).first()
    state = db.session.identity_map.get(db.session.identity_key(LiveState, meeting.id))
    if state is not None:
        db.session.expire(state)
    return tuple(row) if row is not None else None


def next_item(meeting, *, actor):
    items = list(meeting.agenda_items)
    if not items:
        raise InvalidState(_("The agenda is empty."), code="agenda_empty")
    state = get_state(meeting)
    ids = [i.id for i in items]
    if state.current_item_id not in ids:
        return set_current_item(meeting, items[0], actor=actor)
    index = ids.index(state.current_item_id)
    if index + 1 >= len(items):
        raise InvalidState(_("This is the last agenda item."), code="agenda_end")
    return set_current_item(meeting, items[index + 1], actor=actor)


# -- presence ------------------------------------------------------------------


def check_in(participant, *, actor):
    """A member checks in from their tablet (điểm danh)."""
    meeting = participant.meeting
    _refuse_if_archived(meeting)
    if meeting.status not in (MeetingStatus.PUBLISHED, MeetingStatus.LIVE):
        raise InvalidState(_("Check-in is open only before and during the session."), code="check_in_closed")
    if participant.attendance in (Attendance.PRESENT, Attendance.PRESENT_ONLINE):
        return participant
    participant.attendance = Attendance.PRESENT
    participant.attendance_note = None
    participant.checked_in_at = utcnow()
    db.session.flush()
    record("live.checked_in", actor=actor, obj=participant, meeting_id=meeting.id, user_id=participant.user_id)
    return participant


def set_attendance(participant, attendance, *, actor, note=None, stand_in=None):
    """The secretariat records attendance: present, online, absent (with reason), or a stand-in attends."""
    from ecabinet.meetings import operations as meetings

    meeting = participant.meeting
    meetings.refuse_if_archived(meeting)
    if meeting.status not in (MeetingStatus.PUBLISHED, MeetingStatus.LIVE):
        raise InvalidState(_("Attendance can be recorded only before and during the session."),
                           code="check_in_closed")
    try:
        attendance = Attendance(attendance)
    except ValueError:
        raise InvalidValue(_("Unknown attendance state."), field="attendance") from None
    note = (note or "").strip()[:300] or None
    if attendance == Attendance.ABSENT_EXCUSED and not note:
        raise InvalidValue(_("Give the reason for the absence."), field="note")
    delegate = None
    if attendance == Attendance.SUBSTITUTED:
        if participant.role not in (Role.CHAIR, Role.MEMBER):
            raise InvalidValue(_("Only a member can be represented by a stand-in."), field="attendance")
        if stand_in is None:
            raise InvalidValue(_("Choose who attends in place of the member."), field="stand_in_user_id")
        delegate = meeting.participant_for(stand_in)
        if delegate is None:
            delegate = meetings.invite_participant(meeting, stand_in, Role.DELEGATE, actor=actor,
                                                   delegate_for=participant.user)
        elif delegate.role != Role.DELEGATE or delegate.delegate_for_id != participant.user_id:
            raise Conflict(_("%(name)s already takes part in this session in another role.",
                             name=stand_in.full_name), code="already_participant")
        delegate.attendance = Attendance.PRESENT
        delegate.checked_in_at = utcnow()
        note = note or stand_in.full_name
    participant.attendance = attendance
    participant.attendance_note = note
    if attendance in (Attendance.PRESENT, Attendance.PRESENT_ONLINE):
        participant.checked_in_at = participant.checked_in_at or utcnow()
    db.session.flush()
    record("live.attendance_set", actor=actor, obj=participant, meeting_id=meeting.id,
           user_id=participant.user_id, attendance=attendance.value, note=note,
           stand_in_user_id=getattr(stand_in, "id", None))
    return participant


# -- floor ---------------------------------------------------------------------


def _open_requests(meeting):
    return list(db.session.execute(
        select(FloorRequest).where(FloorRequest.meeting_id == meeting.id, FloorRequest.ended_at.is_(None))
        .order_by(FloorRequest.id)
    ).scalars())


def request_floor(meeting, user):
    """Join the queue (đăng ký phát biểu); asking twice keeps the first place."""
    _require_live(meeting)
    mine = next((r for r in _open_requests(meeting) if r.user_id == user.id), None)
    if mine is not None:
        return mine
    request = FloorRequest(meeting_id=meeting.id, user_id=user.id, requested_at=utcnow())
    db.session.add(request)
    db.session.flush()
    return request


def withdraw_floor(meeting, user):
    """Leave the queue before being given the floor."""
    mine = next((r for r in _open_requests(meeting) if r.user_id == user.id and r.granted_at is None), None)
    if mine is None:
        raise InvalidState(_("You have not asked for the floor."), code="no_floor_request")
    mine.ended_at = utcnow()
    mine.withdrawn = True
    db.session.flush()
    return mine


def grant_floor(meeting, user, *, actor):
    """Give the floor to a participant (first in the queue or anyone); the previous speaker's turn ends."""
    _require_live(meeting)
    if user is None or access.participant_of(user, meeting) is None:
        raise InvalidValue(_("The speaker must take part in this session."), field="user_id")
    now = utcnow()
    requests = _open_requests(meeting)
    for current in requests:
        if current.granted_at is not None and current.user_id != user.id:
            current.ended_at = now
    mine = next((r for r in requests if r.user_id == user.id), None)
    if mine is None:
        mine = FloorRequest(meeting_id=meeting.id, user_id=user.id, requested_at=now)
        db.session.add(mine)
    if mine.granted_at is None:
        mine.granted_at = now
        mine.agenda_item_id = get_state(meeting).current_item_id
    db.session.flush()
    record("live.floor_granted", actor=actor, obj=meeting, meeting_id=meeting.id, user_id=user.id)
    return mine


def end_floor(meeting, *, actor, user=None):
    """End the current speaker's turn (or the given user's)."""
    now = utcnow()
    speaking = [r for r in _open_requests(meeting) if r.granted_at is not None
                and (user is None or r.user_id == user.id)]
    if not speaking:
        raise InvalidState(_("Nobody has the floor."), code="nobody_speaking")
    for request in speaking:
        request.ended_at = now
    db.session.flush()
    record("live.floor_ended", actor=actor, obj=meeting, meeting_id=meeting.id,
           user_id=speaking[0].user_id)
    return speaking[0]


def close_floor(meeting):
    """The session ended: whoever had the floor stops, and the queue is closed (not audited apart:
    the end of the session is). Returns whether anything was open."""
    requests = _open_requests(meeting)
    now = utcnow()
    for open_request in requests:
        open_request.ended_at = now
    db.session.flush()
    return bool(requests)


# -- connections ---------------------------------------------------------------


def _upsert(dialect_name):
    """INSERT a connection row, or on a re-join of the same socket, UPDATE it (both dialects we run on)."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(LiveConnection.__table__)
    return statement.on_conflict_do_update(index_elements=["sid"], set_={
        "meeting_id": statement.excluded.meeting_id, "joined_at": statement.excluded.joined_at, "left_at": None})


# Built once per dialect: this runs for every tablet when a room fills.
_UPSERTS = {}


def join_connection(sid, meeting, user, process_id, *, display=False):
    """Record the socket in the session: one row per socket, written at join in one statement (a
    re-join of the same socket updates its row). Whether the user has another tablet open is read
    with the join's lookup (live.access.load_for_join)."""
    dialect = db.session.get_bind().dialect.name
    if dialect not in _UPSERTS:
        _UPSERTS[dialect] = _upsert(dialect)
    now = utcnow()
    db.session.connection().execute(_UPSERTS[dialect], {
        "sid": sid, "user_id": getattr(user, "id", None), "process_id": process_id, "is_display": display,
        "meeting_id": meeting.id, "connected_at": now, "joined_at": now, "left_at": None})


def close_connection(sid):
    """The socket left its room or disconnected: mark its connection row closed (once)."""
    connection = db.session.get(LiveConnection, sid)
    if connection is not None and connection.left_at is None:
        connection.left_at = utcnow()
        db.session.flush()
    return connection


def close_process_connections(process_id):
    """A restarted process closes what its previous run left open (its sockets are gone)."""
    return db.session.execute(
        update(LiveConnection).where(LiveConnection.process_id == process_id, LiveConnection.left_at.is_(None))
        .values(left_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount


def open_sids_of_user(user_id):
    return list(db.session.execute(
        select(LiveConnection.sid).where(LiveConnection.user_id == user_id, LiveConnection.left_at.is_(None))
    ).scalars())


def has_open_connection(meeting, user_id):
    return db.session.execute(
        select(LiveConnection.sid).where(LiveConnection.meeting_id == meeting.id,
                                         LiveConnection.user_id == user_id,
                                         LiveConnection.left_at.is_(None)).limit(1)
    ).first() is not None


def record_join_refused(user, meeting_id, reason):
    record("live.join_refused", actor=user, meeting_id=meeting_id, reason=reason)


# -- room display --------------------------------------------------------------


def _hash(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_display_token(meeting, *, actor):
    """A new token for the room display (projector/TV) of this session; the previous one stops working."""
    if meeting.status not in (MeetingStatus.PUBLISHED, MeetingStatus.LIVE):
        raise InvalidState(_("A display can be connected only before and during the session."),
                           code="meeting_closed")
    raw = secrets.token_urlsafe(24)
    state = get_state(meeting)
    state.display_token_hash = _hash(raw)
    db.session.flush()
    record("live.display_token_issued", actor=actor, obj=meeting, meeting_id=meeting.id)
    return raw


def meeting_for_display_token(raw):
    if not raw or not isinstance(raw, str) or len(raw) > 200:
        return None
    state = db.session.execute(select(LiveState).where(LiveState.display_token_hash == _hash(raw))).scalar()
    if state is None:
        return None
    meeting = db.session.get(Meeting, state.meeting_id)
    if meeting is None or meeting.status not in (MeetingStatus.PUBLISHED, MeetingStatus.LIVE):
        return None
    return meeting
