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
from ecabinet.meetings.models import Attendance, MeetingStatus, Role
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


def _presence(app, bearer, user, meeting):
    """The `presence` of the live session as a tablet reads it (GET /api/v1/meetings/<id>)."""
    from tests.sweep import api_request

    response = api_request(app, user, "GET", f"/api/v1/meetings/{meeting.id}", bearer=bearer)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["live"]["presence"]


def _stand_in_for(meeting, office, member, stand_in):
    participant = meeting.participant_for(member)
    live.set_attendance(participant, Attendance.SUBSTITUTED, actor=office, stand_in=stand_in)
    db.session.commit()


def test_only_the_sessions_chair_and_voting_members_make_the_quorum_total(app, bearer):
    """Roster members left out of the session, its secretary, guests, stand-ins and a member without
    a vote in this session neither count as present nor raise the total."""
    office = create_user()
    province = bodies.create_body("Ủy ban nhân dân tỉnh Lai Châu")
    bodies.set_roster_place(province, office, role="secretariat")
    people = [create_user() for _ in range(6)]
    for n, person in enumerate(people + [create_user() for _ in range(3)]):  # three on the roster, not invited
        bodies.set_roster_place(province, person, role="chair" if n == 0 else "member")
    db.session.commit()
    meeting = _live_session(province, office, people, present=4)
    secretary, guest, stand_in = create_user(), create_user(), create_user()
    meetings.invite_participant(meeting, secretary, Role.SECRETARY, actor=office)
    meetings.invite_participant(meeting, guest, Role.GUEST, actor=office)
    meetings.update_participant(meeting.participant_for(people[5]), role=Role.MEMBER, can_vote=False, actor=office)
    for person in (secretary, guest):
        live.check_in(meeting.participant_for(person), actor=person)
    db.session.commit()
    _stand_in_for(meeting, office, people[4], stand_in)
    presence = _presence(app, bearer, people[0], meeting)
    # Five voting members (the sixth has no vote here, the three left out are not in the session);
    # the four checked in are present, the stand-in does not count (the default rule).
    assert (presence["present_voting"], presence["total_voting"], presence["quorum_required"]) == (4, 5, 4)
    assert presence["quorum_met"] is True
    assert {secretary.id, guest.id, stand_in.id} <= set(presence["present"])


def test_a_stand_in_makes_one_bodys_quorum_and_not_anothers(app, bearer):
    """The same attendance, three of six present and a fourth member represented by a present
    stand-in: quorum in the body whose rules count stand-ins, none in the body whose rules do not."""
    office = create_user()
    people = [create_user() for _ in range(6)]
    stand_in = create_user()
    counting = bodies.create_body("Ủy ban nhân dân xã Tân Uyên", kind=BodyKind.COMMUNE)
    bodies.update_rules(counting, WorkingRules(stand_ins_count=True), actor=None)
    strict = bodies.create_body("Ủy ban nhân dân xã Mường Khoa", kind=BodyKind.COMMUNE)
    for body in (counting, strict):
        bodies.set_roster_place(body, office, role="secretariat")
    db.session.commit()
    outcomes = {}
    for body in (counting, strict):
        meeting = _live_session(body, office, people, present=3)
        _stand_in_for(meeting, office, people[3], stand_in)
        outcomes[body.name] = _presence(app, bearer, people[0], meeting)
    assert outcomes["Ủy ban nhân dân xã Tân Uyên"]["present_voting"] == 4
    assert outcomes["Ủy ban nhân dân xã Tân Uyên"]["quorum_met"] is True     # 4 of 6 reach two thirds
    assert outcomes["Ủy ban nhân dân xã Mường Khoa"]["present_voting"] == 3
    assert outcomes["Ủy ban nhân dân xã Mường Khoa"]["quorum_met"] is False  # 3 of 6 do not


def test_counting_stand_ins_switched_on_mid_session_leaves_the_live_session_alone(app, bearer):
    office = create_user()
    people = [create_user() for _ in range(6)]
    commune = bodies.create_body("Ủy ban nhân dân xã Tân Uyên", kind=BodyKind.COMMUNE)
    bodies.set_roster_place(commune, office, role="secretariat")
    db.session.commit()
    running = _live_session(commune, office, people, present=3)
    _stand_in_for(running, office, people[3], create_user())
    assert _presence(app, bearer, people[0], running)["quorum_met"] is False
    bodies.update_rules(commune, WorkingRules(stand_ins_count=True, quorum_numerator=1, quorum_denominator=2),
                        actor=None)
    db.session.commit()
    db.session.expire_all()
    after = _presence(app, bearer, people[0], running)
    assert (after["present_voting"], after["quorum_required"], after["quorum_met"]) == (3, 4, False)
