"""Pushed at once: agenda items added, edited, removed or reordered reach the room as `agenda` with
the new `items`, from every path that changes them (they all go through meetings.operations); a
session that ends closes its floor. In-process, on the test's transaction (see test_realtime)."""
import re

import pytest

from ecabinet.extensions import db
from ecabinet.live import operations as live_operations
from ecabinet.live.models import LiveState
from ecabinet.meetings import operations
from ecabinet.meetings.models import MeetingStatus
from tests.factories import create_meeting, create_secretariat, create_user
from tests.live.conftest import received

pytestmark = pytest.mark.usefixtures("in_request")


def _ids(payload):
    return [item["id"] for item in payload["items"]]


def _opened_room(meeting):
    """A tablet joined the session once: its live state row exists (a join creates it)."""
    live_operations.get_state(meeting)
    db.session.commit()
    return db.session.get(LiveState, meeting.id).seq


def test_every_agenda_change_pushes_the_new_items_after_the_commit(session_live, sockets):
    meeting, secretariat, _chair, members = session_live
    seq = _opened_room(meeting)
    watcher = sockets(members[0], meeting.id)
    first, second = [item.id for item in meeting.agenda_items]

    added = operations.add_agenda_item(meeting, "Nội dung bổ sung", actor=secretariat, duration_minutes=15)
    assert received(watcher, "agenda") == []  # not before the commit
    db.session.commit()
    [push] = received(watcher, "agenda")
    assert _ids(push) == [first, second, added.id] and push["seq"] == seq + 1
    assert push["items"][2] == {"id": added.id, "number": 3, "title": "Nội dung bổ sung", "presenter": None,
                                "duration_minutes": 15}

    operations.update_agenda_item(added, actor=secretariat, title="Nội dung bổ sung (sửa)", duration_minutes=20)
    db.session.commit()
    [push] = received(watcher, "agenda")
    assert push["items"][2]["title"] == "Nội dung bổ sung (sửa)" and push["seq"] == seq + 2

    operations.move_agenda_item(added, -1, actor=secretariat)
    db.session.commit()
    [push] = received(watcher, "agenda")
    assert _ids(push) == [first, added.id, second] and [i["number"] for i in push["items"]] == [1, 2, 3]

    operations.reorder_agenda(meeting, [second, first, added.id], actor=secretariat)
    db.session.commit()
    [push] = received(watcher, "agenda")
    assert _ids(push) == [second, first, added.id]

    operations.remove_agenda_item(added, actor=secretariat)
    db.session.commit()
    [push] = received(watcher, "agenda")
    assert _ids(push) == [second, first] and push["seq"] == seq + 5


def test_a_rolled_back_or_refused_agenda_change_pushes_nothing(session_live, sockets):
    meeting, secretariat, _chair, members = session_live
    seq = _opened_room(meeting)
    watcher = sockets(members[0], meeting.id)
    operations.add_agenda_item(meeting, "Sẽ bị hủy", actor=secretariat)
    db.session.rollback()
    db.session.commit()
    with pytest.raises(Exception):
        operations.add_agenda_item(meeting, "   ", actor=secretariat)
    db.session.rollback()
    assert received(watcher, "agenda") == []
    assert db.session.get(LiveState, meeting.id).seq == seq


def test_several_changes_in_one_transaction_push_once_with_the_last_list(session_live, sockets):
    meeting, secretariat, _chair, members = session_live
    _opened_room(meeting)
    watcher = sockets(members[0], meeting.id)
    one = operations.add_agenda_item(meeting, "Một nữa", actor=secretariat)
    two = operations.add_agenda_item(meeting, "Hai nữa", actor=secretariat)
    db.session.commit()
    [push] = received(watcher, "agenda")
    assert _ids(push)[-2:] == [one.id, two.id]


