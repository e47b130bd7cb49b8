"""The sessions JSON API with real input: creating and editing a session, its agenda and its
participants, and every validation error in the protocol's shape (status, code, details.field,
a message in Vietnamese by default and in English with Accept-Language: en)."""
import pytest
from sqlalchemy import select

from ecabinet.accounts import operations as accounts
from ecabinet.extensions import db
from ecabinet.meetings import operations
from ecabinet.meetings.models import Meeting, MeetingStatus
from tests.factories import create_meeting, create_secretariat, create_user


@pytest.fixture
def secretariat():
    return create_secretariat(full_name="Thư Ký Văn Phòng")


@pytest.fixture
def call(app, bearer, secretariat):
    """call(method, url, json=None, user=secretariat, **headers) -> response, as a client app with a token."""

    def make(method, url, json=None, *, user=None, data=None, content_type=None, **headers):
        headers = {**bearer(user or secretariat), **{k.replace("_", "-"): v for k, v in headers.items()}}
        if data is not None:
            return app.test_client().open(url, method=method, data=data, content_type=content_type, headers=headers)
        return app.test_client().open(url, method=method, json=json, headers=headers)

    return make


def error_of(response, status, code=None, field=None):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    if code:
        assert error["code"] == code, error
    if field:
        assert error["details"]["field"] == field, error
    assert error["message"]
    return error


def meeting_count():
    db.session.expire_all()
    return db.session.scalar(select(db.func.count(Meeting.id)))


def fresh(meeting_id):
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


VI_DEACTIVATED = "Tài khoản này đã bị khóa."
VALID = {"title": "Phiên họp UBND tỉnh thường kỳ tháng 12", "starts_at": "2030-12-05T08:00:00+07:00",
         "ends_at": "2030-12-05T11:30:00+07:00", "location": "Phòng họp số 1"}


# -- creating and editing a session --------------------------------------------------


def test_create_a_session(call, secretariat):
    response = call("POST", "/api/v1/meetings", {**VALID, "kind": "thematic", "description": "  Ghi chú  ",
                                                 "confidentiality": "confidential", "delegates_may_vote": True})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["title"] == VALID["title"] and body["status"] == "draft" and body["kind"] == "thematic"
    assert body["starts_at"] == "2030-12-05T01:00:00+00:00" and body["ends_at"] == "2030-12-05T04:30:00+00:00"
    assert body["description"] == "Ghi chú" and body["confidentiality"] == "confidential"
    assert body["delegates_may_vote"] is True
    assert body["agenda"] == [] and body["participants"] == []
    assert body["published_at"] is None and body["started_at"] is None and body["ended_at"] is None
    meeting = fresh(body["id"])
    assert meeting.created_by_id == secretariat.id and meeting.location == "Phòng họp số 1"


@pytest.mark.parametrize("starts_at,expected", [
    ("2030-12-05T08:00", "2030-12-05T01:00:00+00:00"),  # no zone: Vietnam time
    ("2030-12-05T08:00:00", "2030-12-05T01:00:00+00:00"),
    ("2030-12-05T08:00:00+07:00", "2030-12-05T01:00:00+00:00"),
    ("2030-12-05T01:00:00Z", "2030-12-05T01:00:00+00:00"),
    ("2030-12-05T06:00:00+05:00", "2030-12-05T01:00:00+00:00"),
    ("2030-12-05T03:00", "2030-12-04T20:00:00+00:00"),  # the day before in UTC
])
def test_times_without_a_zone_are_vietnam_time(call, starts_at, expected):
    body = call("POST", "/api/v1/meetings", {"title": "Phiên họp", "starts_at": starts_at}).get_json()
    assert body["starts_at"] == expected
    assert call("GET", f"/api/v1/meetings/{body['id']}").get_json()["starts_at"] == expected


