"""Every ballot route and the `vote` socket event × every kind of caller, against voting/access.py.

A live session: its chair and secretary, a member who checked in, a member who is absent (a stand-in
attends for them; this session does not let stand-ins vote), a guest; the body's secretariat; and
outside it: a member of another session, the secretariat of another body, an administrator, a
stranger, no login. Seen from outside: no login → 401; cannot see the session (or a ballot not yet
opened) → 404; sees it but may not → 403; allowed → the success status. Refused calls change nothing.
"""
import pytest
from sqlalchemy import func, select

from ecabinet.bodies import operations as bodies
from ecabinet.extensions import db, socketio
from ecabinet.live import operations as live
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus, Role
from ecabinet.voting import operations
from ecabinet.voting.models import Ballot, BallotStatus, Vote
from tests.factories import create_admin, create_meeting, create_secretariat, create_user
from tests.sweep import api_request, assert_api_outcome

ROLES = ("anonymous", "stranger", "other_session", "other_body", "admin", "guest", "absent_member", "stand_in",
         "member", "chair", "secretary", "secretariat")
IN_SESSION = {"guest", "absent_member", "stand_in", "member", "chair", "secretary", "secretariat"}
PREPARERS = {"chair", "secretary", "secretariat"}
ALLOWED = {
    "view": IN_SESSION,
    "prepare": PREPARERS,
    "run": {"chair"},   # the chair alone opens and closes (the secretary prepares, records by hand)
    "vote": {"chair", "member"},
    "by_hand": {"secretary", "secretariat"},
}


def expected(rule, role, success, *, draft=False):
    if role == "anonymous":
        return 401
    if role in ALLOWED[rule]:
        return success
    visible = IN_SESSION if not draft else PREPARERS
    return 403 if role in visible else 404


class Scene:
    def __init__(self):
        self.secretariat = create_secretariat(full_name="Trần Thị Văn Phòng")
        self.chair = create_user(full_name="Chủ Tọa")
        self.secretary = create_user(full_name="Thư Ký Phiên Họp")
        self.member = create_user(full_name="Thành Viên")
        self.absent_member = create_user(full_name="Thành Viên Vắng")
        self.others = [create_user(full_name=f"Ủy Viên {i}") for i in range(2)]
        self.guest = create_user(full_name="Khách Mời")
        self.stand_in = create_user(full_name="Người Dự Thay")
        self.stranger = create_user(full_name="Người Ngoài")
        self.other_session = create_user(full_name="Thành Viên Phiên Khác")
        self.admin = create_admin(full_name="Quản Trị")
        self.meeting = create_meeting(status=MeetingStatus.PUBLISHED, actor=self.secretariat, chair=self.chair,
                                      members=[self.member, self.absent_member, *self.others], guests=[self.guest])
        meetings.invite_participant(self.meeting, self.secretary, Role.SECRETARY, actor=self.secretariat)
        for user in (self.chair, self.member, *self.others):
            live.check_in(self.meeting.participant_for(user), actor=user)
        live.set_attendance(self.meeting.participant_for(self.absent_member), "substituted", stand_in=self.stand_in,
                            actor=self.secretariat)
        meetings.change_status(self.meeting, MeetingStatus.LIVE, actor=self.secretariat)
        create_meeting("Phiên họp khác", status=MeetingStatus.PUBLISHED, actor=self.secretariat,
                       members=[self.other_session])
        commune = bodies.create_body("Ủy ban nhân dân xã Tân Uyên")
        self.other_body = create_user(full_name="Văn Phòng Xã")
        bodies.set_roster_place(commune, self.other_body, role="secretariat")
        db.session.commit()
        self.draft = self._ballot("Ballot prepared")
        self.open = self._ballot("Ballot open")
        operations.open_ballot(self.open, actor=self.chair)
        db.session.commit()
        self.ids = {"meeting": self.meeting.id, "draft": self.draft.id, "open": self.open.id,
                    "member": self.member.id, "other": self.others[0].id}

    def _ballot(self, question):
        ballot = operations.create_ballot(self.meeting, actor=self.secretariat, question=question)
        db.session.commit()
        return ballot

    def user(self, role):
        return None if role == "anonymous" else getattr(self, role)

    def status(self, key):
        db.session.expire_all()
        ballot = db.session.get(Ballot, self.ids[key])
        return ballot.status if ballot is not None else None

    def votes(self):
        db.session.expire_all()
        return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.ballot_id == self.ids["open"]))

    def ballots(self):
        db.session.expire_all()
        return db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.meeting_id == self.ids["meeting"]))


