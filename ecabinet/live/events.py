"""Socket.IO handlers of the live session (default namespace), as in protocol.md.

Each handler parses, checks permission (live.access), calls one operation, commits once,
then emits once to the session's room. Per-socket facts (who, which session) live in the
socket's own session on the process that holds it; everything shared is in the database.
"""
import logging
import threading
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room
from sqlalchemy import and_, bindparam, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ecabinet.accounts.models import ApiToken, User
from ecabinet.accounts.operations import find_token
from ecabinet.core.db import utcnow
from ecabinet.core.errors import DomainError, InvalidInput, NotAllowed, NotAuthenticated, NotFound
from ecabinet.core.push import meeting_room, user_room
from ecabinet.core.signals import user_sessions_revoked
from ecabinet.extensions import db, socketio
from ecabinet.live import access, directory, operations, state
from ecabinet.meetings.models import AgendaItem, Meeting, PRESENT_STATES

log = logging.getLogger(__name__)
NAMESPACE = "/"


# -- the socket's own facts -------------------------------------------------------


def _socket_session():
    """The socket's own facts, kept in its WSGI environ (one dict per connection, on its process)."""
    return request.environ.setdefault("ecabinet.live.socket", {})


# One indexed query for the user and the token's validity; it runs on every event, so the statement
# is built once (composing it cost as much as running it).
_USER_AND_TOKEN = (select(User, ApiToken.revoked_at, ApiToken.expires_at)
                   .join(ApiToken, and_(ApiToken.id == bindparam("token_id"), ApiToken.user_id == User.id))
                   .where(User.id == bindparam("user_id")))


def socket_user():
    """The user of the current socket (None for a room display), re-checked on every event:
    a deactivated user, a revoked token or a changed login nonce ends its rights at once."""
    session = _socket_session()
    user_id = session.get("user_id")
    if user_id is None:
        return None
    token_id = session.get("token_id")
    if token_id is None:
        return _still_signed_in(session, db.session.get(User, user_id))
    row = db.session.execute(_USER_AND_TOKEN, {"user_id": user_id, "token_id": token_id}).first()
    return _still_signed_in(session, *(row or (None, None, None)))


def _still_signed_in(session, user, token_revoked_at=None, token_expires_at=None):
    """The socket's user if its sign-in still holds (active; token valid, or the login nonce it
    connected with still current); NotAuthenticated otherwise."""
    if user is None or not user.active:
        raise NotAuthenticated()
    if session.get("token_id") is None:
        if session.get("nonce") != user.session_nonce:
            raise NotAuthenticated()
    elif token_expires_at is None or token_revoked_at is not None or token_expires_at <= utcnow():
        raise NotAuthenticated()
    return user


def process_id():
    return current_app.config.get("LIVE_PROCESS_ID") or "local"


def _origin_allowed():
    """Browser sockets riding on the cookie must come from an allowed page (no Origin, no cookie login)."""
    origin = request.headers.get("Origin")
    if not origin:
        return False
    allowed = set(current_app.config.get("ALLOWED_ORIGINS") or ())
    own = f"{request.scheme}://{request.host}"
    forwarded_host = request.headers.get("X-Forwarded-Host")
    if forwarded_host:
        allowed.add(f"{request.headers.get('X-Forwarded-Proto', request.scheme)}://{forwarded_host}")
    allowed.add(own)
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" in allowed


def _refuse(code, message):
    raise ConnectionRefusedError({"code": code, "message": str(message)})


# -- connect / disconnect ---------------------------------------------------------


def on_connect(auth=None):
    """Authenticate at connect; nothing is written until the socket joins a session (one commit per tablet)."""
    auth = auth if isinstance(auth, dict) else {}
    user = display_meeting = token = None
    if auth.get("display_token"):
        display_meeting = operations.meeting_for_display_token(auth.get("display_token"))
        if display_meeting is None:
            _refuse("invalid_display_token", _("This display link is no longer valid."))
    elif auth.get("token"):
        token = find_token(auth["token"]) if isinstance(auth["token"], str) else None
        if token is None:
            _refuse("not_authenticated", _("Please log in."))
        user = token.user
    elif current_user.is_authenticated and _origin_allowed():
        user = current_user._get_current_object()
    else:
        _refuse("not_authenticated", _("Please log in."))
    _socket_session().update({"user_id": getattr(user, "id", None), "token_id": getattr(token, "id", None),
                              "nonce": getattr(user, "session_nonce", None),
                              "display_meeting_id": getattr(display_meeting, "id", None),
                              "meeting_id": None})
    if user is not None:
        join_room(user_room(user.id))