@pytest.mark.parametrize("change,field", [
    ({"title": None}, "title"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": 42}, "title"),
    ({"title": "x" * 301}, "title"),
    ({"starts_at": None}, "starts_at"),
    ({"starts_at": "05/12/2030 08:00"}, "starts_at"),
    ({"starts_at": "2030-02-30T08:00"}, "starts_at"),
    ({"starts_at": "2030-12-05T25:00"}, "starts_at"),
    ({"starts_at": "ngày mai"}, "starts_at"),
    ({"starts_at": 1733360400}, "starts_at"),
    ({"ends_at": "2030-12-05T07:00:00+07:00"}, "ends_at"),  # before the start
    ({"ends_at": "2030-12-05T08:00:00+07:00"}, "ends_at"),  # equal to the start
    ({"ends_at": "not a date"}, "ends_at"),
    ({"kind": "secret"}, "kind"),
    ({"kind": ""}, "kind"),
    ({"confidentiality": "top_secret"}, "confidentiality"),
    ({"delegates_may_vote": "maybe"}, "delegates_may_vote"),
    ({"location": "x" * 301}, "location"),
])
def test_create_refuses_invalid_values(call, change, field):
    before = meeting_count()
    body = {k: v for k, v in {**VALID, **change}.items() if v is not None}
    error_of(call("POST", "/api/v1/meetings", body), 422, "invalid_value", field)
    assert meeting_count() == before


@pytest.mark.parametrize("data,content_type", [
    ("title=Phiên họp&starts_at=2030-12-05T08:00", "application/x-www-form-urlencoded"),
    ("{not json", "application/json"),
    ('["a", "list"]', "application/json"),
    ('"a string"', "application/json"),
    ("", "application/json"),
])
def test_a_body_that_is_not_a_json_object_is_400(call, data, content_type):
    before = meeting_count()
    error_of(call("POST", "/api/v1/meetings", data=data, content_type=content_type), 400, "invalid_json")
    assert meeting_count() == before


def test_edit_a_session_partially(call, secretariat):
    meeting = create_meeting(actor=secretariat)
    original_start = fresh(meeting.id).starts_at
    response = call("PATCH", f"/api/v1/meetings/{meeting.id}", {"location": "Hội trường B", "kind": "extraordinary"})
    assert response.status_code == 200, response.get_json()
    stored = fresh(meeting.id)
    assert stored.location == "Hội trường B" and stored.kind.value == "extraordinary"
    assert stored.title == "Phiên họp UBND tỉnh thường kỳ" and stored.starts_at == original_start
    response = call("PATCH", f"/api/v1/meetings/{meeting.id}", {"starts_at": "2031-01-10T14:00",
                                                                "ends_at": "2031-01-10T17:00"})
    assert response.get_json()["starts_at"] == "2031-01-10T07:00:00+00:00"
    assert response.get_json()["ends_at"] == "2031-01-10T10:00:00+00:00"


@pytest.mark.parametrize("change,field", [
    ({"title": ""}, "title"),
    ({"title": None}, "title"),
    ({"starts_at": "2031-13-01T08:00"}, "starts_at"),
    ({"starts_at": None}, "starts_at"),
    ({"ends_at": "2000-01-01T08:00"}, "ends_at"),
    ({"kind": "weekly"}, "kind"),
])
def test_edit_refuses_invalid_values_and_changes_nothing(call, secretariat, change, field):
    meeting = create_meeting(actor=secretariat)
    before = (fresh(meeting.id).title, fresh(meeting.id).starts_at, fresh(meeting.id).ends_at,
              fresh(meeting.id).kind)
    error_of(call("PATCH", f"/api/v1/meetings/{meeting.id}", change), 422, "invalid_value", field)
    stored = fresh(meeting.id)
    assert (stored.title, stored.starts_at, stored.ends_at, stored.kind) == before


def test_edit_moving_the_start_after_the_stored_end_is_refused(call, secretariat):
    meeting_id = call("POST", "/api/v1/meetings", VALID).get_json()["id"]
    error_of(call("PATCH", f"/api/v1/meetings/{meeting_id}", {"starts_at": "2030-12-05T12:00"}), 422,
             field="ends_at")
    assert fresh(meeting_id).starts_at.isoformat() == "2030-12-05T01:00:00+00:00"


def test_edit_body_not_json_is_400(call, secretariat):
    meeting = create_meeting(actor=secretariat)
    error_of(call("PATCH", f"/api/v1/meetings/{meeting.id}", data="title=x", content_type="text/plain"), 400,
             "invalid_json")


# -- messages in both languages ------------------------------------------------------


@pytest.mark.parametrize("body,vi,en", [
    ({"starts_at": "2030-12-05T08:00"}, "Trường title là bắt buộc.", "The field title is required."),
    ({"title": "x", "starts_at": "mai"}, "Trường starts_at phải là ngày giờ theo định dạng ISO 8601.",
     "The field starts_at must be an ISO 8601 date and time."),
    ({"title": "x", "starts_at": "2030-12-05T08:00", "ends_at": "2030-12-05T07:00"},
     "Thời gian kết thúc phải sau thời gian bắt đầu.", "The session must end after it starts."),
])
def test_error_messages_are_vietnamese_by_default_and_english_on_request(call, body, vi, en):
    assert error_of(call("POST", "/api/v1/meetings", body), 422)["message"] == vi
    assert error_of(call("POST", "/api/v1/meetings", body, Accept_Language="en"), 422)["message"] == en
    assert error_of(call("POST", "/api/v1/meetings", body, Accept_Language="vi-VN,vi;q=0.9"), 422)["message"] == vi


def test_conflict_messages_in_both_languages(call, secretariat):
    member = create_user(full_name="Hoàng Thị Lan")
    meeting = create_meeting(actor=secretariat, members=[member])
    url = f"/api/v1/meetings/{meeting.id}/participants"
    vi = error_of(call("POST", url, {"user_id": member.id, "role": "member"}), 409, "already_participant")
    en = error_of(call("POST", url, {"user_id": member.id, "role": "member"}, Accept_Language="en"), 409)
    assert vi["message"] == "Hoàng Thị Lan đã có trong thành phần tham dự phiên họp."
    assert en["message"] == "Hoàng Thị Lan already takes part in this session."


# -- agenda ------------------------------------------------------------------------


def agenda_of(meeting_id):
    meeting = fresh(meeting_id)
    return [(item.id, item.position, item.title) for item in meeting.agenda_items]


def test_add_edit_and_delete_agenda_items(call, secretariat):
    meeting = create_meeting(actor=secretariat, agenda=())
    url = f"/api/v1/meetings/{meeting.id}/agenda"
    first = call("POST", url, {"title": "  Báo cáo kinh tế – xã hội  ", "presenter": "Sở Kế hoạch",
                               "duration_minutes": 30})
    assert first.status_code == 201
    first = first.get_json()
    assert (first["title"], first["presenter"], first["duration_minutes"], first["position"], first["number"]) == (
        "Báo cáo kinh tế – xã hội", "Sở Kế hoạch", 30, 0, 1)
    second = call("POST", url, {"title": "Tờ trình về giá đất", "duration_minutes": "15"}).get_json()
    third = call("POST", url, {"title": "Dự thảo quy chế"}).get_json()
    assert (second["number"], second["duration_minutes"]) == (2, 15)
    assert (third["number"], third["duration_minutes"]) == (3, None)

    edited = call("PATCH", f"{url}/{second['id']}", {"duration_minutes": 45, "presenter": "Sở Tài chính"})
    assert edited.status_code == 200
    assert (edited.get_json()["title"], edited.get_json()["duration_minutes"]) == ("Tờ trình về giá đất", 45)
    stored = fresh(meeting.id).agenda_items[1]
    assert (stored.presenter, stored.duration_minutes) == ("Sở Tài chính", 45)

    assert call("DELETE", f"{url}/{first['id']}").status_code == 204
    assert agenda_of(meeting.id) == [(second["id"], 0, "Tờ trình về giá đất"), (third["id"], 1, "Dự thảo quy chế")]
    detail = call("GET", f"/api/v1/meetings/{meeting.id}").get_json()
    assert [(i["id"], i["number"]) for i in detail["agenda"]] == [(second["id"], 1), (third["id"], 2)]
    error_of(call("DELETE", f"{url}/{first['id']}"), 404, "agenda_item_not_found")


@pytest.mark.parametrize("body,field", [
    ({"title": "Tờ trình", "duration_minutes": 0}, "duration_minutes"),
    ({"title": "Tờ trình", "duration_minutes": -5}, "duration_minutes"),
    ({"title": "Tờ trình", "duration_minutes": 1441}, "duration_minutes"),
    ({"title": "Tờ trình", "duration_minutes": "nửa giờ"}, "duration_minutes"),
    ({"title": "Tờ trình", "duration_minutes": 12.5}, "duration_minutes"),
    ({"title": "Tờ trình", "duration_minutes": True}, "duration_minutes"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"presenter": "Sở Tài chính"}, "title"),
    ({"title": "x" * 501}, "title"),
])
def test_adding_an_invalid_agenda_item_is_422(call, secretariat, body, field):
    meeting = create_meeting(actor=secretariat)
    before = agenda_of(meeting.id)
    error_of(call("POST", f"/api/v1/meetings/{meeting.id}/agenda", body), 422, "invalid_value", field)
    assert agenda_of(meeting.id) == before


