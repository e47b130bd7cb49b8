"""Sessions belong to a body: its secretariat prepares them, its roster is invited in one action,
its participants are listed in protocol order, and a live session keeps the rules it started with."""
from datetime import timedelta

import pytest

from ecabinet.bodies import operations as bodies
from ecabinet.bodies.models import BodyKind
from ecabinet.bodies.rules import WorkingRules
from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus, Role
from tests.factories import create_user
from tests.sweep import api_request


class TwoBodies:
    """The province and a commune, each with its secretariat and roster; one person sits on both."""

    def __init__(self):
        self.province = bodies.create_body("Ủy ban nhân dân tỉnh Lai Châu", place_name="Lai Châu")
        self.commune = bodies.create_body("Ủy ban nhân dân xã Tân Uyên", kind=BodyKind.COMMUNE,
                                          parent_name="UBND TỈNH LAI CHÂU")
        self.province_office = create_user(full_name="Nguyễn Thị Minh Thư")
        self.commune_office = create_user(full_name="Lù Thị Hương")
        self.governor = create_user(full_name="Nguyễn Văn Hùng")
        self.vice = [create_user(full_name=n) for n in ("Trần Thị Thu Hà", "Đặng Văn An", "Đỗ Thị Dung")]
        self.member = create_user(full_name="Lê Văn Thành")
        self.both = create_user(full_name="Lò Văn Thanh")  # on the province's roster and chairs the commune
        bodies.set_roster_place(self.province, self.province_office, role="secretariat")
        bodies.set_roster_place(self.commune, self.commune_office, role="secretariat")
        bodies.set_roster_place(self.province, self.governor, role="chair", position="Chủ tịch", rank=10)
        for person in self.vice:
            bodies.set_roster_place(self.province, person, role="member", position="Phó Chủ tịch", rank=20)
        bodies.set_roster_place(self.province, self.member, role="member", position="Ủy viên", rank=100)
        bodies.set_roster_place(self.province, self.both, role="member", position="Ủy viên", rank=100)
        bodies.set_roster_place(self.commune, self.both, role="chair", position="Chủ tịch", rank=10)
        db.session.commit()

    def session(self, body, office, title="Phiên họp thường kỳ", status=MeetingStatus.PUBLISHED):
        meeting = meetings.create_meeting(title, utcnow() + timedelta(days=5), actor=office, body=body)
        meetings.add_agenda_item(meeting, "Báo cáo tình hình kinh tế - xã hội", actor=office)
        meetings.invite_roster(meeting, actor=office)
        if status != MeetingStatus.DRAFT:
            meetings.change_status(meeting, MeetingStatus.PUBLISHED, actor=office)
        db.session.commit()
        return meeting


@pytest.fixture
def world(app):
    return TwoBodies()


def test_each_secretariat_prepares_only_its_own_bodys_sessions(app, bearer, world):
    created = api_request(app, world.province_office, "POST", "/api/v1/meetings",
                          {"title": "Phiên họp UBND tỉnh", "starts_at": "2026-12-20T08:00:00+07:00"}, bearer)
    assert created.status_code == 201 and created.get_json()["body_id"] == world.province.id
    refused = api_request(app, world.province_office, "POST", "/api/v1/meetings",
                          {"title": "x", "starts_at": "2026-12-20T08:00:00+07:00", "body_id": world.commune.id}, bearer)
    assert refused.status_code == 404  # a body they are not on is not disclosed
    province_session = created.get_json()["id"]
    # The commune's office neither sees nor changes the province's sessions, draft or published.
    for method, url, body in [("GET", f"/api/v1/meetings/{province_session}", None),
                              ("PATCH", f"/api/v1/meetings/{province_session}", {"location": "x"}),
                              ("POST", f"/api/v1/meetings/{province_session}/agenda", {"title": "x"})]:
        assert api_request(app, world.commune_office, method, url, body, bearer).status_code == 404


def test_lists_show_each_body_its_own_sessions_and_invitations(app, bearer, world):
    province = world.session(world.province, world.province_office, "Phiên họp UBND tỉnh")
    commune = world.session(world.commune, world.commune_office, "Phiên họp UBND xã")
    draft = world.session(world.commune, world.commune_office, "Dự thảo phiên họp xã", status=MeetingStatus.DRAFT)

    def listed(user):
        return {m["id"] for m in api_request(app, user, "GET", "/api/v1/meetings", bearer=bearer).get_json()["meetings"]}

    assert listed(world.province_office) == {province.id}
    assert listed(world.commune_office) == {commune.id, draft.id}
    assert listed(world.member) == {province.id}
    # Invited by both rosters; the commune's chair also sees its draft (organisers do).
    assert listed(world.both) == {province.id, commune.id, draft.id}


