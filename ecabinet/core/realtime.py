"""Realtime with one home: the one path of every Socket.IO event, and the one broadcast.

Every domain declares its own socket events in its own ``events.py`` with ``@event(...)``, its part
of the ``join`` snapshot with ``snapshot_section(...)`` and what changes that part with
``watch_room(...)``; ``init_app`` attaches them all. Adding a domain's event never touches another
domain's package.

The path of an event (``_run``): the payload must be an object; the socket's sign-in is re-checked
(it was checked at connect: a deactivated user, a revoked token or a changed login nonce ends its
rights at the next event); the target is loaded and the owning domain's ``access.py`` asked; the
handler calls operations; the transaction is committed once; domain errors become
``{ok: false, error}`` acks. Events that change a session's ``seq`` run one at a time per session on
this process, their broadcasts included.

Broadcasts (``broadcast``, ``broadcast_latest``, ``disconnect_user``) are queued with the unit of
work (``db.session.info``) and sent only after the transaction commits; a rollback, also of the
savepoint they were queued in, drops them. Nothing else emits: no ORM hook, no adapter.
"""
import logging
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy import and_, bindparam, event as sa_event, exc as sa_exc, exists, select
from sqlalchemy.orm import Session

from ecabinet.core.db import utcnow
from ecabinet.core.errors import Busy, DomainError, InvalidInput, NotAllowed, NotAuthenticated
from ecabinet.extensions import db, socketio

log = logging.getLogger(__name__)
NAMESPACE = "/"


def meeting_room(meeting_id):
    return f"meeting:{meeting_id}"


def user_room(user_id):
    return f"user:{user_id}"


# -- broadcasting after the commit ----------------------------------------------------------

_OUTBOX = "ecabinet.realtime.outbox"   # queued in the transaction in progress
_READY = "ecabinet.realtime.ready"     # committed, sent when the transaction has ended


@dataclass(eq=False)
class _Queued:
    """One thing to send after the commit; `transaction` is the (nested) one it was queued in."""

    kind: str          # "emit", "latest" or "disconnect"
    args: tuple
    key: object = None
    transaction: object = field(default=None, repr=False)


def _queue(item, session=None):
    session = session or db.session()
    item.transaction = session.get_nested_transaction() or session.get_transaction()
    outbox = session.info.setdefault(_OUTBOX, [])
    if item.key is not None:
        # A later message with the same key supersedes the earlier one (e.g. a version bumped twice).
        outbox[:] = [queued for queued in outbox if queued.key != item.key]
    outbox.append(item)


def broadcast(meeting_id, event, payload, to=None, *, skip_sid=None, key=None, session=None):
    """Send `event` to the session's room (or `to`: a room name or a sid) once the current
    transaction commits; nothing if it rolls back. `skip_sid`: a socket that must not get it (the
    presenter's own). `key`: a later broadcast with the same key replaces this one. `session`: the
    ORM session whose transaction it waits for (default: the app's)."""
    _queue(_Queued("emit", (event, payload, to or meeting_room(meeting_id), skip_sid), key), session)


def broadcast_latest(meeting_id, event, read, *, interval):
    """After the commit, tell the room that `event` changed, coalesced: at most one per session per
    `interval` seconds per process, its payload read(meeting_id) when sent (None: nothing to send).

    When a room fills, one broadcast of the whole room's presence per check-in would be O(N)
    messages of O(N) size each. The first change is sent at once; changes during the following
    interval are folded into one more broadcast at its end, read after the last of them committed,
    so the room ends on the exact state.
    """
    _queue(_Queued("latest", (meeting_id, event, read, interval), key=("latest", meeting_id, event)))


def disconnect_user(user_id, sids=()):
    """After the commit, disconnect the user's sockets: those in their user room on this process and
    `sids` (known from the database; the message queue forwards them to the process holding them)."""
    _queue(_Queued("disconnect", (user_id, tuple(sids))))


def _within(transaction, ended):
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _after_commit(session):
    if session.in_nested_transaction():
        return  # a savepoint was released: its messages wait for the real commit
    outbox = session.info.pop(_OUTBOX, None)
    if outbox:
        session.info.setdefault(_READY, []).extend(outbox)


def _after_rollback(session):
    if not session.in_nested_transaction():  # a savepoint's messages: see _after_soft_rollback
        session.info.pop(_OUTBOX, None)


def _after_soft_rollback(session, previous_transaction):
    outbox = session.info.get(_OUTBOX)
    if not outbox:
        return
    if previous_transaction.parent is None:
        session.info.pop(_OUTBOX, None)
        return
    outbox[:] = [item for item in outbox if not _within(item.transaction, previous_transaction)]