@pytest.mark.parametrize("minutes", [1, 1440])
def test_durations_at_the_limits_are_accepted(call, secretariat, minutes):
    meeting = create_meeting(actor=secretariat)
    response = call("POST", f"/api/v1/meetings/{meeting.id}/agenda", {"title": "Tờ trình", "duration_minutes": minutes})
    assert response.status_code == 201 and response.get_json()["duration_minutes"] == minutes


@pytest.mark.parametrize("body,field", [
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"duration_minutes": 2000}, "duration_minutes"),
    ({"title": ""}, "title"),
])
def test_editing_an_agenda_item_with_invalid_values_changes_nothing(call, secretariat, body, field):
    meeting = create_meeting(actor=secretariat)
    item = fresh(meeting.id).agenda_items[0]
    before = (item.title, item.duration_minutes)
    error_of(call("PATCH", f"/api/v1/meetings/{meeting.id}/agenda/{item.id}", body), 422, "invalid_value", field)
    item = fresh(meeting.id).agenda_items[0]
    assert (item.title, item.duration_minutes) == before


def _three_items(secretariat):
    meeting = create_meeting(actor=secretariat, agenda=("Một", "Hai", "Ba"))
    return meeting.id, [i.id for i in fresh(meeting.id).agenda_items]


def test_reorder_persists_and_renumbers(call, secretariat):
    meeting_id, (a, b, c) = _three_items(secretariat)
    response = call("PUT", f"/api/v1/meetings/{meeting_id}/agenda/order", {"item_ids": [c, a, b]})
    assert response.status_code == 200
    assert [(i["id"], i["position"], i["number"]) for i in response.get_json()["agenda"]] == [
        (c, 0, 1), (a, 1, 2), (b, 2, 3)]
    assert agenda_of(meeting_id) == [(c, 0, "Ba"), (a, 1, "Một"), (b, 2, "Hai")]
    detail = call("GET", f"/api/v1/meetings/{meeting_id}").get_json()
    assert [i["title"] for i in detail["agenda"]] == ["Ba", "Một", "Hai"]
    # After a delete the numbers close up and a reorder of the rest works.
    assert call("DELETE", f"/api/v1/meetings/{meeting_id}/agenda/{a}").status_code == 204
    assert call("PUT", f"/api/v1/meetings/{meeting_id}/agenda/order", {"item_ids": [b, c]}).status_code == 200
    assert agenda_of(meeting_id) == [(b, 0, "Hai"), (c, 1, "Ba")]


