"""Saved invitation groups: a body's secretariat saves "Lãnh đạo UBND" or "Thủ trưởng các sở" once and
invites the group, or a whole unit, to a session in one action; whoever takes part already is skipped."""
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from ecabinet.accounts import operations as accounts
from ecabinet.bodies import groups
from ecabinet.bodies import operations as bodies
from ecabinet.bodies.models import BodyKind, InvitationGroup, InvitationGroupMember
from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import Meeting, Role
from tests.conftest import csrf_token
from tests.factories import create_admin, create_user
from tests.sweep import api_request


class Province:
    """The province with its office, chair, two vice-chairs; three heads of departments (not on the
    roster, in their units); a commune beside it with its own office."""

    def __init__(self):
        self.body = bodies.create_body("Ủy ban nhân dân tỉnh Lai Châu", place_name="Lai Châu")
        self.commune = bodies.create_body("Ủy ban nhân dân xã Tân Uyên", kind=BodyKind.COMMUNE)
        self.office = create_user(full_name="Nguyễn Thị Minh Thư")
        self.commune_office = create_user(full_name="Lù Thị Hương")
        self.admin = create_admin(full_name="Quản Trị Viên")
        self.chair = create_user(full_name="Nguyễn Văn Hùng", unit="Văn phòng UBND tỉnh")
        self.vices = [create_user(full_name=n, unit="Văn phòng UBND tỉnh") for n in ("Đặng Văn An", "Đỗ Thị Dung")]
        self.heads = [create_user(full_name="Vũ Thị Ư", unit="Sở Tài chính", title="Giám đốc Sở Tài chính"),
                      create_user(full_name="Hà Văn Ước", unit="Sở Y tế", title="Giám đốc Sở Y tế"),
                      create_user(full_name="Lê Thị Uyên", unit="Sở Y tế", title="Phó Giám đốc Sở Y tế")]
        bodies.set_roster_place(self.body, self.office, role="secretariat")
        bodies.set_roster_place(self.commune, self.commune_office, role="secretariat")
        bodies.set_roster_place(self.body, self.chair, role="chair", position="Chủ tịch", rank=10)
        for vice in self.vices:
            bodies.set_roster_place(self.body, vice, role="member", position="Phó Chủ tịch", rank=20)
        db.session.commit()

    def session(self, body=None, office=None):
        meeting = meetings.create_meeting("Phiên họp thường kỳ", utcnow() + timedelta(days=7),
                                          actor=office or self.office, body=body or self.body)
        meetings.add_agenda_item(meeting, "Tờ trình", actor=office or self.office)
        db.session.commit()
        return meeting


@pytest.fixture
def province(app):
    return Province()


def _participants(meeting_id):
    db.session.expire_all()
    return {p.user.full_name: (p.role.value, p.can_vote) for p in db.session.get(Meeting, meeting_id).participants}


def test_the_secretariat_saves_a_group_and_changes_it_through_the_api(app, bearer, province):
    url = f"/api/v1/bodies/{province.body.id}/groups"
    heads = [u.id for u in province.heads]
    created = api_request(app, province.office, "POST", url, {"name": "Thủ trưởng các sở", "user_ids": heads}, bearer)
    assert created.status_code == 201, created.get_json()
    group = created.get_json()
    # Vietnamese name order: Ư after U (Uyên, Ư, Ước).
    assert [p["full_name"] for p in group["people"]] == ["Lê Thị Uyên", "Vũ Thị Ư", "Hà Văn Ước"]
    assert api_request(app, province.office, "POST", url, {"name": "thủ trưởng các sở"}, bearer).status_code == 409
    # Case beyond ASCII counts too, also for the database (SQLite's lower() would not see it).
    assert api_request(app, province.office, "POST", url, {"name": "THỦ TRƯỞNG CÁC SỞ"}, bearer).status_code == 409
    db.session.add(InvitationGroup(body_id=province.body.id, name="THỦ TRƯỞNG CÁC SỞ",
                                   name_key=groups.name_key("THỦ TRƯỞNG CÁC SỞ")))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    unknown = api_request(app, province.office, "POST", url, {"name": "X", "user_ids": [999999]}, bearer)
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "user_not_found"
    for bad in ({"name": ""}, {"name": "Y", "user_ids": "1,2"}, {"name": "Y", "user_ids": [True]}):
        response = api_request(app, province.office, "POST", url, bad, bearer)
        assert response.status_code == 422, bad
    changed = api_request(app, province.office, "PATCH", f"{url}/{group['id']}",
                          {"name": "Giám đốc các sở", "user_ids": heads[:2]}, bearer)
    assert changed.status_code == 200 and changed.get_json()["count"] == 2
    listed = api_request(app, province.admin, "GET", url, bearer=bearer).get_json()["groups"]
    assert [(g["name"], g["count"]) for g in listed] == [("Giám đốc các sở", 2)]
    # The commune's office neither sees nor changes the province's groups.
    assert api_request(app, province.commune_office, "GET", f"{url}/{group['id']}", bearer=bearer).status_code == 404
    assert api_request(app, province.office, "DELETE", f"{url}/{group['id']}", bearer=bearer).status_code == 204
    assert db.session.query(InvitationGroupMember).count() == 0


