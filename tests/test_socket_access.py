"""Every declared socket event × every role, against a real server with real Socket.IO clients.

The socket counterpart of the HTTP sweeps (tests/*/test_access.py): generated from
core.realtime.declared_events(), so that a domain declaring an event (voting's `vote`, ...) fails
here until the event has its row in SWEEP. One server, one live session and one connected client
per role for the whole module; before every case the session is put back to the same starting
point (tablets' state rows, attendance, floor), so cases do not depend on each other's order.

Each case checks the acknowledgement a role gets — `{ok: true, ...}`, or `{ok: false, error: {code}}`
with the code the protocol gives: no login is refused at connect (`not_authenticated`); a session not
visible to the caller answers `meeting_not_found` (`not_participant` for join); a caller in the room
whom the rule leaves out gets `forbidden` (`not_presenter` for page turns) — and which rows changed:
an allowed call changes exactly what its row says, a refused one changes nothing (a refused join
only records its `live.join_refused` audit entry).
"""
from dataclasses import dataclass

import pytest
import socketio
from sqlalchemy import func, select, update

from ecabinet.app import import_events
from ecabinet.audit.models import AuditEntry
from ecabinet.core import realtime
from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.live.models import FloorRequest, LiveConnection, LiveState
from ecabinet.meetings.models import AgendaItem, Attendance, Meeting, Participant
from ecabinet.voting.models import Ballot, BallotStatus, BallotVoter, SecretVote, Vote
from tests.live.conftest import Tablet, api_token

pytestmark = pytest.mark.server

DISPLAY = "room_display"  # the room's projector or TV: a socket on the session's display token, no user
ROLES = ("anonymous", "stranger", "guest", "member", "delegate", "other_member", "chair", "secretary",
         "secretariat", "admin", DISPLAY)

# Who may, as ecabinet/live/access.py states it. Everyone else is refused.
PARTICIPANTS = {"guest", "member", "delegate", "chair", "secretary"}
WHO = {
    "signed_in": set(ROLES) - {"anonymous"},        # any socket that connected (leave)
    "room": PARTICIPANTS | {"secretariat"},         # can_join: the participants, the body's secretariat
    "presenter": {"chair"},                         # can_turn_pages: the session's chair until handed on
    "agenda": {"chair", "secretary", "secretariat"},  # can_control_agenda, can_assign_presenter
    "self": PARTICIPANTS,                           # can_check_in, can_withdraw_floor
    "attendance": {"secretary", "secretariat"},     # can_mark_attendance
    "floor": PARTICIPANTS - {"secretary"},          # can_request_floor
    "chair_floor": {"chair", "secretary"},          # can_manage_floor
    "voter": {"chair", "member"},                   # voting.access.can_vote: checked-in members at opening
}
NOT_CONNECTED = "not_authenticated"  # no login: refused at connect, the event is never sent


@dataclass(frozen=True)
class Row:
    """A socket event in the sweep. `changes`: the parts of the session (see PARTS) an allowed call
    changes, or function(role) -> parts. `prepare(sweep, role)`: puts in place what the call acts on
    (after the common starting point). `refused`: the code for a caller in the room the rule leaves
    out; `hidden`: for a caller the session is not visible to. `display`: the room display may send
    it (about its own session); to any other event its socket gets `not_authenticated`."""

    payload: object
    rule: str
    changes: object = ()
    prepare: object = None
    refused: str = "forbidden"
    hidden: str = "meeting_not_found"
    refusal_records: tuple = ()
    display: bool = False


def _session(ids):
    return {"meeting_id": ids["meeting"]}


def _may_join(role):
    return expected_code(SWEEP["join"], role) == "ok"


def _joined(sweep, role):
    if _may_join(role):
        assert sweep.clients[role].join(sweep.ids["meeting"])["ok"]


def _asked_for_floor(sweep, role):
    """The caller is in the floor queue (when they take part in the session)."""
    if role in PARTICIPANTS:
        sweep.add_floor_request(sweep.ids[role])


def _absentee_speaking(sweep, role):
    sweep.add_floor_request(sweep.ids["absentee"], granted=True)


def _ballot_open(sweep, role):
    """A ballot of the session just opened, with everyone present: its voters are fixed now."""
    sweep.open_ballot()