@pytest.mark.parametrize("make_ids", [
    lambda ids, foreign: ids[:2],  # one missing
    lambda ids, foreign: [ids[0], ids[0], ids[1]],  # a duplicate instead of one
    lambda ids, foreign: ids + [ids[0]],  # every id, one twice
    lambda ids, foreign: [ids[0], ids[1], foreign],  # an item of another session
    lambda ids, foreign: ids + [foreign],
    lambda ids, foreign: ids + [999999],
    lambda ids, foreign: [],
    lambda ids, foreign: [str(i) for i in ids],
    lambda ids, foreign: [ids[0], ids[1], True],
    lambda ids, foreign: {"a": ids[0]},
    lambda ids, foreign: None,
    lambda ids, foreign: ",".join(map(str, ids)),
], ids=["missing", "duplicate", "extra-duplicate", "foreign", "extra-foreign", "unknown", "empty", "strings",
        "bool", "object", "null", "csv"])
def test_reorder_with_a_wrong_list_is_422_and_changes_nothing(call, secretariat, make_ids):
    meeting_id, ids = _three_items(secretariat)
    other = create_meeting("Phiên khác", actor=secretariat)
    foreign = fresh(other.id).agenda_items[0].id
    before = agenda_of(meeting_id)
    error_of(call("PUT", f"/api/v1/meetings/{meeting_id}/agenda/order", {"item_ids": make_ids(ids, foreign)}),
             422, "invalid_value", "item_ids")
    assert agenda_of(meeting_id) == before
    assert agenda_of(other.id)[0][1] == 0


