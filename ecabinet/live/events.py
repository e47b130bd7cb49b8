"""Socket.IO events of the live session (default namespace), as in protocol.md.

Declared through core.realtime, which owns what every event needs (the re-checked sign-in, the
payload, the access check, ordering, commit, error acks). Each handler here loads what it needs, calls
one operation and queues its broadcasts (sent after the commit). Per-socket facts (which session it
joined) live in the socket's own session on the process that holds it; everything shared is in the
database.
"""
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_socketio import join_room, leave_room

from ecabinet.accounts.models import User
from ecabinet.core import realtime
from ecabinet.core.errors import NotAllowed, NotFound
from ecabinet.core.realtime import meeting_room
from ecabinet.core.signals import agenda_changed, meeting_status_changed, user_sessions_revoked
from ecabinet.extensions import db, socketio
from ecabinet.live import access, directory, operations, rows, state
from ecabinet.meetings.models import PRESENT_STATES, AgendaItem, Meeting, MeetingStatus


def process_id():
    return current_app.config.get("LIVE_PROCESS_ID") or "local"


# -- what the events are about ----------------------------------------------------------------


def session_of(call):
    """The session named in the payload, if the caller may be in its room (404 otherwise)."""
    meeting = db.session.get(Meeting, call.int("meeting_id"))
    if meeting is None or not access.can_join(call.user, meeting):
        raise NotFound(_("This session does not exist or is not visible to you."), code="meeting_not_found")
    return meeting


def _participant(meeting, user_id):
    user = db.session.get(User, user_id)
    if user is None or access.participant_of(user, meeting) is None:
        raise NotFound(_("This person does not take part in this session."), code="participant_not_found")
    return user


def _display_session_id(call, meeting_id):
    """A room display's socket asks only about the session its token was issued for."""
    if meeting_id != call.display_meeting_id:
        raise NotAllowed(_("This display belongs to another session."))
    return meeting_id


# -- connecting: the room display's token -----------------------------------------------------


@realtime.connect_with("display_token", code="invalid_display_token",
                       message=_l("This display link is no longer valid."))
def display_socket(raw):
    meeting = operations.meeting_for_display_token(raw)
    return {"display_meeting_id": meeting.id} if meeting is not None else None


@realtime.on_disconnect
def close_connection(sid, facts):
    """The socket's connection row is closed; after the grace period the room hears if the member's
    tablet is still gone."""
    connection = operations.close_connection(sid)
    meeting_id, user_id = facts.get("meeting_id"), facts.get("user_id")
    if connection is not None and meeting_id and user_id:
        socketio.start_background_task(_announce_if_still_lost, current_app._get_current_object(), meeting_id,
                                       user_id)


def _announce_if_still_lost(app, meeting_id, user_id):
    socketio.sleep(app.config["LIVE_GRACE_SECONDS"] + 0.5)
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
            state.announce_presence(meeting_id)
            db.session.commit()
        finally:
            db.session.remove()


# -- room ---------------------------------------------------------------------------------------


@realtime.event("join", auth="inline", displays=True)
def join(call):
    meeting_id = call.int("meeting_id")
    if call.display_meeting_id is not None:
        found = access.load_for_join(_display_session_id(call, meeting_id))
        if found is None:
            raise NotAllowed(_("This display belongs to another session."))
        call.sign_in_checked()  # its token was checked at connect; it has no user to re-check
        meeting, user, display, other_tablet_open, me = found.meeting, None, True, False, None
    else:
        # The session, its live state, the caller's participation and sign-in in one query.
        found = access.load_for_join(meeting_id, user_id=call.socket.get("user_id"),
                                     token_id=call.socket.get("token_id"), sid=call.sid)
        if found is None:
            user = call.user
        else:
            user = call.signed_in(found.user, found.token_revoked_at, found.token_expires_at)
        meeting, display = getattr(found, "meeting", None), False
        seen = access.AsSeenBy(meeting, user, found.participant) if meeting is not None else None
        if meeting is None or not access.can_join(user, seen):
            operations.record_join_refused(user, meeting_id, "not_found" if meeting is None else "not_participant")
            db.session.commit()
            raise NotAllowed(_("You do not take part in this session."), code="not_participant")
        other_tablet_open, me = found.other_tablet_open, found.participant
    previous = call.socket.get("meeting_id")
    if previous and previous != meeting_id:
        leave_room(meeting_room(previous))
    # Joining writes the socket's connection row, and the session's live state row on its first join
    # (the snapshot itself only reads).
    live_state = found.state if found.state is not None else operations.get_state(meeting)
    operations.join_connection(call.sid, meeting, user, process_id(), display=display)
    join_room(meeting_room(meeting_id))
    call.socket["meeting_id"] = meeting_id
    snapshot = state.snapshot(meeting, user, display=display, me=me, state=live_state)
    if not other_tablet_open and user is not None and user.id in snapshot["presence"]["present"]:
        # Back online: the room stops showing the tablet as connection-lost.
        state.announce_presence(meeting_id)
    return {"state": snapshot}


