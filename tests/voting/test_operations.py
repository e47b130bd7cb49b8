"""Ballot operations on real rows (rolled back per test): opening with quorum or an override, who may
vote, one vote each, changes, votes by hand, closing for good, ties by the frozen rules, time limits."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from ecabinet.bodies.rules import WorkingRules
from ecabinet.core.db import utcnow
from ecabinet.core.timeutil import to_local
from ecabinet.core.errors import Conflict, InvalidState, InvalidValue, NotAllowed, NotFound
from ecabinet.extensions import db
from ecabinet.live import operations as live
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus
from ecabinet.voting import jobs, operations, payloads
from ecabinet.voting.models import Ballot, BallotStatus, BallotVoter, SecretVote, Vote
from tests.factories import create_user
from tests.voting.conftest import Hall

pytestmark = pytest.mark.usefixtures("in_request")


def _ballot(hall, **options):
    ballot = operations.create_ballot(hall.meeting, actor=hall.secretariat,
                                      question="Thông qua Tờ trình kế hoạch đầu tư công năm 2027?", **options)
    db.session.commit()
    return ballot


def _open(hall, ballot, **options):
    operations.open_ballot(ballot, actor=hall.chair, **options)
    db.session.commit()
    return ballot


def _vote(ballot, user, choice, **options):
    reply = operations.cast_vote(ballot.id, user, choice, **options)
    db.session.commit()
    return reply


def test_the_rule_defaults_to_the_bodys_and_is_validated(hall):
    assert _ballot(hall).rule.value == "majority_of_members"
    with pytest.raises(InvalidValue):
        _ballot(hall, rule="by_acclamation")
    with pytest.raises(InvalidValue):
        _ballot(hall, time_limit_s=5)


def test_opening_fixes_the_voters_the_member_total_and_the_rules():
    hall = Hall(n=6, absent=1)
    stand_in = create_user()
    live.set_attendance(hall.meeting.participant_for(hall.members[-1]), "substituted", stand_in=stand_in,
                        actor=hall.secretariat)
    db.session.commit()
    ballot = _open(hall, _ballot(hall))
    voters = set(db.session.execute(select(BallotVoter.user_id).where(BallotVoter.ballot_id == ballot.id)).scalars())
    # The chair and the five present members; not the stand-in (this session does not let them vote),
    # the guest, the secretary or the secretariat.
    assert voters == {hall.chair.id, *(m.id for m in hall.members[:5])}
    assert (ballot.member_total, ballot.eligible_count, ballot.tie.value) == (7, 6, "fails")
    # Later changes leave the open ballot alone: a new member, a change of the body's rules.
    meetings.invite_participant(hall.meeting, create_user(), "member", actor=hall.secretariat)
    hall.meeting.body.tie = "chair_decides"
    db.session.commit()
    _vote(ballot, hall.chair, "yes")
    operations.close_ballot(ballot, actor=hall.chair)
    db.session.commit()
    assert (ballot.member_total, ballot.eligible_count, ballot.tie.value) == (7, 6, "fails")


def test_stand_ins_vote_when_the_session_allows_it():
    hall = Hall(n=4)
    hall.meeting.delegates_may_vote = True
    stand_in = create_user()
    live.set_attendance(hall.meeting.participant_for(hall.members[0]), "substituted", stand_in=stand_in,
                        actor=hall.secretariat)
    db.session.commit()
    ballot = _open(hall, _ballot(hall))
    row = db.session.execute(select(BallotVoter).where(BallotVoter.ballot_id == ballot.id,
                                                       BallotVoter.user_id == stand_in.id)).scalar_one()
    assert row.for_user_id == hall.members[0].id
    assert hall.members[0].id not in operations.not_voted_ids(ballot.id)
    _vote(ballot, stand_in, "yes")


# (members, absent, numerator, denominator, opens without a reason)
QUORUM = [(8, 2, 2, 3, True),     # 7 of 9 present, 6 needed
          (8, 3, 2, 3, True),     # 6 of 9: exactly two thirds
          (8, 4, 2, 3, False),    # 5 of 9
          (5, 2, 2, 3, True),     # 4 of 6: exactly two thirds
          (5, 3, 2, 3, False),    # 3 of 6
          (5, 3, 1, 2, True),     # a body that needs half: 3 of 6
          (5, 4, 1, 2, False),    # 2 of 6
          (3, 0, 1, 1, True),     # everyone
          (3, 1, 1, 1, False)]


@pytest.mark.parametrize("members,absent,numerator,denominator,opens", QUORUM)
def test_quorum_at_opening_follows_the_sessions_frozen_rules(members, absent, numerator, denominator, opens):
    hall = Hall(n=members, absent=absent)
    hall.meeting.rules = WorkingRules(quorum_numerator=numerator, quorum_denominator=denominator).as_dict()
    db.session.commit()
    ballot = _ballot(hall)
    if opens:
        _open(hall, ballot)
        assert ballot.quorum_met is True and ballot.override_reason is None
        return
    with pytest.raises(InvalidState) as refused:
        _open(hall, ballot)
    assert refused.value.code == "no_quorum"
    db.session.rollback()
    assert db.session.get(Ballot, ballot.id).status == BallotStatus.DRAFT
    _open(hall, ballot, override_reason="Theo ý kiến chỉ đạo của Chủ tịch")
    assert ballot.quorum_met is False and ballot.override_reason == "Theo ý kiến chỉ đạo của Chủ tịch"
    _vote(ballot, hall.chair, "yes")
    operations.close_ballot(ballot, actor=hall.chair)
    db.session.commit()
    assert payloads.result_event(ballot)["override_reason"] == "Theo ý kiến chỉ đạo của Chủ tịch"


def test_a_ballot_opens_only_in_a_live_session_and_only_once(hall):
    ballot = _ballot(hall)
    hall.meeting.status = MeetingStatus.PUBLISHED
    with pytest.raises(InvalidState):
        _open(hall, ballot)
    hall.meeting.status = MeetingStatus.LIVE
    _open(hall, ballot)
    with pytest.raises(InvalidState):
        _open(hall, ballot)


def test_one_ballot_open_at_a_time_per_session(hall):
    _open(hall, _ballot(hall))
    with pytest.raises(Conflict) as refused:
        _open(hall, _ballot(hall))
    assert refused.value.code == "another_ballot_open"


def test_one_vote_each_and_a_change_only_when_allowed(hall):
    ballot = _open(hall, _ballot(hall))
    assert _vote(ballot, hall.members[0], "yes") == {"ballot_id": ballot.id, "meeting_id": hall.meeting.id}
    with pytest.raises(InvalidState) as again:
        _vote(ballot, hall.members[0], "no")
    assert again.value.code == "already_voted"
    db.session.rollback()
    assert operations.my_vote(ballot, hall.members[0]) == {"choice": "yes", "by_hand": False}
    assert db.session.execute(select(Vote.choice).where(Vote.ballot_id == ballot.id)).scalars().all() == ["yes"]


def test_a_vote_may_change_while_open_when_the_ballot_allows_it(hall):
    for secret in (False, True):
        ballot = _open(hall, _ballot(hall, allow_change=True, secret=secret))
        first = _vote(ballot, hall.members[0], "yes")
        changed = _vote(ballot, hall.members[0], "no")
        assert changed["changed"] is True and changed.get("receipt") == first.get("receipt")
        assert operations.live_tally(ballot).no == 1 and operations.live_tally(ballot).yes == 0
        operations.close_ballot(ballot, actor=hall.chair)
        db.session.commit()
        with pytest.raises(InvalidState):
            _vote(ballot, hall.members[0], "yes")
        db.session.rollback()


def test_who_may_not_vote(hall):
    ballot = _open(hall, _ballot(hall))
    stranger = create_user()
    with pytest.raises(NotFound):
        _vote(ballot, stranger, "yes")
    for outsider in (hall.guest, hall.secretary):
        with pytest.raises(NotAllowed) as refused:
            _vote(ballot, outsider, "yes")
        assert refused.value.code == "not_eligible"
    with pytest.raises(InvalidValue):
        _vote(ballot, hall.members[0], "maybe")
    hall.members[1].active = False
    db.session.commit()
    with pytest.raises(NotFound):  # a deactivated account sees nothing (its sockets were closed)
        _vote(ballot, hall.members[1], "yes")


def test_a_member_who_checks_in_after_the_opening_does_not_vote_in_it():
    hall = Hall(n=5, absent=1)
    ballot = _open(hall, _ballot(hall))
    live.check_in(hall.meeting.participant_for(hall.members[-1]), actor=hall.members[-1])
    db.session.commit()
    with pytest.raises(NotAllowed):
        _vote(ballot, hall.members[-1], "yes")


def test_no_vote_before_opening_or_after_closing(hall):
    ballot = _ballot(hall)
    with pytest.raises(NotFound):  # a prepared ballot is not shown to members yet
        _vote(ballot, hall.members[0], "yes")
    _open(hall, ballot)
    operations.close_ballot(ballot, actor=hall.chair)
    db.session.commit()
    with pytest.raises(InvalidState) as late:
        _vote(ballot, hall.members[0], "yes")
    assert late.value.code == "ballot_not_open"


def test_the_secretary_records_a_vote_by_hand(hall):
    ballot = _open(hall, _ballot(hall))
    _vote(ballot, hall.members[2], "no", actor=hall.secretary)
    vote = db.session.execute(select(Vote).where(Vote.ballot_id == ballot.id)).scalar_one()
    assert (vote.user_id, vote.by_hand, vote.recorded_by_id) == (hall.members[2].id, True, hall.secretary.id)
    with pytest.raises(NotAllowed):
        _vote(ballot, hall.members[3], "no", actor=hall.members[0])
    db.session.rollback()
    with pytest.raises(InvalidValue):
        _vote(ballot, hall.guest, "no", actor=hall.secretary)
    db.session.rollback()
    operations.close_ballot(ballot, actor=hall.chair)
    db.session.commit()
    assert ballot.count_by_hand == 1 and payloads.open_votes(ballot)[0]["by_hand"] is True


def test_a_closed_ballot_is_final_and_its_counts_are_stored(hall):
    ballot = _open(hall, _ballot(hall))
    for user, choice in zip(hall.voters, ("yes", "yes", "yes", "no")):
        _vote(ballot, user, choice)
    operations.close_ballot(ballot, actor=hall.chair)
    db.session.commit()
    expected = {"yes": 3, "no": 1, "abstain": 0, "not_voted": 1}
    assert ballot.counts == expected and ballot.result.value == "passed"   # 3 of 5 members
    with pytest.raises(InvalidState):
        operations.close_ballot(ballot, actor=hall.chair)
    db.session.rollback()
    # Rows changed behind its back do not change the stored result.
    db.session.execute(delete(Vote).where(Vote.ballot_id == ballot.id))
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Ballot, ballot.id)
    assert again.counts == expected and payloads.result_event(again)["result"] == "passed"


@pytest.mark.parametrize("tie,chair_choice,passed", [("fails", "yes", False), ("chair_decides", "yes", True),
                                                     ("chair_decides", "no", False)])
def test_a_tie_follows_the_sessions_frozen_tie_rule(tie, chair_choice, passed):
    hall = Hall(n=3)   # the chair and three members: four votes, a tie at two
    hall.meeting.rules = WorkingRules(tie=tie).as_dict()
    db.session.commit()
    ballot = _open(hall, _ballot(hall))
    other = "no" if chair_choice == "yes" else "yes"
    for user, choice in zip(hall.voters, (chair_choice, chair_choice, other, other)):
        _vote(ballot, user, choice)
    operations.close_ballot(ballot, actor=hall.chair)
    db.session.commit()
    assert ballot.tied is True and (ballot.result.value == "passed") == passed
    assert ballot.decided_by_chair == (tie == "chair_decides")


def test_the_time_limit_closes_a_ballot_once(hall):
    ballot = _open(hall, _ballot(hall, time_limit_s=60))
    _vote(ballot, hall.members[0], "yes")
    assert ballot.closes_at == ballot.opened_at + timedelta(seconds=60)
    assert jobs.close_due_ballots(utcnow()) == []
    later = utcnow() + timedelta(seconds=61)
    assert jobs.close_due_ballots(later) == [ballot.id]
    assert jobs.close_due_ballots(later) == []
    db.session.expire_all()
    closed = db.session.get(Ballot, ballot.id)
    assert closed.status == BallotStatus.CLOSED and closed.closed_by_time_limit and closed.counts["yes"] == 1


def test_the_secret_receipt_is_the_voters_alone_until_closing(hall):
    ballot = _open(hall, _ballot(hall, secret=True))
    receipt = _vote(ballot, hall.members[0], "abstain")["receipt"]
    assert operations.my_vote(ballot, hall.members[0]) == {"receipt": receipt}
    assert operations.my_vote(ballot, hall.members[1]) is None
    assert operations.my_vote(ballot, hall.chair) is None
    operations.close_ballot(ballot, actor=hall.chair)
    db.session.commit()
    assert operations.my_vote(ballot, hall.members[0]) is None
    assert {"tracker": receipt, "choice": "abstain"} in payloads.trackers(ballot)
    assert db.session.execute(select(BallotVoter.sealed_receipt).where(
        BallotVoter.ballot_id == ballot.id, BallotVoter.sealed_receipt.is_not(None))).first() is None
    assert db.session.execute(select(SecretVote).where(SecretVote.ballot_id == ballot.id)).scalars().one()


def test_a_prepared_ballot_may_be_removed_an_opened_one_not(hall):
    ballot = _ballot(hall)
    operations.delete_ballot(ballot, actor=hall.secretariat)
    db.session.commit()
    opened = _open(hall, _ballot(hall))
    with pytest.raises(InvalidState):
        operations.delete_ballot(opened, actor=hall.secretariat)


def test_the_minutes_and_the_csv_take_the_stored_result(hall):
    from ecabinet.voting import export

    ballot = _open(hall, _ballot(hall, agenda_item=hall.meeting.agenda_items[0]))
    for user, choice in zip(hall.voters, ("yes", "yes", "yes", "abstain")):
        _vote(ballot, user, choice)
    _vote(ballot, hall.members[3], "no", actor=hall.secretary)
    operations.close_ballot(ballot, actor=hall.chair)
    db.session.commit()
    (record,) = payloads.minutes_records(hall.meeting)
    assert record["counts"] == {"yes": 3, "no": 1, "abstain": 1, "not_voted": 0}
    assert (record["result"], record["result_label"], record["rule"]) == ("passed", "Thông qua", "majority_of_members")
    assert record["agenda_item_title"] == hall.meeting.agenda_items[0].title and record["by_hand"] == 1
    assert {v["user_id"]: (v["choice"], v["by_hand"]) for v in record["votes"]}[hall.members[3].id] == ("no", True)
    lines = export.ballot_csv(ballot).splitlines()
    assert lines[0].startswith("ballot_id,question") and ",3,1,1,0,1,passed," in lines[1]
    # Opened and closed at, in Vietnam time, dd/mm/yyyy and a 24-hour clock (to the second).
    closed = to_local(ballot.closed_at)
    assert f",{closed:%d/%m/%Y %H:%M:%S}," in lines[1], lines[1]
    assert sum(1 for line in lines if line.endswith(",0") or line.endswith(",1")) >= 5
    summary = export.meeting_csv(hall.meeting, [ballot]).splitlines()
    assert len(summary) == 2 and summary[1] == lines[1]


def test_the_minutes_prefill_carries_the_stored_result(hall):
    """Voting registers its section of the minutes: a closed ballot's stored values, as stored."""
    from ecabinet.minutes import facts

    ballot = _open(hall, _ballot(hall, agenda_item=hall.meeting.agenda_items[0]))
    for user, choice in zip(hall.voters, ("yes", "no", "no", "abstain")):
        _vote(ballot, user, choice)
    operations.close_ballot(ballot, actor=hall.chair)
    db.session.commit()
    (section,) = facts.build(hall.meeting)["sections"]["ballots"]
    assert section["id"] == ballot.id and section["question"] == ballot.question
    assert section["counts"] == {"yes": 1, "no": 2, "abstain": 1, "not_voted": 1}
    assert section["result"] == "failed" and section["member_total"] == ballot.member_total
    assert section["closed_at"].startswith(to_local(ballot.closed_at).strftime("%Y-%m-%dT%H:%M"))


def test_ending_the_session_closes_its_open_ballot_with_the_counts_as_they_stand(hall):
    ballot = _open(hall, _ballot(hall))
    _vote(ballot, hall.voters[0], "yes")
    meetings.change_status(hall.meeting, MeetingStatus.ENDED, actor=hall.secretariat)
    db.session.commit()
    db.session.refresh(ballot)
    assert ballot.status == BallotStatus.CLOSED and ballot.closed_by_time_limit is False
    assert ballot.counts["yes"] == 1 and ballot.counts["not_voted"] == ballot.eligible_count - 1
    with pytest.raises(InvalidState):
        operations.cast_vote(ballot.id, hall.voters[1], "yes")