def test_reorder_body_not_json_is_400(call, secretariat):
    meeting_id, ids = _three_items(secretariat)
    error_of(call("PUT", f"/api/v1/meetings/{meeting_id}/agenda/order", data="1,2,3", content_type="text/plain"),
             400, "invalid_json")


# -- participants ---------------------------------------------------------------------


def participants_of(meeting_id):
    meeting = fresh(meeting_id)
    return {p.user_id: (p.role.value, p.can_vote, p.delegate_for_id) for p in meeting.participants}


@pytest.fixture
def scene(secretariat):
    class Scene:
        chair = create_user(full_name="Chủ Tọa")
        member = create_user(full_name="Thành Viên")
        guest = create_user(full_name="Khách Mời")
        newcomer = create_user(full_name="Người Mới")
        meeting = create_meeting(actor=secretariat, chair=chair, members=[member], guests=[guest])
        url = f"/api/v1/meetings/{meeting.id}/participants"

    return Scene


@pytest.mark.parametrize("role,can_vote", [("chair", True), ("secretary", False), ("member", True), ("guest", False)])
def test_invite_with_a_role_and_its_default_vote(call, secretariat, role, can_vote):
    meeting = create_meeting(actor=secretariat)
    user = create_user()
    response = call("POST", f"/api/v1/meetings/{meeting.id}/participants", {"user_id": user.id, "role": role})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["user_id"], body["role"], body["can_vote"], body["delegate_for_id"]) == (user.id, role, can_vote, None)
    assert body["user"]["full_name"] == user.full_name and body["attendance"] == "unknown"
    assert participants_of(meeting.id) == {user.id: (role, can_vote, None)}


def test_invite_a_member_who_does_not_vote(call, scene):
    response = call("POST", scene.url, {"user_id": scene.newcomer.id, "role": "member", "can_vote": False})
    assert response.status_code == 201
    assert participants_of(scene.meeting.id)[scene.newcomer.id] == ("member", False, None)


@pytest.mark.parametrize("body,status,code,field", [
    (lambda s: {"user_id": s.member.id, "role": "member"}, 409, "already_participant", None),
    (lambda s: {"user_id": s.member.id, "role": "guest"}, 409, "already_participant", None),
    (lambda s: {"user_id": 999999, "role": "member"}, 404, "user_not_found", None),
    (lambda s: {"role": "member"}, 422, "invalid_value", "user_id"),
    (lambda s: {"user_id": "abc", "role": "member"}, 422, "invalid_value", "user_id"),
    (lambda s: {"user_id": s.newcomer.id}, 422, "invalid_value", "role"),
    (lambda s: {"user_id": s.newcomer.id, "role": "president"}, 422, "invalid_value", "role"),
    (lambda s: {"user_id": s.newcomer.id, "role": "guest", "can_vote": True}, 422, "invalid_value", "can_vote"),
    (lambda s: {"user_id": s.newcomer.id, "role": "member", "can_vote": "sometimes"}, 422, "invalid_value",
     "can_vote"),
    (lambda s: {"user_id": s.newcomer.id, "role": "delegate"}, 422, "invalid_value", "delegate_for_id"),
    (lambda s: {"user_id": s.newcomer.id, "role": "delegate", "delegate_for_id": 999999}, 422, "invalid_value",
     "delegate_for_id"),
    (lambda s: {"user_id": s.newcomer.id, "role": "delegate", "delegate_for_id": s.outsider.id}, 422,
     "invalid_value", "delegate_for_id"),
    (lambda s: {"user_id": s.newcomer.id, "role": "delegate", "delegate_for_id": s.guest.id}, 422,
     "invalid_value", "delegate_for_id"),
    (lambda s: {"user_id": s.newcomer.id, "role": "member", "delegate_for_id": s.member.id}, 422,
     "invalid_value", "delegate_for_id"),
    (lambda s: {"user_id": s.newcomer.id, "role": "delegate", "delegate_for_id": s.member.id, "can_vote": True},
     422, "invalid_value", "can_vote"),
], ids=["duplicate", "duplicate-other-role", "unknown-user", "no-user", "user-not-int", "no-role", "bad-role",
        "voting-guest", "bad-bool", "stand-in-for-nobody", "stand-in-for-unknown", "stand-in-for-outsider",
        "stand-in-for-guest", "member-for-someone", "voting-stand-in-not-allowed"])