def test_removing_the_current_item_leaves_the_session_on_no_item(session_live, sockets):
    meeting, secretariat, chair, members = session_live
    first, second = list(meeting.agenda_items)
    live_operations.set_current_item(meeting, second, actor=chair)
    db.session.commit()
    watcher = sockets(members[0], meeting.id)

    operations.remove_agenda_item(first, actor=secretariat)  # not the current one: it stays
    db.session.commit()
    [push] = received(watcher, "agenda")
    assert push["current_item_id"] == second.id and push["item_started_at"] is not None

    operations.remove_agenda_item(second, actor=secretariat)
    db.session.commit()
    [push] = received(watcher, "agenda")
    assert push["items"] == [] and push["current_item_id"] is None and push["item_started_at"] is None
    state = db.session.get(LiveState, meeting.id)
    assert state.current_item_id is None and state.item_started_at is None
    # The next item starts from the top of the new agenda.
    third = operations.add_agenda_item(meeting, "Nội dung mới", actor=secretariat)
    assert live_operations.next_item(meeting, actor=chair)["current_item_id"] == third.id


def test_a_session_nobody_can_be_in_pushes_nothing():
    secretariat = create_secretariat()
    draft = create_meeting(actor=secretariat, chair=create_user())
    operations.add_agenda_item(draft, "Nội dung", actor=secretariat)
    assert db.session.get(LiveState, draft.id) is None  # no row made for it
    published = create_meeting(status=MeetingStatus.PUBLISHED, actor=secretariat, chair=create_user())
    before = operations.add_agenda_item(published, "Trước khi ai vào phòng", actor=secretariat)
    assert before.id and db.session.get(LiveState, published.id) is None


def test_ending_the_session_closes_the_floor_and_tells_the_room(session_live, sockets, client, bearer):
    meeting, secretariat, chair, members = session_live
    watcher = sockets(members[2], meeting.id)
    live_operations.request_floor(meeting, members[0])
    live_operations.grant_floor(meeting, members[1], actor=chair)
    db.session.commit()
    received(watcher, "floor")

    response = client.post(f"/api/v1/meetings/{meeting.id}/end", headers=bearer(chair))
    assert response.status_code == 200, response.get_data(as_text=True)
    pushed = [(event["name"], event["args"][0]) for event in watcher.get_received()]
    assert sorted(pushed, key=lambda pair: pair[0]) == [
        ("floor", {"meeting_id": meeting.id, "speaking": None, "speaking_since": None, "queue": [],
                   "requested_at": {}}),
        ("meeting", {"meeting_id": meeting.id, "status": "ended"})]


@pytest.mark.parametrize("status, role, listens", [
    (MeetingStatus.DRAFT, "chair", False),         # an organiser reads a draft: no room to be in
    (MeetingStatus.PUBLISHED, "member", False),    # before the session: refetched when shown again
    (MeetingStatus.LIVE, "member", True),
    (MeetingStatus.LIVE, "secretariat", True),
    (MeetingStatus.ENDED, "member", False),
])
def test_the_reader_listens_to_the_room_only_while_live_and_allowed(status, role, listens, login):
    from tests.factories import create_document

    secretariat, chair, member = create_secretariat(), create_user(), create_user()
    before_end = MeetingStatus.LIVE if status == MeetingStatus.ENDED else status
    meeting = create_meeting(status=before_end, actor=secretariat, chair=chair, members=[member])
    document = create_document(meeting, actor=secretariat)
    if status == MeetingStatus.ENDED:  # its documents were added before it ended
        operations.change_status(meeting, status, actor=secretariat)
    db.session.commit()
    reader = {"chair": chair, "member": member, "secretariat": secretariat}[role]
    page = login(reader).get(f"/meetings/{meeting.id}/documents/{document.id}/read")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-live-room="{1 if listens else 0}"' in html
    # Always a connection (it hears a sign-out or deactivation elsewhere); the room only when it listens.
    assert "socket.io.min.js" in html
    assert f'data-status="{status.value}"' in html
    ended = re.search(r'<div class="reader-ended" data-ended role="status"( hidden)?>', html)
    assert ended and (ended.group(1) is None) == (status == MeetingStatus.ENDED)
