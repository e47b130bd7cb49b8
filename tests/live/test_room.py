"""The room's shared state (live.room): built once per room version, never served stale."""
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ecabinet.documents.models import Classification, Document
from ecabinet.extensions import db
from ecabinet.live import operations, state
from ecabinet.live.models import LiveState
from ecabinet.live.room import room_of
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import AgendaItem, MeetingStatus, Participant, Role
from tests.factories import create_document, create_meeting, create_secretariat, create_user, replace_document


pytestmark = pytest.mark.usefixtures("in_request")


@pytest.fixture
def session_live(session_live):
    """The session with its live state row stored (the room's shared part is kept only then)."""
    operations.get_state(session_live[0])
    db.session.commit()
    return session_live


def _room_version(meeting):
    db.session.flush()
    return db.session.execute(select(LiveState.room_version).where(LiveState.meeting_id == meeting.id)).scalar()


def _first_document(meeting):
    return db.session.scalars(select(Document).where(Document.meeting_id == meeting.id)).first()


def test_every_change_of_what_tablets_share_moves_the_room_version(session_live):
    meeting, secretariat, chair, members = session_live
    guest = create_user()
    changes = {
        "check-in": lambda: operations.check_in(meeting.participant_for(members[0]), actor=members[0]),
        "attendance": lambda: operations.set_attendance(meeting.participant_for(members[1]), "absent_excused",
                                                        note="Ốm", actor=secretariat),
        "invitation": lambda: meetings.invite_participant(meeting, guest, Role.GUEST, actor=secretariat),
        "agenda item added": lambda: meetings.add_agenda_item(meeting, "Ba", actor=secretariat),
        "agenda item edited": lambda: meetings.update_agenda_item(meeting.agenda_items[0], actor=secretariat,
                                                                  title="Một (sửa)"),
        "floor request": lambda: operations.request_floor(meeting, members[2]),
        "floor granted": lambda: operations.grant_floor(meeting, members[2], actor=chair),
        "session renamed": lambda: setattr(meeting, "title", "Phiên họp đổi tên"),
        "document added": lambda: create_document(meeting, actor=secretariat, pages=12),
        "document replaced": lambda: replace_document(_first_document(meeting), actor=secretariat, pages=30),
        "document made confidential": lambda: setattr(_first_document(meeting), "classification",
                                                      Classification.CONFIDENTIAL),
        "document deleted": lambda: db.session.delete(_first_document(meeting)),
    }
    for name, change in changes.items():
        before = _room_version(meeting)
        change()
        assert _room_version(meeting) > before, name


def test_joining_and_presenting_leave_the_room_version_alone(session_live):
    meeting, _secretariat, chair, members = session_live
    before = _room_version(meeting)
    operations.join_connection("sid-a", meeting, members[0], "test")
    operations.join_connection("sid-a", meeting, members[0], "test")  # a re-join of the same socket
    operations.navigate(meeting, None, 3, actor=chair)
    operations.set_current_item(meeting, meeting.agenda_items[1], actor=chair)
    assert _room_version(meeting) == before


def test_joins_share_one_build_until_a_change_is_committed(session_live):
    meeting, _secretariat, _chair, members = session_live
    first = room_of(meeting, operations.get_state(meeting))
    assert room_of(meeting, operations.get_state(meeting)) is first
    operations.check_in(meeting.participant_for(members[0]), actor=members[0])
    # Inside the changing transaction: read fresh, and not kept (others do not see it yet).
    during = room_of(meeting, operations.get_state(meeting))
    assert during is not first and members[0].id in during.presence["present"]
    db.session.commit()
    after = room_of(meeting, operations.get_state(meeting))
    assert after is not first and after is not during and members[0].id in after.presence["present"]
    assert room_of(meeting, operations.get_state(meeting)) is after


def test_a_rolled_back_change_is_not_served(session_live):
    meeting, _secretariat, _chair, members = session_live
    room_of(meeting, operations.get_state(meeting))
    operations.check_in(meeting.participant_for(members[0]), actor=members[0])
    assert members[0].id in state.presence_json(meeting)["present"]
    db.session.rollback()
    assert members[0].id not in state.presence_json(meeting)["present"]
    assert members[0].id not in state.snapshot(meeting, members[1])["presence"]["present"]


def test_a_change_committed_by_another_process_reaches_the_next_join(app, session_live):
    """Another process changes the rows (here: a second application on the same database, with its own
    cache); this one sees the new version on its next read and rebuilds."""
    from ecabinet import create_app

    meeting, secretariat, _chair, members = session_live
    before = state.snapshot(meeting, members[0])
    other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "TESTING": True,
                        "SECRET_KEY": "other"})
    # The other application writes through this test's connection (rolled back at the end).
    connection = db.session.connection()
    with other.test_request_context(), Session(bind=connection, join_transaction_mode="create_savepoint") \
            as other_session:
        participant = other_session.scalars(select(Participant).where(
            Participant.meeting_id == meeting.id, Participant.user_id == members[1].id)).one()
        participant.attendance = "present"
        other_session.add(AgendaItem(meeting_id=meeting.id, title="Nội dung bổ sung", position=2))
        other_session.commit()
    db.session.expire_all()
    after = state.snapshot(meeting, members[0])
    assert members[1].id not in before["presence"]["present"]
    assert members[1].id in after["presence"]["present"]
    assert [i["title"] for i in after["agenda"]["items"]][-1] == "Nội dung bổ sung"


def test_each_caller_sees_only_the_documents_they_may_read(session_live):
    meeting, secretariat, chair, members = session_live
    guest = create_user()
    meetings.invite_participant(meeting, guest, Role.GUEST, actor=secretariat)
    open_doc = create_document(meeting, actor=secretariat, title="Báo cáo", pages=12)
    secret = create_document(meeting, actor=secretariat, title="Mật", pages=12, classification="confidential")
    seen_by_member = {d["id"] for d in state.snapshot(meeting, members[0])["documents"]}
    seen_by_guest = {d["id"] for d in state.snapshot(meeting, guest)["documents"]}
    assert seen_by_member == {open_doc.id, secret.id}
    assert seen_by_guest == {open_doc.id}
    listed = state.snapshot(meeting, members[0])["documents"]
    assert {d["page_count"] for d in listed} == {12} and all(d["url"] for d in listed)


def test_nothing_is_kept_from_a_transaction_that_created_the_live_state_and_rolled_back():
    """A session's first join creates its live state row (version 0). Rolled back, the row is gone,
    and changes made meanwhile bump nothing: the next first join must not get the old build."""
    secretariat, chair, member, other = create_secretariat(), create_user(), create_user(), create_user()
    meeting = create_meeting(status=MeetingStatus.LIVE, actor=secretariat, chair=chair, members=[member, other])
    db.session.commit()
    operations.get_state(meeting)  # what the first join does before it reads the snapshot
    assert members_present(state.snapshot(meeting, other)) == set()  # builds
    db.session.rollback()
    operations.check_in(meeting.participant_for(member), actor=member)  # no state row: no counter moves
    db.session.commit()
    assert members_present(state.snapshot(meeting, other)) == {member.id}


def members_present(snapshot):
    return set(snapshot["presence"]["present"])