@realtime.event("participants", displays=True)
def participants(call):
    """The session's participant directory with its version (tablets ask when theirs differs)."""
    if call.display_meeting_id is not None:
        meeting = db.session.get(Meeting, _display_session_id(call, call.int("meeting_id")))
        if meeting is None:
            raise NotAllowed(_("This display belongs to another session."))
    else:
        meeting = session_of(call)
    return directory.directory_json(meeting)


@realtime.event("leave", auth="none", displays=True)
def leave(call):
    meeting_id = call.int("meeting_id")
    leave_room(meeting_room(meeting_id))
    if call.socket.get("meeting_id") == meeting_id:
        call.socket["meeting_id"] = None
        operations.close_connection(call.sid)


# -- presenting and agenda ----------------------------------------------------------------------


@realtime.event("navigate", auth="inline", ordered=True)
def navigate(call):
    meeting_id = call.int("meeting_id")
    socket = call.socket
    # The hot path: one conditional UPDATE that checks the socket's sign-in, who may turn pages
    # (live.access.turn_pages_clause) and the page, and bumps seq (two round trips with its commit).
    payload = operations.turn_page(meeting_id, call.data.get("document_id"), call.data.get("page"),
                                   actor_id=socket.get("user_id"), token_id=socket.get("token_id"),
                                   nonce=socket.get("nonce"))
    if payload is not None:
        call.sign_in_checked()
    else:
        # Refused (or the session's first change): the full checks say why, in the protocol's order.
        meeting = session_of(call)
        if not access.can_present(call.user, meeting, operations.peek_state(meeting)):
            raise NotAllowed(_("Only the current presenter can turn pages."), code="not_presenter")
        call.int("document_id", required=False)
        payload = operations.navigate(meeting, call.data.get("document_id"), call.data.get("page"), actor=call.user)
    # The presenter's own socket is skipped: an echo must never pull its tablet back.
    realtime.broadcast(meeting_id, "page", payload, skip_sid=call.sid)
    return {"seq": payload["seq"]}


@realtime.event("set_presenter", ordered=True, target=session_of, allow=access.can_assign_presenter)
def set_presenter(call, meeting):
    payload = operations.set_presenter(meeting, _participant(meeting, call.int("user_id")), actor=call.user)
    realtime.broadcast(meeting.id, "page", payload)
    return {"seq": payload["seq"]}


@realtime.event("set_item", ordered=True, target=session_of, allow=access.can_control_agenda)
def set_item(call, meeting):
    item = db.session.get(AgendaItem, call.int("agenda_item_id"))
    payload = operations.set_current_item(meeting, item, actor=call.user)
    realtime.broadcast(meeting.id, "agenda", payload)
    return {"seq": payload["seq"]}


@realtime.event("next_item", ordered=True, target=session_of, allow=access.can_control_agenda)
def next_item(call, meeting):
    payload = operations.next_item(meeting, actor=call.user)
    realtime.broadcast(meeting.id, "agenda", payload)
    return {"seq": payload["seq"], "current_item_id": payload["current_item_id"]}


# -- presence -------------------------------------------------------------------------------------