def _after_transaction_end(session, transaction):
    if transaction.parent is not None:
        return
    dropped = session.info.pop(_OUTBOX, None)
    if dropped:
        # Closed without a commit or a rollback (session.close, remove): most likely an adapter
        # broadcast after its commit, in a transaction nobody committed. Nothing is sent.
        log.warning("%d broadcast(s) dropped: their transaction ended without a commit", len(dropped))
    ready = session.info.pop(_READY, None)
    if ready:
        # Sent here rather than in after_commit: the transaction's connection is back in the pool
        # by now, so a slow send (the message queue) never holds a database connection.
        _send(ready)


def _send(outbox):
    if socketio.server is None:
        return
    app = current_app._get_current_object()
    disconnects = {}
    for item in outbox:
        try:
            if item.kind == "emit":
                event, payload, to, skip_sid = item.args
                socketio.emit(event, payload, to=to, skip_sid=skip_sid, namespace=NAMESPACE)
            elif item.kind == "latest":
                _coalescer.schedule(app, *item.args)
            else:
                user_id, sids = item.args
                disconnects.setdefault(user_id, set()).update(sids)
        except Exception:  # the change is committed; a tablet gets the state with its next join
            log.exception("realtime %s %r could not be sent", item.kind, item.args[:2])
    if disconnects:
        targets = set()
        for user_id, sids in disconnects.items():
            local = socketio.server.manager.get_participants(NAMESPACE, user_room(user_id))
            targets |= sids | {sid for sid, _eio in local}
        # Off this transaction: disconnecting runs the disconnect handler, which writes in its own session.
        socketio.start_background_task(_disconnect_sids, sorted(targets))


def _disconnect_sids(sids):
    for sid in sids:
        socketio.server.disconnect(sid, namespace=NAMESPACE)


class _Coalescer:
    """Scheduling state of broadcast_latest on this process: (event, meeting) -> whether another
    change came in since its last read. The payload is always read from the database."""

    def __init__(self):
        self.pending = {}
        self.lock = threading.Lock()

    def schedule(self, app, meeting_id, event, read, interval):
        key = (event, meeting_id)
        with self.lock:
            if key in self.pending:
                self.pending[key] = True
                return
            self.pending[key] = False
        try:
            socketio.start_background_task(self._run, app, key, read, interval)
        except Exception:
            with self.lock:
                self.pending.pop(key, None)
            raise

    def _run(self, app, key, read, interval):
        try:
            while True:
                self.send_now(app, key, read)
                socketio.sleep(self.pause(app, key[1], interval))
                with self.lock:
                    if not self.pending.get(key):
                        self.pending.pop(key, None)
                        return
                    self.pending[key] = False
        except BaseException:
            with self.lock:
                self.pending.pop(key, None)
            raise

    @staticmethod
    def pause(app, meeting_id, interval):
        """`interval`, stretched so that the room's tablets on this process hear at most
        COALESCED_MESSAGES_PER_SECOND messages a second from one coalesced event: each message costs
        the server a send per tablet, and while 1 000 members vote at once the acknowledgements of
        their votes come first. 1 000 tablets hear the count once a second, a commune's 15 four times."""
        rate = app.config["COALESCED_MESSAGES_PER_SECOND"]
        if rate <= 0 or socketio.server is None:
            return interval
        listeners = sum(1 for _ in socketio.server.manager.get_participants(NAMESPACE, meeting_room(meeting_id)))
        return max(interval, listeners / rate)

    @staticmethod
    def send_now(app, key, read):
        event, meeting_id = key
        with app.app_context():
            try:
                payload = read(meeting_id)
                if payload is not None:
                    broadcast(meeting_id, event, payload)
                db.session.commit()  # sends it (the read wrote nothing)
            except Exception:
                db.session.rollback()
                log.exception("%s of meeting %s could not be sent", event, meeting_id)
            finally:
                db.session.remove()


_coalescer = _Coalescer()


# -- the join snapshot's sections -------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotSection:
    """One domain's part of the `join` snapshot.

    shared(meeting) is built once per room version and shared by every join of the room on this
    process (plain JSON-ready data or objects holding no ORM row; never mutated); personal(shared,
    meeting, user, display) shapes it for one caller (`meeting` as the caller sees it, user None for a
    room display). Without `personal` the shared value is the section.
    """

    key: str
    shared: object
    personal: object = None

    def for_caller(self, shared, meeting, user, display):
        if self.personal is None:
            return shared
        return self.personal(shared, meeting, user, display)