def test_invitations_that_are_refused_change_nothing(call, scene, body, status, code, field):
    scene.outsider = create_user(full_name="Người Ngoài")
    before = participants_of(scene.meeting.id)
    error_of(call("POST", scene.url, body(scene)), status, code, field)
    assert participants_of(scene.meeting.id) == before


def test_a_deactivated_user_cannot_be_invited(call, scene, secretariat):
    accounts.set_user_active(scene.newcomer, False, actor=secretariat)
    db.session.commit()
    before = participants_of(scene.meeting.id)
    error = error_of(call("POST", scene.url, {"user_id": scene.newcomer.id, "role": "member"}), 422,
                     "invalid_value", "user_id")
    assert error["message"] == VI_DEACTIVATED
    assert participants_of(scene.meeting.id) == before


def test_a_stand_in_attends_for_a_member_and_votes_only_when_the_session_allows(call, scene):
    response = call("POST", scene.url, {"user_id": scene.newcomer.id, "role": "delegate",
                                        "delegate_for_id": scene.member.id})
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["delegate_for_id"], response.get_json()["can_vote"]) == (scene.member.id, False)
    # The session allows stand-ins to vote: the stand-in votes.
    assert call("PATCH", f"/api/v1/meetings/{scene.meeting.id}", {"delegates_may_vote": True}).status_code == 200
    assert participants_of(scene.meeting.id)[scene.newcomer.id] == ("delegate", True, scene.member.id)
    # And no longer once the session stops allowing it.
    assert call("PATCH", f"/api/v1/meetings/{scene.meeting.id}", {"delegates_may_vote": False}).status_code == 200
    assert participants_of(scene.meeting.id)[scene.newcomer.id] == ("delegate", False, scene.member.id)
    stand_in = fresh(scene.meeting.id).participant_for(scene.newcomer).id
    error = error_of(call("PATCH", f"{scene.url}/{stand_in}", {"can_vote": True}), 422, "invalid_value", "can_vote")
    assert error["message"] == "Người dự họp thay chỉ được biểu quyết khi phiên họp cho phép."
    assert participants_of(scene.meeting.id)[scene.newcomer.id][1] is False


def test_a_stand_in_for_the_chair_in_a_session_where_stand_ins_vote(call, secretariat):
    chair, stand_in = create_user(), create_user()
    meeting_id = call("POST", "/api/v1/meetings", {**VALID, "delegates_may_vote": True}).get_json()["id"]
    url = f"/api/v1/meetings/{meeting_id}/participants"
    assert call("POST", url, {"user_id": chair.id, "role": "chair"}).status_code == 201
    response = call("POST", url, {"user_id": stand_in.id, "role": "delegate", "delegate_for_id": chair.id})
    assert response.status_code == 201
    assert response.get_json()["can_vote"] is True
    # Explicitly not voting is allowed too.
    other = create_user()
    member = create_user()
    call("POST", url, {"user_id": member.id, "role": "member"})
    response = call("POST", url, {"user_id": other.id, "role": "delegate", "delegate_for_id": member.id,
                                  "can_vote": False})
    assert response.status_code == 201 and response.get_json()["can_vote"] is False


def test_change_a_participants_role(call, scene):
    meeting_id = scene.meeting.id
    member_p = fresh(meeting_id).participant_for(scene.member).id
    guest_p = fresh(meeting_id).participant_for(scene.guest).id
    response = call("PATCH", f"{scene.url}/{member_p}", {"role": "guest"})
    assert response.status_code == 200 and response.get_json()["role"] == "guest"
    assert participants_of(meeting_id)[scene.member.id] == ("guest", False, None)
    assert call("PATCH", f"{scene.url}/{guest_p}", {"role": "member"}).get_json()["can_vote"] is True
    response = call("PATCH", f"{scene.url}/{guest_p}", {"can_vote": False})
    assert (response.get_json()["role"], response.get_json()["can_vote"]) == ("member", False)
    assert participants_of(meeting_id)[scene.guest.id] == ("member", False, None)
    assert call("PATCH", f"{scene.url}/{guest_p}", {"role": "secretary"}).get_json()["role"] == "secretary"


@pytest.mark.parametrize("body,field", [
    ({"role": "guest", "can_vote": True}, "can_vote"),
    ({"role": "delegate"}, "role"),
    ({"role": "king"}, "role"),
    ({"can_vote": "perhaps"}, "can_vote"),
])
def test_invalid_role_changes_are_422_and_change_nothing(call, scene, body, field):
    member_p = fresh(scene.meeting.id).participant_for(scene.member).id
    before = participants_of(scene.meeting.id)
    error_of(call("PATCH", f"{scene.url}/{member_p}", body), 422, "invalid_value", field)
    assert participants_of(scene.meeting.id) == before