def _presence_reply(meeting):
    """The caller gets presence at once; the room's `presence` goes out coalesced after the commit."""
    state.announce_presence(meeting.id)
    return {"presence": state.presence_json(meeting)}


@realtime.event("check_in", target=session_of, allow=access.can_check_in)
def check_in(call, meeting):
    operations.check_in(access.participant_of(call.user, meeting), actor=call.user)
    return _presence_reply(meeting)


@realtime.event("set_attendance", target=session_of, allow=access.can_mark_attendance)
def set_attendance(call, meeting):
    member = _participant(meeting, call.int("user_id"))
    stand_in = None
    stand_in_id = call.int("stand_in_user_id", required=False)
    if stand_in_id is not None:
        stand_in = db.session.get(User, stand_in_id)
        if stand_in is None or not stand_in.active:
            raise NotFound(_("No such user."), code="user_not_found")
    operations.set_attendance(access.participant_of(member, meeting), call.data.get("attendance"),
                              actor=call.user, note=call.text("note"), stand_in=stand_in)
    # A stand-in is a new participant: the flush bumped the directory's version, and the room gets
    # `participants` {meeting_id, version} after the commit (live.versions).
    return _presence_reply(meeting)


# -- floor ----------------------------------------------------------------------------------------


def _floor_reply(meeting):
    floor = rows.floor_json(meeting)
    realtime.broadcast(meeting.id, "floor", floor)
    return {"floor": floor}


@realtime.event("floor_request", target=session_of, allow=access.can_request_floor)
def floor_request(call, meeting):
    operations.request_floor(meeting, call.user)
    return _floor_reply(meeting)


@realtime.event("floor_withdraw", target=session_of, allow=access.can_withdraw_floor)
def floor_withdraw(call, meeting):
    operations.withdraw_floor(meeting, call.user)
    return _floor_reply(meeting)


@realtime.event("floor_grant", target=session_of, allow=access.can_manage_floor)
def floor_grant(call, meeting):
    operations.grant_floor(meeting, _participant(meeting, call.int("user_id")), actor=call.user)
    return _floor_reply(meeting)


@realtime.event("floor_end", target=session_of, allow=access.can_manage_floor)
def floor_end(call, meeting):
    speaker_id = call.int("user_id", required=False)
    speaker = _participant(meeting, speaker_id) if speaker_id is not None else None
    operations.end_floor(meeting, actor=call.user, user=speaker)
    return _floor_reply(meeting)


# -- disconnecting users whose sessions were revoked ----------------------------------------------


def _disconnect_revoked(user, **_kwargs):
    """Logout, deactivation, a new password: the user's open sockets (on any process, from the
    connection rows; on this one, from their user room) are disconnected after the commit."""
    realtime.disconnect_user(user.id, operations.open_sids_of_user(user.id))


# -- what the meetings domain changes under a room ------------------------------------------------


def _agenda_changed(meeting, removed_item_id=None, **_kwargs):
    """Items added, edited, removed or reordered (by a page, the API, any operation): the room gets
    `agenda` with the new items after the commit. The latest change of a transaction replaces the
    earlier ones (one message for a reorder of many items)."""
    bumped = operations.agenda_items_changed(meeting, removed_item_id=removed_item_id)
    if bumped is not None:
        realtime.broadcast(meeting.id, "agenda", state.agenda_items_json(meeting, bumped),
                           key=("agenda-items", meeting.id))


def _status_changed(meeting, previous=None, **_kwargs):
    """An ended session has nobody speaking and no queue: the room hears the closed floor."""
    if meeting.status == MeetingStatus.ENDED and operations.close_floor(meeting):
        realtime.broadcast(meeting.id, "floor", rows.floor_json(meeting))


def register_signals():
    """Connect the live domain's receivers of other domains' signals (once per process)."""
    if not getattr(register_signals, "done", False):
        user_sessions_revoked.connect(_disconnect_revoked, weak=False)
        agenda_changed.connect(_agenda_changed, weak=False)
        meeting_status_changed.connect(_status_changed, weak=False)
        register_signals.done = True