SWEEP = {
    "join": Row(_session, "room", changes=("connections",), hidden="not_participant",
                refusal_records=("live.join_refused",), display=True),
    "participants": Row(_session, "room", display=True),
    "leave": Row(_session, "signed_in", prepare=_joined, display=True,
                 changes=lambda role: ("connections",) if _may_join(role) else ()),
    "navigate": Row(lambda i: {"meeting_id": i["meeting"], "document_id": i["document"], "page": 2}, "presenter",
                    changes=("presentation",), refused="not_presenter"),
    "set_presenter": Row(lambda i: {"meeting_id": i["meeting"], "user_id": i["guest"]}, "agenda",
                         changes=("presentation", "audit")),
    "set_item": Row(lambda i: {"meeting_id": i["meeting"], "agenda_item_id": i["items"][1]}, "agenda",
                    changes=("presentation", "audit")),
    "next_item": Row(_session, "agenda", changes=("presentation", "audit")),
    "check_in": Row(_session, "self", changes=("attendance", "versions", "audit")),
    "set_attendance": Row(lambda i: {"meeting_id": i["meeting"], "user_id": i["absentee"],
                                     "attendance": "absent_excused", "note": "Đi công tác"},
                          "attendance", changes=("attendance", "versions", "audit")),
    "floor_request": Row(_session, "floor", changes=("floor", "versions")),
    "floor_withdraw": Row(_session, "self", prepare=_asked_for_floor, changes=("floor", "versions")),
    "floor_grant": Row(lambda i: {"meeting_id": i["meeting"], "user_id": i["absentee"]}, "chair_floor",
                       changes=("floor", "versions", "audit")),
    "floor_end": Row(_session, "chair_floor", prepare=_absentee_speaking, changes=("floor", "versions", "audit")),
    # A guest, the secretary, the secretariat and a stand-in (the session does not let stand-ins vote)
    # see the ballot but are no voters of it; to those who cannot see the session it does not exist.
    "vote": Row(lambda i: {"ballot_id": i["ballot"], "choice": "yes"}, "voter", prepare=_ballot_open,
                changes=("ballots",), refused="not_eligible", hidden="ballot_not_found"),
}


def expected_code(row, role):
    """'ok', or the error code of the acknowledgement (NOT_CONNECTED: refused at connect)."""
    if role == "anonymous":
        return NOT_CONNECTED
    if role == DISPLAY:
        return "ok" if row.display else "not_authenticated"
    if role in WHO[row.rule]:
        return "ok"
    return row.refused if role in WHO["room"] else row.hidden


# -- what a call may change: the session's rows, read around each call --------------------------------


def _rows(connection, table, *where):
    query = select(table).where(*where).order_by(*table.primary_key.columns)
    return [tuple(row) for row in connection.execute(query)]


_VERSIONS = ("room_version", "participants_version")


def _state(connection, ids, versions):
    table = LiveState.__table__
    columns = [c for c in table.columns if (c.name in _VERSIONS) == versions]
    return [tuple(row) for row in connection.execute(select(*columns).where(table.c.meeting_id == ids["meeting"]))]


# The parts of a session a call may change, each read as rows. An event of another domain that
# changes its own rows (voting's ballots and votes) adds them here, and sets them up in its `prepare`.
PARTS = {
    "session": lambda c, ids: (_rows(c, Meeting.__table__, Meeting.id == ids["meeting"]),
                               _rows(c, AgendaItem.__table__, AgendaItem.meeting_id == ids["meeting"])),
    "presentation": lambda c, ids: _state(c, ids, versions=False),
    "versions": lambda c, ids: _state(c, ids, versions=True),
    "attendance": lambda c, ids: _rows(c, Participant.__table__, Participant.meeting_id == ids["meeting"]),
    "floor": lambda c, ids: _rows(c, FloorRequest.__table__, FloorRequest.meeting_id == ids["meeting"]),
    "connections": lambda c, ids: _rows(c, LiveConnection.__table__),
    "ballots": lambda c, ids: (
        _rows(c, Ballot.__table__, Ballot.meeting_id == ids["meeting"]),
        _rows(c, BallotVoter.__table__, BallotVoter.ballot_id.in_(_ballot_ids(ids))),
        _rows(c, Vote.__table__, Vote.ballot_id.in_(_ballot_ids(ids))),
        _rows(c, SecretVote.__table__, SecretVote.ballot_id.in_(_ballot_ids(ids)))),
}