def test_remove_a_participant(call, scene):
    guest_p = fresh(scene.meeting.id).participant_for(scene.guest).id
    assert call("DELETE", f"{scene.url}/{guest_p}").status_code == 204
    assert scene.guest.id not in participants_of(scene.meeting.id)
    error_of(call("DELETE", f"{scene.url}/{guest_p}"), 404, "participant_not_found")
    # The guest can be invited again afterwards.
    assert call("POST", scene.url, {"user_id": scene.guest.id, "role": "guest"}).status_code == 201


@pytest.mark.parametrize("status", ["draft", "published"])
def test_the_chair_can_be_removed_before_the_session_starts(call, secretariat, status):
    chair = create_user()
    meeting = create_meeting(actor=secretariat, chair=chair, status=MeetingStatus(status))
    chair_p = fresh(meeting.id).participant_for(chair).id
    assert call("DELETE", f"/api/v1/meetings/{meeting.id}/participants/{chair_p}").status_code == 204
    assert chair.id not in participants_of(meeting.id)


def test_the_chair_cannot_be_removed_or_demoted_while_live(call, scene, secretariat):
    operations.change_status(scene.meeting, MeetingStatus.PUBLISHED, actor=secretariat)
    operations.change_status(scene.meeting, MeetingStatus.LIVE, actor=secretariat)
    db.session.commit()
    chair_p = fresh(scene.meeting.id).participant_for(scene.chair).id
    before = participants_of(scene.meeting.id)
    error = error_of(call("DELETE", f"{scene.url}/{chair_p}"), 409, "chair_required")
    assert error["message"] == "Không thể bỏ chủ tọa khi phiên họp đang diễn ra."
    error_of(call("PATCH", f"{scene.url}/{chair_p}", {"role": "member"}), 409, "chair_required")
    assert participants_of(scene.meeting.id) == before
    # Other participants can still be removed while live, and the chair's vote can change.
    member_p = fresh(scene.meeting.id).participant_for(scene.member).id
    assert call("DELETE", f"{scene.url}/{member_p}").status_code == 204
    assert call("PATCH", f"{scene.url}/{chair_p}", {"role": "chair", "can_vote": False}).status_code == 200


# -- reading a session ------------------------------------------------------------------


def test_get_a_session_with_its_agenda_in_order_and_its_participants(call, scene, secretariat):
    meeting_id = scene.meeting.id
    for title in ("Hai", "Ba"):
        call("POST", f"/api/v1/meetings/{meeting_id}/agenda", {"title": title})
    ids = [i.id for i in fresh(meeting_id).agenda_items]
    call("PUT", f"/api/v1/meetings/{meeting_id}/agenda/order", {"item_ids": [ids[2], ids[0], ids[1]]})
    operations.change_status(fresh(meeting_id), MeetingStatus.PUBLISHED, actor=secretariat)
    db.session.commit()
    body = call("GET", f"/api/v1/meetings/{meeting_id}", user=scene.member).get_json()
    assert body["id"] == meeting_id and body["status"] == "published"
    assert [(i["id"], i["number"], i["title"]) for i in body["agenda"]] == [
        (ids[2], 1, "Ba"), (ids[0], 2, "Tờ trình về kế hoạch đầu tư công"), (ids[1], 3, "Hai")]
    assert {p["user_id"]: p["role"] for p in body["participants"]} == {
        scene.chair.id: "chair", scene.member.id: "member", scene.guest.id: "guest"}
    assert {p["user"]["full_name"] for p in body["participants"]} == {"Chủ Tọa", "Thành Viên", "Khách Mời"}
    assert body["my_role"] == "member"
    assert body["permissions"] == {"manage": False, "change_status": False, "chair": False}
    assert call("GET", f"/api/v1/meetings/{meeting_id}", user=scene.chair).get_json()["permissions"] == {
        "manage": False, "change_status": True, "chair": True}
    listed = call("GET", f"/api/v1/meetings/{meeting_id}/participants", user=scene.guest).get_json()
    assert {p["user_id"] for p in listed["participants"]} == {scene.chair.id, scene.member.id, scene.guest.id}
