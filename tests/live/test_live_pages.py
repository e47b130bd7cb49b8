"""The live pages and hooks: entry button, console access, display link, the live part of the meeting API."""
from ecabinet.meetings.models import MeetingStatus
from tests.factories import create_meeting, create_secretariat, create_user


def _room(status=MeetingStatus.LIVE):
    secretariat = create_secretariat()
    chair, member, stranger = create_user(), create_user(), create_user()
    meeting = create_meeting(status=status, actor=secretariat, chair=chair, members=[member])
    return meeting, secretariat, chair, member, stranger


def test_enter_button_leads_chair_to_console_and_member_to_tablet(login):
    meeting, _s, chair, member, _x = _room()
    page = login(chair).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/live/console" data-test="enter-room"' in page
    page = login(member).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/live" data-test="enter-room"' in page


def test_no_entry_before_publication(login):
    meeting, _s, chair, _m, _x = _room(MeetingStatus.DRAFT)
    assert 'data-test="enter-room"' not in login(chair).get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_room_pages_access(login):
    meeting, secretariat, chair, member, stranger = _room()
    assert login(member).get(f"/meetings/{meeting.id}/live").status_code == 200
    assert login(member).get(f"/meetings/{meeting.id}/live/console").status_code == 403
    assert login(chair).get(f"/meetings/{meeting.id}/live/console").status_code == 200
    assert login(secretariat).get(f"/meetings/{meeting.id}/live/console").status_code == 200
    assert login(stranger).get(f"/meetings/{meeting.id}/live").status_code == 404
    body = login(member).get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    assert "Theo dõi người trình bày" in body and 'id="live-config"' in body


def test_display_token_is_issued_by_the_secretariat(login):
    from tests.conftest import csrf_token

    meeting, secretariat, _c, member, _x = _room()
    client = login(secretariat)
    response = client.post(f"/meetings/{meeting.id}/live/display-token",
                           data={"csrf_token": csrf_token(client, f"/meetings/{meeting.id}")})
    assert response.status_code == 200 and f"/live/display/{meeting.id}#" in response.get_data(as_text=True)
    other = login(member)
    response = other.post(f"/meetings/{meeting.id}/live/display-token",
                          data={"csrf_token": csrf_token(other, f"/meetings/{meeting.id}")})
    assert response.status_code == 403


def test_meeting_api_includes_the_live_state(client, bearer):
    meeting, _s, _c, member, stranger = _room()
    body = client.get(f"/api/v1/meetings/{meeting.id}", headers=bearer(member)).get_json()
    assert body["live"]["presentation"] == {"document_id": None, "page": 1, "seq": 0,
                                            "presenter_id": body["live"]["presentation"]["presenter_id"]}
    assert body["live"]["presence"]["total_voting"] == 2
