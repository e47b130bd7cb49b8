"""The minutes through the JSON API: saving revisions, comparing them, stale saves, comments, finalising."""
import pytest

from ecabinet.extensions import db
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus
from ecabinet.minutes.models import MinutesRevision
from tests.minutes.scene import build_session


@pytest.fixture
def session_(bearer, app):
    s = build_session()
    s.url = f"/api/v1/meetings/{s.meeting.id}/minutes"
    s.call = lambda user, method, path="", **kw: app.test_client().open(s.url + path, method=method,
                                                                         headers=bearer(user), **kw)
    return s


def _item_edit(s, n, **fields):
    return {"agenda_item_id": s.items[n].id, **fields}


def test_before_the_first_save_the_draft_is_the_prefill(session_):
    s = session_
    data = s.call(s.member if hasattr(s, "member") else s.present, "GET").get_json()
    assert data["revision"] == 0 and data["revisions"] == [] and data["status"] == "draft"
    assert data["content"]["items"][0]["speakers"][0]["full_name"] == "Lê Văn An"
    assert data["permissions"] == {"write": False, "finalise": False, "comment": False}
    assert "comments" not in data


def test_saves_make_revisions_that_are_kept_and_compared(session_):
    s = session_
    first = s.call(s.secretary, "PUT", json={"base_revision": 0, "content": {
        "items": [_item_edit(s, 0, discussion="Sở Tài chính trình bày tờ trình.")]}})
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["revision"] == 1 and first.get_json()["saved"] is True
    again = s.call(s.secretary, "PUT", json={"base_revision": 1, "content": {
        "items": [_item_edit(s, 0, discussion="Sở Tài chính trình bày tờ trình.")]}})
    assert again.get_json()["revision"] == 1 and again.get_json()["saved"] is False  # nothing new: no revision
    second = s.call(s.secretary, "PUT", json={"base_revision": 1, "content": {
        "items": [_item_edit(s, 0, discussion="Sở Tài chính trình bày tờ trình năm 2027.", conclusion="Thông qua.")],
        "attendance": [{"user_id": s.absent.id, "state": "absent_excused", "reason": "Ốm"}]}})
    data = second.get_json()
    assert data["revision"] == 2 and [r["number"] for r in data["revisions"]] == [1, 2]
    assert data["revisions"][1]["author"]["full_name"] == "Nguyễn Thị Thư"

    old = s.call(s.present, "GET", "/revisions/1").get_json()
    assert old["content"]["items"][0]["discussion"] == "Sở Tài chính trình bày tờ trình."
    changes = s.call(s.present, "GET", "/compare?a=1&b=2").get_json()["changes"]
    by_path = {c["path"]: c for c in changes}
    item = s.items[0].id
    assert by_path[f"items.{item}.discussion"] == {
        "path": f"items.{item}.discussion", "change": "changed",
        "before": "Sở Tài chính trình bày tờ trình.", "after": "Sở Tài chính trình bày tờ trình năm 2027."}
    assert by_path[f"items.{item}.conclusion"]["after"] == "Thông qua."
    assert by_path[f"attendance.{s.absent.id}.state"]["before"] == "absent"
    assert by_path[f"attendance.{s.absent.id}.reason"] == {
        "path": f"attendance.{s.absent.id}.reason", "change": "added", "before": None, "after": "Ốm"}
    assert len(changes) == 4
    assert s.call(s.present, "GET", "/compare?a=1&b=9").status_code == 404
    assert s.call(s.present, "GET", "/compare?a=x&b=2").status_code == 422
    assert s.call(s.present, "GET", "/revisions/7").get_json()["error"]["code"] == "revision_not_found"


def test_a_stale_save_answers_409_with_the_current_revision_and_saves_nothing(session_):
    s = session_
    s.call(s.secretary, "PUT", json={"base_revision": 0, "content": {"items": [_item_edit(s, 0, discussion="Bản của thư ký.")]}})
    stale = s.call(s.office, "PUT", json={"base_revision": 0, "content": {
        "items": [_item_edit(s, 0, discussion="Bản của Văn phòng, soạn song song.")]}})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "stale_revision" and error["message"]
    assert error["details"]["current"]["number"] == 1
    assert error["details"]["current"]["content"]["items"][0]["discussion"] == "Bản của thư ký."
    assert db.session.query(MinutesRevision).count() == 1
    # The client saves on top of the current revision once the writer has seen it: both are kept.
    resolved = s.call(s.office, "PUT", json={"base_revision": 1, "content": {
        "items": [_item_edit(s, 0, discussion="Bản của Văn phòng, soạn song song.")]}})
    assert resolved.get_json()["revision"] == 2
    assert s.call(s.present, "GET", "/revisions/1").get_json()["content"]["items"][0]["discussion"] == "Bản của thư ký."