def _ballot_ids(ids):
    return select(Ballot.id).where(Ballot.meeting_id == ids["meeting"]).scalar_subquery()


class Sweep:
    """The module's server, its live session with a person of every role, and their connected clients."""

    def __init__(self, server):
        self.server = server
        self.ids, usernames, display_token = _seed(server.app)
        self.clients = {role: Tablet(server.url, token=api_token(server.url, username)).connect()
                        for role, username in usernames.items()}
        self.clients[DISPLAY] = Tablet(server.url, display_token=display_token).connect()

    def close(self):
        for client in self.clients.values():
            client.close()

    def read(self, audit_after):
        """Every part of the session as stored now, and the audit entries written after `audit_after`."""
        with self.server.app.app_context(), db.engine.connect() as connection:
            parts = {name: read(connection, self.ids) for name, read in PARTS.items()}
            parts["audit"] = [tuple(row) for row in connection.execute(
                select(AuditEntry.action, AuditEntry.actor_id).where(AuditEntry.id > audit_after)
                .order_by(AuditEntry.id))]
            return parts

    def audit_mark(self):
        with self.server.app.app_context(), db.engine.connect() as connection:
            return connection.execute(select(func.coalesce(func.max(AuditEntry.id), 0))).scalar()

    def reset(self):
        """The starting point of every case: nobody presenting, page 1, the first agenda item, nobody
        checked in, nobody asking for or holding the floor (through the ORM, so the room's versions move
        as they would)."""
        with self.server.app.app_context():
            state = db.session.get(LiveState, self.ids["meeting"])
            state.presenter_id, state.document_id, state.page = None, None, 1
            state.current_item_id = self.ids["items"][0]
            for participant in db.session.scalars(select(Participant).where(
                    Participant.meeting_id == self.ids["meeting"])):
                participant.attendance, participant.attendance_note = Attendance.UNKNOWN, None
                participant.checked_in_at = None
            for request in db.session.scalars(select(FloorRequest).where(
                    FloorRequest.meeting_id == self.ids["meeting"], FloorRequest.ended_at.is_(None))):
                request.ended_at = utcnow()
            db.session.commit()
            db.session.remove()

    def open_ballot(self):
        """Close the session's open ballot, if any, and open a new one by the chair (no quorum needed:
        a recorded reason), everyone present, so its voters are the session's checked-in members."""
        from ecabinet.accounts.models import User
        from ecabinet.voting import operations as voting

        with self.server.app.app_context():
            db.session.execute(update(Ballot).where(Ballot.meeting_id == self.ids["meeting"],
                                                    Ballot.status == BallotStatus.OPEN)
                               .values(status=BallotStatus.CLOSED, closed_at=utcnow()))
            for participant in db.session.scalars(select(Participant).where(
                    Participant.meeting_id == self.ids["meeting"])):
                participant.attendance = Attendance.PRESENT
            meeting = db.session.get(Meeting, self.ids["meeting"])
            chair = db.session.get(User, self.ids["chair"])
            ballot = voting.create_ballot(meeting, actor=chair, question="Thông qua tờ trình kế hoạch đầu tư công?")
            voting.open_ballot(ballot, actor=chair, override_reason="Kiểm tra quyền biểu quyết")
            db.session.commit()
            self.ids["ballot"] = ballot.id
            db.session.remove()

    def add_floor_request(self, user_id, granted=False):
        with self.server.app.app_context():
            now = utcnow()
            db.session.add(FloorRequest(meeting_id=self.ids["meeting"], user_id=user_id, requested_at=now,
                                        granted_at=now if granted else None))
            db.session.commit()
            db.session.remove()


