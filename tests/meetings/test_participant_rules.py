"""One chair per session, stand-ins that always represent a member, unpublishing."""
from ecabinet.meetings.models import MeetingStatus, Role
from tests.factories import create_meeting, create_secretariat, create_user


def _invite(client, headers, meeting, user, role, **extra):
    return client.post(f"/api/v1/meetings/{meeting.id}/participants",
                       json={"user_id": user.id, "role": role, **extra}, headers=headers)


def test_a_session_has_one_chair(client, bearer):
    secretariat = create_secretariat()
    chair, other = create_user(full_name="Nguyễn Văn Hùng"), create_user()
    meeting = create_meeting(actor=secretariat, chair=chair)
    headers = {**bearer(secretariat), "Accept-Language": "en"}
    response = _invite(client, headers, meeting, other, "chair")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "chair_taken"
    assert "Nguyễn Văn Hùng" in response.get_json()["error"]["message"]
    assert [p.user_id for p in meeting.participants if p.role == Role.CHAIR] == [chair.id]

    member = _invite(client, headers, meeting, other, "member").get_json()
    promote = client.patch(f"/api/v1/meetings/{meeting.id}/participants/{member['id']}", json={"role": "chair"},
                           headers=headers)
    assert promote.status_code == 409
    chair_row = next(p for p in meeting.participants if p.user_id == chair.id)
    assert client.patch(f"/api/v1/meetings/{meeting.id}/participants/{chair_row.id}", json={"role": "member"},
                        headers=headers).status_code == 200
    assert client.patch(f"/api/v1/meetings/{meeting.id}/participants/{member['id']}", json={"role": "chair"},
                        headers=headers).status_code == 200


def test_a_represented_member_stays_until_the_stand_in_goes(client, bearer):
    secretariat = create_secretariat()
    member, stand_in = create_user(full_name="Hoàng Thị Lan"), create_user(full_name="Cao Thị Bích Ngọc")
    meeting = create_meeting(actor=secretariat, members=[member])
    headers = {**bearer(secretariat), "Accept-Language": "en"}
    stand_in_row = _invite(client, headers, meeting, stand_in, "delegate", delegate_for_id=member.id).get_json()
    member_row = next(p for p in meeting.participants if p.user_id == member.id)

    removed = client.delete(f"/api/v1/meetings/{meeting.id}/participants/{member_row.id}", headers=headers)
    assert removed.status_code == 409 and removed.get_json()["error"]["code"] == "has_stand_in"
    demoted = client.patch(f"/api/v1/meetings/{meeting.id}/participants/{member_row.id}", json={"role": "guest"},
                           headers=headers)
    assert demoted.status_code == 409 and "Cao Thị Bích Ngọc" in demoted.get_json()["error"]["message"]
    assert member_row.role == Role.MEMBER

    assert client.delete(f"/api/v1/meetings/{meeting.id}/participants/{stand_in_row['id']}",
                         headers=headers).status_code == 204
    assert client.delete(f"/api/v1/meetings/{meeting.id}/participants/{member_row.id}",
                         headers=headers).status_code == 204


def test_unpublishing_clears_the_publication_time(client, bearer):
    secretariat = create_secretariat()
    meeting = create_meeting(actor=secretariat, status=MeetingStatus.PUBLISHED)
    assert meeting.published_at is not None
    response = client.post(f"/api/v1/meetings/{meeting.id}/unpublish", headers=bearer(secretariat))
    assert response.status_code == 200
    assert response.get_json()["status"] == "draft" and response.get_json()["published_at"] is None