def on_disconnect(reason=None):
    session = _socket_session()
    connection = operations.close_connection(request.sid)
    if connection is not None:
        db.session.commit()
    meeting_id, user_id = session.get("meeting_id"), session.get("user_id")
    if connection is not None and meeting_id and user_id:
        app = current_app._get_current_object()
        socketio.start_background_task(_announce_if_still_lost, app, meeting_id, user_id)


def _announce_if_still_lost(app, meeting_id, user_id):
    """After the grace period, tell the room a present member's tablet lost its connection."""
    socketio.sleep(app.config.get("LIVE_GRACE_SECONDS", 15) + 0.5)
    with app.app_context():
        try:
            meeting = db.session.get(Meeting, meeting_id)
            user = db.session.get(User, user_id)
            if meeting is None or user is None:
                return
            participant = access.participant_of(user, meeting)
            if participant is None or participant.attendance not in PRESENT_STATES:
                return
            if operations.has_open_connection(meeting, user_id):
                return
        finally:
            db.session.remove()
        schedule_presence(app, meeting_id)


# -- presence broadcasts, coalesced -----------------------------------------------------

# Meetings with a presence broadcaster running on this process -> whether another change came
# in since its last read. Scheduling state only: the payload is always read from the database.
_presence_pending = {}
_presence_lock = threading.Lock()


def schedule_presence(app, meeting_id):
    """Tell the room that presence changed: at most one `presence` per meeting per interval per process.

    When a room fills (hundreds of tablets joining or checking in within seconds), one broadcast of
    the whole room's presence per change would be O(N) messages of O(N) size each. The first change
    is broadcast at once; changes during the following interval are folded into one more broadcast
    at its end, read from the database after the last of them committed, so the room converges to
    the exact state. Call after the change is committed.
    """
    with _presence_lock:
        if meeting_id in _presence_pending:
            _presence_pending[meeting_id] = True
            return
        _presence_pending[meeting_id] = False
    try:
        socketio.start_background_task(_presence_broadcaster, app, meeting_id)
    except Exception:
        with _presence_lock:
            _presence_pending.pop(meeting_id, None)
        raise


def _presence_broadcaster(app, meeting_id):
    interval = app.config.get("LIVE_PRESENCE_INTERVAL", 0.3)
    try:
        while True:
            _broadcast_presence(app, meeting_id)
            socketio.sleep(interval)
            with _presence_lock:
                if not _presence_pending.get(meeting_id):
                    _presence_pending.pop(meeting_id, None)
                    return
                _presence_pending[meeting_id] = False
    except BaseException:
        with _presence_lock:
            _presence_pending.pop(meeting_id, None)
        raise


def _broadcast_presence(app, meeting_id):
    with app.app_context():
        try:
            meeting = db.session.get(Meeting, meeting_id)
            if meeting is None:
                return
            payload = state.presence_json(meeting)
        except Exception:
            log.exception("presence of meeting %s could not be read", meeting_id)
            return
        finally:
            db.session.remove()
    socketio.emit("presence", payload, to=meeting_room(meeting_id))


# -- the event wrapper ------------------------------------------------------------


def _emit(event, payload, meeting_id, skip_sid=None):
    if event == "presence":
        # Coalesced, and read again from the database when sent (the payload may be None).
        schedule_presence(current_app._get_current_object(), meeting_id)
        return
    socketio.emit(event, payload, to=meeting_room(meeting_id), skip_sid=skip_sid)