def _seed(app):
    """A live session with a person of every role; another session for its own member. Returns the ids
    and each role's username."""
    from ecabinet.live import operations
    from ecabinet.meetings import operations as meetings
    from ecabinet.meetings.models import MeetingStatus, Role
    from tests.factories import create_admin, create_document, create_meeting, create_secretariat, create_user

    with app.app_context():
        users = {"secretariat": create_secretariat(full_name="Thư Ký Văn Phòng"),
                 "admin": create_admin(full_name="Quản Trị Viên"),
                 "stranger": create_user(full_name="Người Ngoài"),
                 "guest": create_user(full_name="Giám Đốc Sở Khách Mời"),
                 "member": create_user(full_name="Thành Viên"),
                 "delegate": create_user(full_name="Phó Giám Đốc Dự Thay"),
                 "other_member": create_user(full_name="Thành Viên Phiên Khác"),
                 "chair": create_user(full_name="Chủ Tọa"),
                 "secretary": create_user(full_name="Thư Ký Phiên Họp")}
        absentee = create_user(full_name="Thành Viên Vắng Mặt")
        meeting = create_meeting("Phiên họp thường kỳ tháng 12", status=MeetingStatus.LIVE,
                                 actor=users["secretariat"], chair=users["chair"], secretary=users["secretary"],
                                 members=[users["member"], absentee], guests=[users["guest"]],
                                 agenda=("Tờ trình kế hoạch đầu tư công", "Báo cáo kinh tế - xã hội"))
        meetings.invite_participant(meeting, users["delegate"], Role.DELEGATE, actor=users["secretariat"],
                                    delegate_for=absentee)
        create_meeting("Phiên họp khác", status=MeetingStatus.LIVE, actor=users["secretariat"],
                       chair=create_user(full_name="Chủ Tọa Phiên Khác"), members=[users["other_member"]])
        document = create_document(meeting, actor=users["secretariat"], pages=3,
                                   agenda_item=meeting.agenda_items[0])
        display_token = operations.issue_display_token(meeting, actor=users["secretariat"])
        db.session.commit()
        ids = {role: user.id for role, user in users.items()}
        ids.update(meeting=meeting.id, document=document.id, absentee=absentee.id,
                   items=[item.id for item in meeting.agenda_items])
        usernames = {role: user.username for role, user in users.items()}
        db.session.remove()
    return ids, usernames, display_token


@pytest.fixture(scope="module")
def sweep(module_live_server):
    sweep = Sweep(module_live_server)
    yield sweep
    sweep.close()


def connect_refusal(url, auth=None):
    """Connect with `auth` (no credential by default): the code the server refused the connection with."""
    client = socketio.Client(reconnection=False)
    refusals = []
    client.on("connect_error", lambda data=None: refusals.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
    assert refusals, "refused without saying why"
    return refusals[0]["data"]["code"]


def run_socket_case(sweep, event, row, role):
    sweep.reset()
    if row.prepare is not None:
        row.prepare(sweep, role)
    expected = expected_code(row, role)
    mark = sweep.audit_mark()
    before = sweep.read(mark)
    if role == "anonymous":
        assert connect_refusal(sweep.server.url) == expected
    else:
        ack = sweep.clients[role].call(event, row.payload(sweep.ids))
        if expected == "ok":
            assert ack["ok"] is True, ack
        else:
            assert ack["ok"] is False and ack["error"]["code"] == expected, ack
            assert ack["error"]["message"]
    after = sweep.read(mark)
    changed = {part for part in after if after[part] != before[part]}
    if expected == "ok":
        wanted = row.changes(role) if callable(row.changes) else row.changes
        assert changed == set(wanted), (changed, after["audit"])
    elif role != "anonymous" and row.refusal_records:
        assert changed == {"audit"}
        assert after["audit"] == [(action, sweep.ids[role]) for action in row.refusal_records]
    else:
        assert changed == set(), {part: (before[part], after[part]) for part in changed}


import_events()
DECLARED = sorted(realtime.declared_events())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("event", DECLARED)
def test_socket_event(sweep, event, role):
    row = SWEEP.get(event)
    if row is None:
        pytest.fail(f"the socket event {event!r} has no row in SWEEP (tests/test_socket_access.py)")
    run_socket_case(sweep, event, row, role)


@pytest.mark.parametrize("auth,code", [
    (None, "not_authenticated"),
    ({"token": "not-a-token"}, "not_authenticated"),
    ({"display_token": "not-a-display-token"}, "invalid_display_token"),
])
def test_a_refused_connection_says_why_in_its_data(sweep, auth, code):
    """The browser reads err.data.code (signing out on not_authenticated), like any client."""
    assert connect_refusal(sweep.server.url, auth) == code


def test_the_sweep_covers_every_declared_socket_event():
    assert set(SWEEP) == set(DECLARED), "every declared socket event needs a row in SWEEP, and only those"