# (name, method, url, body, rule, success, draft, changed(scene) or None)
ROUTES = [
    ("prepare", "POST", "/api/v1/meetings/{meeting}/ballots", {"question": "Thông qua?", "secret": True}, "prepare",
     201, False, lambda s: s.ballots() == 3),
    ("list", "GET", "/api/v1/meetings/{meeting}/ballots", None, "view", 200, False, None),
    ("show-open", "GET", "/api/v1/ballots/{open}", None, "view", 200, False, None),
    ("show-draft", "GET", "/api/v1/ballots/{draft}", None, "prepare", 200, True, None),
    ("delete-draft", "DELETE", "/api/v1/ballots/{draft}", None, "prepare", 204, True,
     lambda s: s.status("draft") is None),
    ("open", "POST", "/api/v1/ballots/{draft}/open", {"override_reason": "Thử"}, "run", 409, True, None),
    ("close", "POST", "/api/v1/ballots/{open}/close", None, "run", 200, False,
     lambda s: s.status("open") == BallotStatus.CLOSED),
    ("vote", "POST", "/api/v1/ballots/{open}/votes", {"choice": "yes"}, "vote", 201, False, lambda s: s.votes() == 1),
    ("vote-by-hand", "POST", "/api/v1/ballots/{open}/votes",
     lambda i: {"user_id": i["other"], "choice": "no", "by_hand": True}, "by_hand", 201, False,
     lambda s: s.votes() == 1),
    ("ballot-csv", "GET", "/api/v1/ballots/{open}/results.csv", None, "view", 200, False, None),
    ("meeting-csv", "GET", "/api/v1/meetings/{meeting}/ballots.csv", None, "view", 200, False, None),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_api(app, bearer, route, role):
    _name, method, url, body, rule, success, draft, changed = route
    scene = Scene()
    payload = body(scene.ids) if callable(body) else body
    user = scene.user(role)
    response = api_request(app, user, method, url.format(**scene.ids), payload, bearer)
    outcome = expected(rule, role, success, draft=draft)
    if outcome == 200 and response.mimetype == "text/csv":
        assert response.status_code == 200 and response.get_data(as_text=True).startswith("\ufeffballot_id")
    else:
        assert_api_outcome(response, outcome)
    if changed is not None:
        assert changed(scene) == (outcome == success)


def test_opening_another_ballot_while_one_is_open_is_a_conflict_and_opening_needs_the_chair(app, bearer):
    scene = Scene()
    response = app.test_client().post(f"/api/v1/ballots/{scene.draft.id}/open", headers=bearer(scene.chair))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "another_ballot_open"
    app.test_client().post(f"/api/v1/ballots/{scene.open.id}/close", headers=bearer(scene.chair))
    response = app.test_client().post(f"/api/v1/ballots/{scene.draft.id}/open", headers=bearer(scene.chair))
    assert response.status_code == 200 and response.get_json()["status"] == "open"


# -- the socket event: the same rules ---------------------------------------------------------------

SOCKET_OUTCOME = {"anonymous": "refused", "stranger": "ballot_not_found", "other_session": "ballot_not_found",
                  "other_body": "ballot_not_found", "admin": "ballot_not_found", "guest": "not_eligible",
                  "absent_member": "not_eligible", "stand_in": "not_eligible", "secretary": "not_eligible",
                  "secretariat": "not_eligible", "member": "ok", "chair": "ok"}


@pytest.fixture
def socket_for(app, bearer, login, monkeypatch):
    from ecabinet.live import events

    # No background task on the test's one connection: the grace-period check (and the coalesced
    # `ballot`: tests/voting/conftest.py).
    monkeypatch.setattr(events, "_announce_if_still_lost", lambda *_args: None)
    opened = []

    def connect(user):
        if user is None:
            client = socketio.test_client(app, auth={})
        else:
            token = bearer(user)["Authorization"].split()[1]
            client = socketio.test_client(app, flask_test_client=login(user), auth={"token": token})
        opened.append(client)
        return client

    yield connect
    for client in opened:
        if client.is_connected():
            client.disconnect()


@pytest.mark.parametrize("role", ROLES)
def test_socket_vote(app, socket_for, role):
    with app.test_request_context():
        scene = Scene()
    client = socket_for(scene.user(role))
    outcome = SOCKET_OUTCOME[role]
    if outcome == "refused":
        assert not client.is_connected()
        return
    ack = client.emit("vote", {"ballot_id": scene.ids["open"], "choice": "no"}, callback=True)
    if outcome == "ok":
        assert ack["ok"] is True and ack["ballot_id"] == scene.ids["open"]
        again = client.emit("vote", {"ballot_id": scene.ids["open"], "choice": "yes"}, callback=True)
        assert again["ok"] is False and again["error"]["code"] == "already_voted"
    else:
        assert ack["ok"] is False and ack["error"]["code"] == outcome
    assert scene.votes() == (1 if outcome == "ok" else 0)
    # A prepared ballot (not shown to members; not open to the organisers) and a payload without a
    # ballot are refused to everyone.
    draft = client.emit("vote", {"ballot_id": scene.ids["draft"], "choice": "yes"}, callback=True)
    assert draft["error"]["code"] == ("ballot_not_open" if role in PREPARERS else "ballot_not_found")
    bad = client.emit("vote", {"choice": "yes"}, callback=True)
    assert bad["ok"] is False and bad["error"]["code"] == "invalid_payload"


def test_the_pushed_counts_go_to_those_the_rule_lets_see_them(app):
    """access.live_count_viewer_ids (SQL, for the pushes) agrees with can_see_counts_in on every role,
    and a deactivated organiser drops out of both."""
    from ecabinet.voting import access

    scene = Scene()
    people = [scene.user(role) for role in ROLES if role != "anonymous"] + scene.others
    by_rule = sorted(user.id for user in people if access.can_see_counts_in(user, scene.meeting))
    assert access.live_count_viewer_ids(scene.meeting.id) == by_rule
    assert set(by_rule) == {scene.chair.id, scene.secretary.id, scene.secretariat.id}
    scene.secretary.active = False
    db.session.commit()
    assert scene.secretary.id not in access.live_count_viewer_ids(scene.meeting.id)
    assert not access.can_see_counts_in(scene.secretary, scene.meeting)