def test_a_group_is_invited_in_one_call_roster_members_as_members_and_the_rest_as_guests(app, bearer, province):
    leaders = groups.create_group(province.body, "Lãnh đạo UBND", [province.chair, *province.vices])
    heads = groups.create_group(province.body, "Thủ trưởng các sở", province.heads)
    db.session.commit()
    meeting = province.session()
    meetings.invite_participant(meeting, province.heads[0], Role.MEMBER, actor=province.office)
    db.session.commit()
    url = f"/api/v1/meetings/{meeting.id}/participants/bulk"
    first = api_request(app, province.office, "POST", url, {"group_id": leaders.id}, bearer)
    assert first.status_code == 201, first.get_json()
    # Protocol order: the chair (a member here: the session's chair is named by hand or by the roster).
    assert [p["full_name"] for p in first.get_json()["invited"]] == ["Nguyễn Văn Hùng", "Đặng Văn An", "Đỗ Thị Dung"]
    second = api_request(app, province.office, "POST", url, {"group_id": heads.id}, bearer).get_json()
    assert len(second["invited"]) == 2 and second["skipped"] == [province.heads[0].id]
    again = api_request(app, province.office, "POST", url, {"group_id": heads.id}, bearer).get_json()
    assert again["invited"] == [] and sorted(again["skipped"]) == sorted(u.id for u in province.heads)
    people = _participants(meeting.id)
    assert people["Nguyễn Văn Hùng"] == ("member", True) and people["Đỗ Thị Dung"] == ("member", True)
    assert people["Hà Văn Ước"] == ("guest", False)
    assert people["Vũ Thị Ư"] == ("member", True)  # invited by hand before: left as it was


def test_a_unit_is_invited_in_one_call_and_deactivated_accounts_are_skipped(app, bearer, province):
    meeting = province.session()
    accounts.set_user_active(province.heads[2], False, actor=province.admin)
    db.session.commit()
    unit_id = province.heads[1].unit_id
    response = api_request(app, province.office, "POST", f"/api/v1/meetings/{meeting.id}/participants/bulk",
                           {"unit_id": unit_id}, bearer)
    assert response.status_code == 201
    assert [p["full_name"] for p in response.get_json()["invited"]] == ["Hà Văn Ước"]
    assert response.get_json()["skipped"] == [province.heads[2].id]
    listed = api_request(app, province.office, "POST", f"/api/v1/meetings/{meeting.id}/participants/bulk",
                         {"user_ids": [province.chair.id, province.heads[0].id]}, bearer)
    assert len(listed.get_json()["invited"]) == 2


def test_bad_bulk_invitations_are_clear_errors_and_change_nothing(app, bearer, province):
    meeting = province.session()
    other_body_group = groups.create_group(province.commune, "Lãnh đạo xã", [province.commune_office])
    db.session.commit()
    url = f"/api/v1/meetings/{meeting.id}/participants/bulk"
    cases = [({}, 422), ({"group_id": 1, "unit_id": 1}, 422), ({"unit_id": 999999}, 422),
             ({"group_id": other_body_group.id}, 404), ({"group_id": "x"}, 422), ({"user_ids": [999999]}, 422)]
    for body, status in cases:
        response = api_request(app, province.office, "POST", url, body, bearer)
        assert response.status_code == status, (body, response.get_json())
        assert response.get_json()["error"]["code"]
    assert _participants(meeting.id) == {}


def test_the_pages_save_a_group_and_invite_it_or_a_unit(app, login, province):
    client = login(province.office)
    home = client.get("/meetings").get_data(as_text=True)
    assert f"/bodies/{province.body.id}/groups" in home
    token = csrf_token(client, f"/bodies/{province.body.id}/groups")
    saved = client.post(f"/bodies/{province.body.id}/groups", data={
        "csrf_token": token, "name": "Lãnh đạo UBND", "user_ids": [str(province.chair.id), str(province.vices[0].id)]})
    assert saved.status_code == 302
    page = client.get(f"/bodies/{province.body.id}/groups").get_data(as_text=True)
    assert "Lãnh đạo UBND" in page
    group = groups.groups_of(province.body)[0][0]
    taken = client.post(f"/bodies/{province.body.id}/groups", data={"csrf_token": token, "name": "Lãnh đạo UBND"})
    assert taken.status_code == 200 and "đã có nhóm" in taken.get_data(as_text=True)
    edited = client.post(f"/bodies/{province.body.id}/groups/{group.id}", data={
        "csrf_token": token, "name": "Lãnh đạo UBND tỉnh", "user_ids": [str(province.chair.id)]})
    assert edited.status_code == 302 and groups.group_user_ids(group) == {province.chair.id}

    meeting = province.session()
    show = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'value="group:{group.id}"' in show and f'value="unit:{province.heads[0].unit_id}"' in show
    for source in (f"group:{group.id}", f"unit:{province.heads[1].unit_id}"):
        response = client.post(f"/meetings/{meeting.id}/participants/bulk", data={"csrf_token": token, "source": source})
        assert response.status_code == 302
    assert set(_participants(meeting.id)) == {"Nguyễn Văn Hùng", "Hà Văn Ước", "Lê Thị Uyên"}
    bad = client.post(f"/meetings/{meeting.id}/participants/bulk", data={"csrf_token": token, "source": "group:999"},
                      follow_redirects=True)
    assert "Chọn nhóm hoặc đơn vị" in bad.get_data(as_text=True)
    deleted = client.post(f"/bodies/{province.body.id}/groups/{group.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 302 and groups.groups_of(province.body) == []
    assert len(_participants(meeting.id)) == 3  # the session keeps the people the group brought