def test_finalising_freezes_the_content(session_):
    s = session_
    assert s.call(s.secretary, "POST", "/finalise").get_json()["error"]["code"] == "minutes_empty"
    s.call(s.secretary, "PUT", json={"base_revision": 0, "content": {"summary": "Biên bản phiên họp tháng 11"}})
    assert s.call(s.secretary, "POST", "/finalise", json={"base_revision": 0}).status_code == 409
    done = s.call(s.secretary, "POST", "/finalise", json={"base_revision": 1})
    assert done.status_code == 200 and done.get_json()["status"] == "final"
    assert done.get_json()["finalised_by"]["full_name"] == "Nguyễn Thị Thư"
    assert done.get_json()["permissions"]["write"] is False
    later = s.call(s.secretary, "PUT", json={"base_revision": 1, "content": {"summary": "Sửa sau khi chốt"}})
    assert later.status_code == 409 and later.get_json()["error"]["code"] == "minutes_final"
    assert s.call(s.secretary, "POST", "/finalise").get_json()["error"]["code"] == "minutes_final"
    assert s.call(s.chair, "POST", "/comments", json={"text": "Muộn rồi"}).status_code == 409
    assert s.call(s.present, "GET").get_json()["content"]["summary"] == "Biên bản phiên họp tháng 11"


def test_finalising_waits_for_the_end_of_the_session(app, bearer):
    s = build_session(end=False)
    url = f"/api/v1/meetings/{s.meeting.id}/minutes"
    client = app.test_client()
    assert client.put(url, json={"base_revision": 0, "content": {}}, headers=bearer(s.secretary)).status_code == 200
    refused = client.post(url + "/finalise", headers=bearer(s.secretary))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "meeting_not_ended"
    meetings.change_status(s.meeting, MeetingStatus.ENDED, actor=s.office)
    db.session.commit()
    assert client.post(url + "/finalise", headers=bearer(s.secretary)).status_code == 200


def test_the_chair_comments_and_the_secretary_sees_it(session_):
    s = session_
    assert s.call(s.chair, "POST", "/comments", json={"text": "Chưa có gì"}).get_json()["error"]["code"] == "minutes_empty"
    s.call(s.secretary, "PUT", json={"base_revision": 0, "content": {"summary": "Biên bản"}})
    made = s.call(s.chair, "POST", "/comments", json={"text": "Bổ sung ý kiến của Sở Tài chính ở nội dung 1."})
    assert made.status_code == 201
    assert made.get_json()["revision"] == 1 and made.get_json()["author"]["full_name"] == "Trần Quốc Chủ"
    assert s.call(s.chair, "POST", "/comments", json={"text": "  "}).status_code == 422
    assert s.call(s.chair, "POST", "/comments", json={"text": "x", "revision": 5}).status_code == 404
    seen = s.call(s.secretary, "GET").get_json()
    assert [c["text"] for c in seen["comments"]] == ["Bổ sung ý kiến của Sở Tài chính ở nội dung 1."]
    assert "comments" not in s.call(s.present, "GET").get_json()


@pytest.mark.parametrize("body,code", [
    ({"base_revision": 0}, 422),
    ({"base_revision": 0, "content": []}, 422),
    ({"base_revision": "1", "content": {}}, 422),
    ({"base_revision": -1, "content": {}}, 422),
    ({"base_revision": 0, "content": {"items": {"a": 1}}}, 422),
    ({"base_revision": 0, "content": {"items": [{"discussion": "no id"}]}}, 422),
    ({"base_revision": 0, "content": {"items": [{"agenda_item_id": 1, "discussion": 5}]}}, 422),
    ({"base_revision": 0, "content": {"attendance": [{"user_id": 1, "state": "asleep"}]}}, 422),
    ({"base_revision": 0, "content": {"summary": "x" * 501}}, 422),
])
def test_bad_input_is_refused_clearly_and_saves_nothing(session_, body, code):
    s = session_
    response = s.call(s.secretary, "PUT", json=body)
    assert response.status_code == code, response.get_json()
    assert response.get_json()["error"]["code"]
    assert db.session.query(MinutesRevision).count() == 0


def test_not_json_is_a_400(session_):
    s = session_
    response = s.call(s.secretary, "PUT", data="not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_json"


def test_the_writer_is_told_when_the_session_recorded_new_facts_since_the_last_save(app, bearer):
    from ecabinet.live import operations as live

    s = build_session(end=False)
    url = f"/api/v1/meetings/{s.meeting.id}/minutes"
    client = app.test_client()
    saved = client.put(url, json={"base_revision": 0, "content": {}}, headers=bearer(s.secretary)).get_json()
    assert saved["facts_changed"] is False
    live.grant_floor(s.meeting, s.online, actor=s.chair)  # on the second item, still current
    db.session.commit()
    assert client.get(url, headers=bearer(s.secretary)).get_json()["facts_changed"] is True
    again = client.put(url, json={"base_revision": 1, "content": {}}, headers=bearer(s.secretary)).get_json()
    assert again["revision"] == 2 and again["facts_changed"] is False
    assert [p["full_name"] for p in again["content"]["items"][1]["speakers"]] == ["Bùi Văn Giang", "Phạm Thị Bình"]
