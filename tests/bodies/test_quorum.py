"""Quorum follows each body's working rules: the same attendance meets one body's quorum and misses
another's; a rule changed while a session is live does not change that session's quorum."""
from datetime import timedelta

from ecabinet.bodies import operations as bodies
from ecabinet.bodies.models import BodyKind
from ecabinet.bodies.rules import WorkingRules
from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.live import operations as live
from ecabinet.live import state
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus, Role
from tests.factories import create_user


def _live_session(body, office, people, present):
    """A live session of `body` with `people` (the first chairs), `present` of them checked in."""
    meeting = meetings.create_meeting("Phiên họp", utcnow() + timedelta(hours=1), actor=office, body=body)
    meetings.add_agenda_item(meeting, "Tờ trình", actor=office)
    for n, person in enumerate(people):
        meetings.invite_participant(meeting, person, Role.CHAIR if n == 0 else Role.MEMBER, actor=office)
    meetings.change_status(meeting, MeetingStatus.PUBLISHED, actor=office)
    meetings.change_status(meeting, MeetingStatus.LIVE, actor=office)
    for person in people[:present]:
        live.check_in(meeting.participant_for(person), actor=person)
    db.session.commit()
    return meeting


def test_the_same_attendance_meets_one_bodys_quorum_and_not_anothers(app):
    office = create_user()
    people = [create_user() for _ in range(6)]
    half = bodies.create_body("Ban Chỉ đạo chuyển đổi số", kind=BodyKind.OTHER)
    bodies.update_rules(half, WorkingRules(quorum_numerator=1, quorum_denominator=2), actor=None)
    province = bodies.create_body("Ủy ban nhân dân tỉnh Lai Châu")  # the default: two thirds
    for body in (half, province):
        bodies.set_roster_place(body, office, role="secretariat")
    db.session.commit()
    board = _live_session(half, office, people, present=3)
    committee = _live_session(province, office, people, present=3)
    assert state.presence_json(board)["quorum_met"] is True          # 3 of 6 reach one half
    province_presence = state.presence_json(committee)
    assert province_presence["quorum_met"] is False                   # 3 of 6 miss two thirds (4)
    assert province_presence["quorum_required"] == 4


def test_a_rule_changed_mid_session_leaves_the_live_session_alone(app):
    office = create_user()
    people = [create_user() for _ in range(6)]
    province = bodies.create_body("Ủy ban nhân dân tỉnh Lai Châu")
    bodies.set_roster_place(province, office, role="secretariat")
    db.session.commit()
    running = _live_session(province, office, people, present=3)
    assert state.presence_json(running)["quorum_met"] is False
    bodies.update_rules(province, WorkingRules(quorum_numerator=1, quorum_denominator=2), actor=None)
    db.session.commit()
    db.session.expire_all()
    assert state.presence_json(running)["quorum_met"] is False        # still two thirds, as when it started
    later = _live_session(province, office, people, present=3)
    assert state.presence_json(later)["quorum_met"] is True           # a session started afterwards: one half