_SECTIONS = {}
_WATCHED = {}


def snapshot_section(key, *, shared, personal=None, watch=()):
    """Add `key` to every join snapshot; `watch`: models (or (model, meeting_of)) whose changes
    change it (see watch_room)."""
    section = SnapshotSection(key, shared, personal)
    existing = _SECTIONS.get(key)
    if existing is not None and existing != section:
        raise ValueError(f"snapshot section {key!r} is registered twice")
    _SECTIONS[key] = section
    for entry in watch:
        model, meeting_of = entry if isinstance(entry, tuple) else (entry, None)
        watch_room(model, meeting_of)
    return section


def snapshot_sections():
    return tuple(_SECTIONS.values())


def _meeting_id_of(obj):
    return obj.meeting_id


def watch_room(model, meeting_of=None):
    """Changes of this model's rows change what the join snapshot shares in the session
    meeting_of(row) names: the room's cache on every process is rebuilt after them."""
    _WATCHED[model] = meeting_of or _meeting_id_of


def room_meeting_of(model):
    """The meeting_of function of a watched model, or None."""
    return _WATCHED.get(model)


# -- the socket's sign-in ---------------------------------------------------------------------


def socket_session():
    """The socket's own facts, kept in its WSGI environ (one dict per connection, on its process)."""
    return request.environ.setdefault("ecabinet.realtime.socket", {})


def _user_and_token_query():
    from ecabinet.accounts.models import ApiToken, User

    return (select(User, ApiToken.revoked_at, ApiToken.expires_at)
            .join(ApiToken, and_(ApiToken.id == bindparam("token_id"), ApiToken.user_id == User.id))
            .where(User.id == bindparam("user_id")))


# Built once: it runs on every event, and composing it cost as much as running it.
_QUERIES = {}


def socket_user():
    """The user of the current socket (None for a room display), re-checked now."""
    from ecabinet.accounts.models import User

    session = socket_session()
    user_id = session.get("user_id")
    if user_id is None:
        return None
    token_id = session.get("token_id")
    if token_id is None:
        return still_signed_in(session, db.session.get(User, user_id))
    if "user_and_token" not in _QUERIES:
        _QUERIES["user_and_token"] = _user_and_token_query()
    row = db.session.execute(_QUERIES["user_and_token"], {"user_id": user_id, "token_id": token_id}).first()
    return still_signed_in(session, *(row or (None, None, None)))


def still_signed_in(session, user, token_revoked_at=None, token_expires_at=None):
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


def signed_in_clause(user_id, *, with_token, token_id=None, nonce=None, now=None):
    """still_signed_in as SQL, for events that check the sign-in in their own statement (auth="inline",
    e.g. the page turn and the vote): the user is active and the socket's token is valid, or the login
    nonce it connected with is still current. Binds token_id or nonce, and now (sign_in_params),
    unless given as SQL (a batch of votes reads them from its rows)."""
    from ecabinet.accounts.models import ApiToken, User

    if with_token:
        token_id = bindparam("token_id") if token_id is None else token_id
        now = bindparam("now") if now is None else now
        return and_(exists().where(User.id == user_id, User.active.is_(True)),
                    exists().where(ApiToken.id == token_id, ApiToken.user_id == user_id,
                                   ApiToken.revoked_at.is_(None), ApiToken.expires_at > now))
    nonce = bindparam("nonce") if nonce is None else nonce
    return exists().where(User.id == user_id, User.active.is_(True), User.session_nonce == nonce)


def sign_in_params(socket):
    """The values signed_in_clause binds, from the socket's facts (socket_session())."""
    if socket is None:
        return {}
    return {"token_id": socket.get("token_id"), "nonce": socket.get("nonce"), "now": utcnow()}


def origin_allowed():
    """Browser sockets riding on the cookie must come from an allowed page (no Origin, no cookie login)."""
    origin = request.headers.get("Origin")
    if not origin:
        return False
    allowed = set(current_app.config.get("ALLOWED_ORIGINS") or ())
    forwarded_host = request.headers.get("X-Forwarded-Host")
    if forwarded_host:
        allowed.add(f"{request.headers.get('X-Forwarded-Proto', request.scheme)}://{forwarded_host}")
    allowed.add(f"{request.scheme}://{request.host}")
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" in allowed


# Other credentials a socket may connect with (the room display's token): auth key -> function(raw)
# -> the socket's facts (a dict), or None to refuse with (code, message).
_CONNECT_WITH = {}