def test_a_secretariat_serving_two_bodies_names_the_body(app, bearer, world):
    bodies.set_roster_place(world.commune, world.province_office, role="secretariat")
    db.session.commit()
    response = api_request(app, world.province_office, "POST", "/api/v1/meetings",
                           {"title": "x", "starts_at": "2026-12-20T08:00:00+07:00"}, bearer)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "body_required"
    named = api_request(app, world.province_office, "POST", "/api/v1/meetings",
                        {"title": "x", "starts_at": "2026-12-20T08:00:00+07:00", "body_id": world.commune.id}, bearer)
    assert named.status_code == 201 and named.get_json()["body"]["name"] == "Ủy ban nhân dân xã Tân Uyên"


def test_the_roster_is_invited_in_one_call_and_listed_in_protocol_order(app, bearer, world):
    meeting = meetings.create_meeting("Phiên họp", utcnow() + timedelta(days=3), actor=world.province_office,
                                      body=world.province)
    guest = create_user(full_name="Bùi Thị Ánh")
    meetings.invite_participant(meeting, guest, Role.GUEST, actor=world.province_office)
    db.session.commit()
    url = f"/api/v1/meetings/{meeting.id}/participants"
    response = api_request(app, world.province_office, "POST", f"{url}/roster", {}, bearer)
    assert response.status_code == 201 and len(response.get_json()["invited"]) == 6  # not the secretariat
    again = api_request(app, world.province_office, "POST", f"{url}/roster", {}, bearer)
    assert again.status_code == 201 and again.get_json()["invited"] == []
    listed = api_request(app, world.province_office, "GET", url, bearer=bearer).get_json()["participants"]
    names = [p["full_name"] for p in listed]
    # The chair; the vice-chairs (rank 20) by given name: An, Dung, Hà; members (rank 100): Thanh, Thành; guests.
    assert names == ["Nguyễn Văn Hùng", "Đặng Văn An", "Đỗ Thị Dung", "Trần Thị Thu Hà", "Lò Văn Thanh",
                     "Lê Văn Thành", "Bùi Thị Ánh"]
    roles = {p["full_name"]: p["role"] for p in listed}
    assert roles["Nguyễn Văn Hùng"] == "chair" and roles["Lò Văn Thanh"] == "member"


def test_a_live_session_keeps_the_rules_it_started_with(app, world):
    meeting = world.session(world.province, world.province_office)
    meetings.change_status(meeting, MeetingStatus.LIVE, actor=world.province_office)
    db.session.commit()
    frozen = dict(meeting.rules)
    assert WorkingRules.from_dict(frozen) == WorkingRules.of(world.province)
    bodies.update_rules(world.province, WorkingRules(quorum_numerator=1, quorum_denominator=2), actor=None)
    db.session.commit()
    db.session.expire_all()
    assert meeting.rules == frozen and world.province.quorum_denominator == 2


def test_another_bodys_secretariat_cannot_join_or_steer_the_live_room(app, world, login):
    """Socket events are scoped like the pages: the commune's office is refused the province's room."""
    from ecabinet.extensions import socketio

    meeting = world.session(world.province, world.province_office)
    meetings.change_status(meeting, MeetingStatus.LIVE, actor=world.province_office)
    db.session.commit()
    with app.app_context():  # its own context, so Flask-Login's cached user stays with this client
        outsider = socketio.test_client(app, flask_test_client=login(world.commune_office),
                                        headers={"Origin": "http://localhost"})
    insider = socketio.test_client(app, flask_test_client=login(world.province_office),
                                   headers={"Origin": "http://localhost"})
    refused = outsider.emit("join", {"meeting_id": meeting.id}, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] in {"not_found", "not_participant"}
    for event in ("set_item", "check_in", "floor_request"):
        ack = outsider.emit(event, {"meeting_id": meeting.id, "agenda_item_id": meeting.agenda_items[0].id},
                            callback=True)
        assert ack["ok"] is False, event
    joined = insider.emit("join", {"meeting_id": meeting.id}, callback=True)
    assert joined["ok"], joined
    assert insider.emit("leave", {"meeting_id": meeting.id}, callback=True)["ok"]
    for client in (outsider, insider):
        client.disconnect()