def live_event(function=None, *, ordered=False):
    """Parse the payload, run the handler, commit once, emit its broadcasts, answer the ack.

    ordered: the event changes the session's `seq` (pages, agenda, presenter). Socket.IO runs each
    event in its own green thread, so two quick page turns can commit in order and yet emit in the
    other order when the first one's emit waits on I/O (seen on PostgreSQL at 10 pages/s): tablets
    would drop the late, older one as stale, but the room would see the pages jump. These events
    run one at a time per session on this process, emit included; across processes the seq keeps
    the order (clients ignore older ones).
    """
    if function is None:
        return lambda f: live_event(f, ordered=ordered)

    def run(data):
        try:
            if not isinstance(data, dict):
                raise InvalidInput(_("The payload must be an object."), code="invalid_payload")
            ack, broadcasts = function(data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            return {"ok": False, "error": error.to_dict()}
        except Exception:
            db.session.rollback()
            log.exception("live event %s failed", function.__name__)
            return {"ok": False, "error": {"code": "internal_error", "message": _("An internal error occurred.")}}
        for event, payload, meeting_id, skip_sid in broadcasts:
            _emit(event, payload, meeting_id, skip_sid)
        return {"ok": True, **ack}

    @wraps(function)
    def handler(data=None):
        if not ordered or not isinstance(data, dict):
            return run(data)
        with _sequence_lock(data.get("meeting_id")):
            return run(data)

    return handler


# Locks ordering the seq-changing events of a session on this process (see live_event): a fixed
# set, picked by session id, so that payloads naming any number of sessions cannot grow it.
_SEQUENCE_LOCKS = [threading.Lock() for _ in range(64)]


def _sequence_lock(meeting_id):
    if not isinstance(meeting_id, int) or isinstance(meeting_id, bool):
        meeting_id = 0
    return _SEQUENCE_LOCKS[meeting_id % len(_SEQUENCE_LOCKS)]


def _int(data, name):
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(_("The field %(name)s must be a whole number.", name=name), code="invalid_payload")
    return value


def _meeting_for(data, user, check=None):
    """The session named in the payload, visible to this user, and passing the check (403 otherwise)."""
    meeting = db.session.get(Meeting, _int(data, "meeting_id"))
    if user is None:
        raise NotAuthenticated()
    if meeting is None or not access.can_join(user, meeting):
        raise NotFound(_("This session does not exist or is not visible to you."), code="meeting_not_found")
    if check is not None and not check(user, meeting):
        raise NotAllowed(_("You are not allowed to do this in this session."))
    return meeting


def _user_in(meeting, data, name="user_id"):
    user = db.session.get(User, _int(data, name))
    if user is None or access.participant_of(user, meeting) is None:
        raise NotFound(_("This person does not take part in this session."), code="participant_not_found")
    return user


# -- room ---------------------------------------------------------------------------


@live_event
def on_join(data):
    session = _socket_session()
    meeting_id = _int(data, "meeting_id")
    if session.get("display_meeting_id") is not None:
        found = access.load_for_join(_display_session_id(session, meeting_id))
        if found is None:
            raise NotAllowed(_("This display belongs to another session."))
        meeting, user, display, other_tablet_open = found.meeting, None, True, False
    else:
        # The session, its live state, the caller's participation and sign-in in one query.
        found = access.load_for_join(meeting_id, user_id=session.get("user_id"), token_id=session.get("token_id"),
                                     sid=request.sid)
        if found is None:
            user = socket_user()
        else:
            user = _still_signed_in(session, found.user, found.token_revoked_at, found.token_expires_at)
        meeting, display = getattr(found, "meeting", None), False
        seen = access.AsSeenBy(meeting, user, found.participant) if meeting is not None else None
        if meeting is None or not access.can_join(user, seen):
            operations.record_join_refused(user, meeting_id, "not_found" if meeting is None else "not_participant")
            db.session.commit()
            raise NotAllowed(_("You do not take part in this session."), code="not_participant")
        other_tablet_open = found.other_tablet_open
    previous = session.get("meeting_id")
    if previous and previous != meeting_id:
        leave_room(meeting_room(previous))
    operations.join_connection(request.sid, meeting, user, process_id(), display=display)
    join_room(meeting_room(meeting_id))
    session["meeting_id"] = meeting_id
    snapshot = state.snapshot(meeting, user, display=display,
                              me=None if display else seen.participant_for(user))
    broadcasts = []
    if not other_tablet_open and user is not None and user.id in snapshot["presence"]["present"]:
        # Back online: the room stops showing the tablet as connection-lost (coalesced broadcast).
        broadcasts.append(("presence", None, meeting_id, None))
    return {"state": snapshot}, broadcasts


@live_event
def on_participants(data):
    """The session's participant directory with its version (tablets ask when theirs differs)."""
    session = _socket_session()
    if session.get("display_meeting_id") is not None:
        meeting = db.session.get(Meeting, _display_session_id(session, _int(data, "meeting_id")))
        if meeting is None:
            raise NotAllowed(_("This display belongs to another session."))
    else:
        meeting = _meeting_for(data, socket_user())
    return directory.directory_json(meeting), []


def _display_session_id(session, meeting_id):
    """A room display's socket asks only about the session its token was issued for."""
    if meeting_id != session.get("display_meeting_id"):
        raise NotAllowed(_("This display belongs to another session."))
    return meeting_id


@live_event
def on_leave(data):
    meeting_id = _int(data, "meeting_id")
    session = _socket_session()
    leave_room(meeting_room(meeting_id))
    if session.get("meeting_id") == meeting_id:
        session["meeting_id"] = None
        operations.close_connection(request.sid)
    return {}, []


# -- presenting and agenda ----------------------------------------------------------


@live_event(ordered=True)
def on_navigate(data):
    socket = _socket_session()
    meeting_id = _int(data, "meeting_id")
    # The hot path: one conditional UPDATE that checks the socket's user, the presenter and the page,
    # and bumps seq (two round trips with its commit).
    payload = operations.turn_page(meeting_id, data.get("document_id"), data.get("page"),
                                   actor_id=socket.get("user_id"), token_id=socket.get("token_id"),
                                   nonce=socket.get("nonce"))
    if payload is not None:
        return {"seq": payload["seq"]}, [("page", payload, meeting_id, request.sid)]
    user = socket_user()
    # Refused (or the session's first change): the full checks say why, in the protocol's order.
    meeting = _meeting_for(data, user)
    live_state = operations.get_state(meeting)
    if not access.can_present(user, meeting, live_state):
        raise NotAllowed(_("Only the current presenter can turn pages."), code="not_presenter")
    document_id = data.get("document_id")
    if document_id is not None:
        document_id = _int(data, "document_id")
    page = data.get("page")
    payload = operations.navigate(meeting, document_id, page, actor=user)
    # The presenter's own socket is skipped: an echo must never pull its tablet back.
    return {"seq": payload["seq"]}, [("page", payload, meeting.id, request.sid)]


@live_event(ordered=True)
def on_set_presenter(data):
    user = socket_user()
    meeting = _meeting_for(data, user, access.can_assign_presenter)
    payload = operations.set_presenter(meeting, _user_in(meeting, data), actor=user)
    return {"seq": payload["seq"]}, [("page", payload, meeting.id, None)]


@live_event(ordered=True)
def on_set_item(data):
    user = socket_user()
    meeting = _meeting_for(data, user, access.can_control_agenda)
    item = db.session.get(AgendaItem, _int(data, "agenda_item_id"))
    payload = operations.set_current_item(meeting, item, actor=user)
    return {"seq": payload["seq"]}, [("agenda", payload, meeting.id, None)]


@live_event(ordered=True)
def on_next_item(data):
    user = socket_user()
    meeting = _meeting_for(data, user, access.can_control_agenda)
    payload = operations.next_item(meeting, actor=user)
    return {"seq": payload["seq"], "current_item_id": payload["current_item_id"]}, \
        [("agenda", payload, meeting.id, None)]


# -- presence -----------------------------------------------------------------------


@live_event
def on_check_in(data):
    user = socket_user()
    meeting = _meeting_for(data, user, access.can_check_in)
    operations.check_in(access.participant_of(user, meeting), actor=user)
    return _presence_reply(meeting)


@live_event
def on_set_attendance(data):
    user = socket_user()
    meeting = _meeting_for(data, user, access.can_mark_attendance)
    member = _user_in(meeting, data)
    stand_in = None
    if data.get("stand_in_user_id") is not None:
        stand_in = db.session.get(User, _int(data, "stand_in_user_id"))
        if stand_in is None or not stand_in.active:
            raise NotFound(_("No such user."), code="user_not_found")
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        raise InvalidInput(_("The note must be text."), code="invalid_payload")
    operations.set_attendance(access.participant_of(member, meeting), data.get("attendance"), actor=user,
                              note=note, stand_in=stand_in)
    # A stand-in is a new participant: the flush bumped the directory's version, and the room gets
    # `participants` {meeting_id, version} after the commit (live.versions).
    return _presence_reply(meeting)


def _presence_reply(meeting):
    """The caller gets presence at once; the room's `presence` goes out coalesced (None: read it then)."""
    return {"presence": state.presence_json(meeting)}, [("presence", None, meeting.id, None)]


# -- floor ----------------------------------------------------------------------------


def _floor_reply(meeting):
    floor = state.floor_json(meeting)
    return {"floor": floor}, [("floor", floor, meeting.id, None)]


@live_event
def on_floor_request(data):
    user = socket_user()
    meeting = _meeting_for(data, user, access.can_request_floor)
    operations.request_floor(meeting, user)
    return _floor_reply(meeting)


@live_event
def on_floor_withdraw(data):
    user = socket_user()
    meeting = _meeting_for(data, user)
    operations.withdraw_floor(meeting, user)
    return _floor_reply(meeting)


@live_event
def on_floor_grant(data):
    user = socket_user()
    meeting = _meeting_for(data, user, access.can_manage_floor)
    operations.grant_floor(meeting, _user_in(meeting, data), actor=user)
    return _floor_reply(meeting)


@live_event
def on_floor_end(data):
    user = socket_user()
    meeting = _meeting_for(data, user, access.can_manage_floor)
    speaker = _user_in(meeting, data) if data.get("user_id") is not None else None
    operations.end_floor(meeting, actor=user, user=speaker)
    return _floor_reply(meeting)


EVENTS = {
    "join": on_join, "leave": on_leave, "participants": on_participants, "navigate": on_navigate,
    "set_presenter": on_set_presenter,
    "set_item": on_set_item, "next_item": on_next_item, "check_in": on_check_in,
    "set_attendance": on_set_attendance, "floor_request": on_floor_request,
    "floor_withdraw": on_floor_withdraw, "floor_grant": on_floor_grant, "floor_end": on_floor_end,
}


def register_handlers():
    """Attach the handlers to the socketio server (init_app makes a new one for every app)."""
    if getattr(socketio, "_ecabinet_live_server", None) is socketio.server:
        return
    socketio.on_event("connect", on_connect, namespace=NAMESPACE)
    socketio.on_event("disconnect", on_disconnect, namespace=NAMESPACE)
    for name, handler in EVENTS.items():
        socketio.on_event(name, handler, namespace=NAMESPACE)
    socketio._ecabinet_live_server = socketio.server


# -- disconnecting users whose sessions were revoked ------------------------------------

_REVOKED_KEY = "ecabinet.live.revoked_sids"


def _collect_revoked(user, **_kwargs):
    """Before the commit: remember which sockets the user has open (on any process)."""
    sids = set(operations.open_sids_of_user(user.id))
    db.session.info.setdefault(_REVOKED_KEY, {}).setdefault(user.id, set()).update(sids)


def _disconnect_after_commit(session):
    revoked = session.info.pop(_REVOKED_KEY, None)
    if not revoked or socketio.server is None:
        return
    targets = set()
    for user_id, sids in revoked.items():
        local = {sid for sid, _eio in socketio.server.manager.get_participants(NAMESPACE, user_room(user_id))}
        targets |= sids | local
    # Off this transaction: disconnecting runs the disconnect handler, which writes in its own session.
    socketio.start_background_task(_disconnect_sids, sorted(targets))


def _disconnect_sids(sids):
    for sid in sids:
        # With a message queue the manager forwards this to the process holding the socket.
        socketio.server.disconnect(sid, namespace=NAMESPACE)


def _forget_revoked(session, *_args):
    session.info.pop(_REVOKED_KEY, None)


def register_revocation():
    if getattr(socketio, "_ecabinet_live_revocation", False):
        return
    user_sessions_revoked.connect(_collect_revoked, weak=False)
    sa_event.listen(Session, "after_commit", _disconnect_after_commit)
    sa_event.listen(Session, "after_rollback", _forget_revoked)
    socketio._ecabinet_live_revocation = True