def connect_with(key, *, code, message):
    """Let sockets connect with auth={key: raw}: the decorated function(raw) returns the socket's
    facts (e.g. {"display_meeting_id": 7}), or None to refuse with this code and message (lazy_gettext)."""
    def register(function):
        _CONNECT_WITH[key] = (function, code, message)
        return function
    return register


def _refuse(code, message):
    # Two arguments: Socket.IO sends the first as the error's `message` and the second as its `data`,
    # which clients read ({code, message}: err.data.code in the browser). A single dict would reach
    # them as its Python repr in `message`, with no `data`.
    raise ConnectionRefusedError(str(message), {"code": code, "message": str(message)})


def _on_connect(auth=None):
    """Authenticate at connect: a bearer token, the browser's session from an allowed Origin, or a
    registered credential. Nothing is written (the domain writes when the socket joins a session)."""
    from ecabinet.accounts.operations import find_token

    auth = auth if isinstance(auth, dict) else {}
    facts = {"user_id": None, "token_id": None, "nonce": None, "display_meeting_id": None}
    for key, (function, code, message) in _CONNECT_WITH.items():
        if auth.get(key):
            found = function(auth[key])
            if found is None:
                _refuse(code, message)
            facts.update(found)
            socket_session().update(facts)
            return
    if auth.get("token"):
        token = find_token(auth["token"]) if isinstance(auth["token"], str) else None
        if token is None:
            _refuse("not_authenticated", _("Please log in."))
        user = token.user
        facts["token_id"] = token.id
    elif current_user.is_authenticated and origin_allowed():
        user = current_user._get_current_object()
    else:
        _refuse("not_authenticated", _("Please log in."))
    facts.update(user_id=user.id, nonce=user.session_nonce)
    socket_session().update(facts)
    join_room(user_room(user.id))  # how logout reaches the user's sockets on this process


_DISCONNECT_HOOKS = []


def on_disconnect(function):
    """function(sid, socket_facts) runs when a socket goes; one commit after all of them."""
    _DISCONNECT_HOOKS.append(function)
    return function


def _on_disconnect(reason=None):
    facts = dict(socket_session())
    try:
        for hook in _DISCONNECT_HOOKS:
            hook(request.sid, facts)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("disconnect of %s failed", request.sid)


# -- events -----------------------------------------------------------------------------------


class Call:
    """One socket event being handled: its payload, the socket's facts, the re-checked user."""

    _UNCHECKED = object()

    def __init__(self, spec, data):
        self.spec, self.data = spec, data
        self.socket = socket_session()
        self.sid = request.sid
        self._user = self._UNCHECKED

    @property
    def display_meeting_id(self):
        """The session a room display's socket was admitted to (None for a person's socket)."""
        return self.socket.get("display_meeting_id")

    @property
    def user(self):
        """The socket's user, its sign-in re-checked once per event (None for a room display)."""
        if self._user is self._UNCHECKED:
            self._user = socket_user()
        return self._user

    @property
    def user_checked(self):
        return self._user is not self._UNCHECKED

    def signed_in(self, user, token_revoked_at=None, token_expires_at=None):
        """For events that read the user in their own query (auth="inline"): the same re-check."""
        self._user = still_signed_in(self.socket, user, token_revoked_at, token_expires_at)
        return self._user

    def sign_in_checked(self):
        """The event checked the sign-in itself and it holds: in its own statement's WHERE (the page
        turn), or at connect for a room display, which has no user to re-check."""
        if self._user is self._UNCHECKED:
            self._user = None

    def int(self, name, *, required=True):
        """A whole number from 1 in the payload (or None when absent and not required)."""
        value = self.data.get(name)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidInput(_("The field %(name)s must be a whole number.", name=name), code="invalid_payload")
        return value

    def text(self, name):
        value = self.data.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidInput(_("The field %(name)s must be text.", name=name), code="invalid_payload")
        return value


@dataclass(frozen=True)
class EventSpec:
    name: str
    handler: object
    auth: str          # "user", "inline" or "none" (see event)
    displays: bool
    ordered: bool
    target: object
    allow: object
    refusal: object


_EVENTS = {}


def event(name, *, auth="user", displays=False, ordered=False, target=None, allow=None, refusal=None):
    """Declare the socket event `name`; the handler is handler(call) or handler(call, target).

    auth: "user": the socket's user is re-checked before the handler (call.user); "inline": the
        handler reads the user in its own query (the join's one query, the page turn's one UPDATE)
        and must call call.signed_in(...) or call.sign_in_checked(); "none": any connected
        socket (leaving a room).
    displays: a room display's socket may send it (call.user is then None); otherwise it is refused.
    ordered: the event changes a session's `seq`: events of one session (payload `meeting_id`) run
        one at a time on this process, their broadcasts included.
    target(call): loads what the event is about (e.g. the session), raising NotFound when it is not
        visible; allow(user, target): the owning domain's access rule; refusal(): the error when it
        says no (default: forbidden).
    """
    def register(handler):
        if name in _EVENTS and _EVENTS[name].handler is not handler:
            raise ValueError(f"socket event {name!r} is declared twice")
        _EVENTS[name] = EventSpec(name, handler, auth, displays, ordered, target, allow, refusal)
        return handler
    return register


def declared_events():
    return dict(_EVENTS)


def _internal_error():
    return {"ok": False, "error": {"code": "internal_error", "message": _("An internal error occurred.")}}


def _run(spec, data):
    try:
        if not isinstance(data, dict):
            raise InvalidInput(_("The payload must be an object."), code="invalid_payload")
        call = Call(spec, data)
        if call.display_meeting_id is not None and not spec.displays:
            raise NotAuthenticated()
        if spec.auth == "user":
            call.user  # noqa: B018  (re-checked now: NotAuthenticated when the sign-in no longer holds)
        args = (call,)
        if spec.target is not None:
            target = spec.target(call)
            if spec.allow is not None and not spec.allow(call.user, target):
                raise spec.refusal() if spec.refusal else NotAllowed(
                    _("You are not allowed to do this in this session."))
            args = (call, target)
        ack = spec.handler(*args)
        if spec.auth == "inline" and not call.user_checked:
            raise RuntimeError(f"socket event {spec.name} did not check the sign-in")
        db.session.commit()  # sends what the handler broadcast
    except DomainError as error:
        db.session.rollback()
        return {"ok": False, "error": error.to_dict()}
    except sa_exc.TimeoutError:  # the pool had no connection in time: nothing done, retryable
        db.session.rollback()
        g._login_user = current_app.login_manager.anonymous_user()  # the message's language: no new wait
        log.warning("socket event %s: no database connection in time", spec.name)
        return {"ok": False, "error": Busy().to_dict()}
    except Exception:
        db.session.rollback()
        log.exception("socket event %s failed", spec.name)
        return _internal_error()
    return {"ok": True, **(ack or {})}


# Locks ordering the seq-changing events of a session on this process: a fixed set, picked by
# session id, so that payloads naming any number of sessions cannot grow it.
_SEQUENCE_LOCKS = [threading.Lock() for _ in range(64)]


def _sequence_lock(meeting_id):
    if not isinstance(meeting_id, int) or isinstance(meeting_id, bool):
        meeting_id = 0
    return _SEQUENCE_LOCKS[meeting_id % len(_SEQUENCE_LOCKS)]


def handler_of(spec):
    """The function Socket.IO calls for this event.

    Ordered events: Socket.IO runs each event in its own green thread, so two quick page turns can
    commit in order and yet emit in the other order when the first one's emit waits on I/O (seen on
    PostgreSQL at 10 pages/s); tablets would drop the late, older one as stale, but the room would
    see the pages jump. Across processes the seq keeps the order (clients ignore older ones).
    """
    def handle(data=None):
        if not spec.ordered or not isinstance(data, dict):
            return _run(spec, data)
        with _sequence_lock(data.get("meeting_id")):
            return _run(spec, data)

    handle.__name__ = f"on_{spec.name}"
    return handle


def init_app(app):
    """Attach connect, disconnect and every declared event to this app's Socket.IO server."""
    if not getattr(init_app, "listening", False):
        sa_event.listen(Session, "after_commit", _after_commit)
        sa_event.listen(Session, "after_rollback", _after_rollback)
        sa_event.listen(Session, "after_soft_rollback", _after_soft_rollback)
        sa_event.listen(Session, "after_transaction_end", _after_transaction_end)
        init_app.listening = True
    # init_app of Flask-SocketIO makes a new server for every app: attach to each once.
    if getattr(socketio, "_ecabinet_realtime_server", None) is socketio.server:
        return
    socketio.on_event("connect", _on_connect, namespace=NAMESPACE)
    socketio.on_event("disconnect", _on_disconnect, namespace=NAMESPACE)
    for spec in _EVENTS.values():
        socketio.on_event(spec.name, handler_of(spec), namespace=NAMESPACE)
    socketio._ecabinet_realtime_server = socketio.server
