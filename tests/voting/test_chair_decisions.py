"""What the chair alone decides in a ballot, and how votes are listed.

- Ties: under the body's "the chair decides" rule an open ballot goes the way the chair voted; a
  secret ballot's chair vote cannot be read, so the chair declares the deciding choice when closing
  it (409 casting_choice_required without one, the ballot still open). Closed by the time limit or
  by the end of the session nobody is asked: the tie does not pass and the result says why.
- Opening and closing are the session's chair's, not the secretary's who runs the console with them.
- Who voted what (an open ballot) and who has not voted are in protocol order, then Vietnamese names.
"""
from datetime import timedelta

import pytest
from sqlalchemy import select

from ecabinet.bodies import operations as bodies
from ecabinet.bodies.rules import WorkingRules
from ecabinet.core.db import utcnow
from ecabinet.core.errors import InvalidState, InvalidValue
from ecabinet.extensions import db
from ecabinet.live import operations as live
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus
from ecabinet.voting import access, jobs, operations, payloads
from ecabinet.voting.models import Ballot, BallotStatus, SecretVote
from tests.factories import create_meeting, create_secretariat, create_user
from tests.voting.conftest import Hall

pytestmark = pytest.mark.usefixtures("in_request")


def _hall(tie):
    hall = Hall(n=3)   # the chair and three members: four votes, a tie at two
    hall.meeting.rules = WorkingRules(tie=tie).as_dict()
    db.session.commit()
    return hall


def _tied_ballot(hall, *, secret=True, choices=("yes", "yes", "no", "no"), **options):
    ballot = operations.create_ballot(hall.meeting, actor=hall.secretariat, question="Thông qua dự thảo?",
                                      secret=secret, **options)
    operations.open_ballot(ballot, actor=hall.chair)
    db.session.commit()
    for user, choice in zip(hall.voters, choices):
        if choice is not None:   # None: this voter does not vote
            operations.cast_vote(ballot.id, user, choice)
            db.session.commit()
    return ballot


def _stored(ballot_id):
    db.session.expire_all()
    return db.session.get(Ballot, ballot_id)


# (tie rule, secret, votes of the chair and the three members, how it is closed, casting choice,
#  outcome: result, decided_by_chair, stored casting_choice, tie_outcome)
CASES = [
    ("chair_decides", True, ("yes", "yes", "no", "no"), "chair", "yes", ("passed", True, "yes", "chair_declared")),
    ("chair_decides", True, ("yes", "yes", "no", "no"), "chair", "no", ("failed", True, "no", "chair_declared")),
    ("chair_decides", True, ("no", "yes", "yes", "no"), "time_limit", None, ("failed", False, None, "no_chair_choice")),
    ("chair_decides", True, ("no", "yes", "yes", "no"), "session_end", None, ("failed", False, None, "no_chair_choice")),
    # Not tied: a deciding choice given anyway is not used, nor stored.
    ("chair_decides", True, ("yes", "yes", "yes", "no"), "chair", "no", ("passed", False, None, None)),
    # A tie the body's rule fails: the chair is not asked, a choice given is not used.
    ("fails", True, ("yes", "yes", "no", "no"), "chair", "yes", ("failed", False, None, "fails")),
    ("fails", True, ("yes", "yes", "no", "no"), "chair", None, ("failed", False, None, "fails")),
    # Open ballots: the chair's own vote decides; a declared choice does not replace it.
    ("chair_decides", False, ("yes", "yes", "no", "no"), "chair", "no", ("passed", True, None, "chair_vote")),
    ("chair_decides", False, ("no", "yes", "yes", "no"), "chair", None, ("failed", True, None, "chair_vote")),
    ("chair_decides", False, (None, "yes", "yes", "no"), "chair", None, ("failed", False, None, "no_chair_choice")),
]


@pytest.mark.parametrize("tie,secret,votes,closed_by,casting,outcome", CASES)
def test_how_a_tie_is_settled(tie, secret, votes, closed_by, casting, outcome):
    hall = _hall(tie)
    ballot = _tied_ballot(hall, secret=secret, choices=votes, time_limit_s=60 if closed_by == "time_limit" else None)
    if closed_by == "chair":
        operations.close_ballot(ballot, actor=hall.chair, casting_choice=casting)
        db.session.commit()
    elif closed_by == "time_limit":
        assert jobs.close_due_ballots(utcnow() + timedelta(seconds=61)) == [ballot.id]
    else:
        meetings.change_status(hall.meeting, MeetingStatus.ENDED, actor=hall.secretariat)
        db.session.commit()
    stored = _stored(ballot.id)
    result, by_chair, stored_casting, tie_outcome = outcome
    assert stored.status == BallotStatus.CLOSED and stored.result.value == result
    assert stored.decided_by_chair is by_chair
    assert (stored.casting_choice.value if stored.casting_choice else None) == stored_casting
    assert payloads.tie_outcome(stored) == tie_outcome
    event = payloads.result_event(stored)
    assert (event["tie_outcome"], event["casting_choice"]) == (tie_outcome, stored_casting)
    record = payloads.minutes_record(stored)
    assert (record["tie_outcome"], record["casting_choice"], record["decided_by_chair"]) == (
        tie_outcome, stored_casting, by_chair)


def test_a_tied_secret_ballot_stays_open_until_the_chair_gives_the_deciding_choice():
    hall = _hall("chair_decides")
    ballot = _tied_ballot(hall)
    with pytest.raises(InvalidState) as asked:
        operations.close_ballot(ballot, actor=hall.chair)
    assert asked.value.code == "casting_choice_required"
    assert asked.value.details["counts"] == {"yes": 2, "no": 2, "abstain": 0, "not_voted": 0}
    db.session.rollback()
    stored = _stored(ballot.id)
    assert stored.status == BallotStatus.OPEN and stored.result is None
    assert db.session.scalar(select(db.func.count()).select_from(SecretVote)
                             .where(SecretVote.ballot_id == ballot.id)) == 4
    # Only yes or no decides a tie.
    with pytest.raises(InvalidValue):
        operations.close_ballot(stored, actor=hall.chair, casting_choice="abstain")
    db.session.rollback()
    operations.close_ballot(_stored(ballot.id), actor=hall.chair, casting_choice="yes")
    db.session.commit()
    assert _stored(ballot.id).result.value == "passed"


def test_the_api_asks_the_chair_for_the_deciding_choice_and_refuses_the_secretary(app, bearer):
    hall = _hall("chair_decides")
    ballot = _tied_ballot(hall)
    client = app.test_client()
    url = f"/api/v1/ballots/{ballot.id}/close"
    refused = client.post(url, headers=bearer(hall.secretary))
    assert refused.status_code == 403
    asked = client.post(url, headers=bearer(hall.chair))
    error = asked.get_json()["error"]
    assert asked.status_code == 409 and error["code"] == "casting_choice_required"
    assert error["details"]["counts"]["yes"] == error["details"]["counts"]["no"] == 2
    assert client.get(f"/api/v1/ballots/{ballot.id}", headers=bearer(hall.chair)).get_json()["status"] == "open"
    for wrong in ("abstain", 1, ["yes"]):
        bad = client.post(url, json={"casting_choice": wrong}, headers=bearer(hall.chair))
        assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_choice"
    closed = client.post(url, json={"casting_choice": "no"}, headers=bearer(hall.chair)).get_json()
    assert (closed["status"], closed["result"], closed["tie_outcome"], closed["casting_choice"]) == (
        "closed", "failed", "chair_declared", "no")
    assert closed["decided_by_chair"] is True


def test_only_the_sessions_chair_opens_and_closes_ballots(app, bearer):
    hall = Hall(n=4)
    ballot = operations.create_ballot(hall.meeting, actor=hall.secretary, question="Thông qua?")
    db.session.commit()
    client = app.test_client()
    for user in (hall.secretary, hall.secretariat, hall.members[0]):
        assert not access.can_run_ballot(user, ballot)
        # A member does not see a prepared ballot (404); the organisers see it but may not open it.
        refused = client.post(f"/api/v1/ballots/{ballot.id}/open", headers=bearer(user)).status_code
        assert refused == (404 if user is hall.members[0] else 403)
    assert access.can_run_ballot(hall.chair, ballot)
    assert client.post(f"/api/v1/ballots/{ballot.id}/open", headers=bearer(hall.chair)).status_code == 200
    for user in (hall.secretary, hall.secretariat):
        assert client.post(f"/api/v1/ballots/{ballot.id}/close", headers=bearer(user)).status_code == 403
    assert _stored(ballot.id).status == BallotStatus.OPEN
    # The secretary still prepares, records votes by hand and watches the count.
    assert access.can_prepare_ballots(hall.secretary, hall.meeting)
    assert access.can_record_by_hand(hall.secretary, ballot) and not access.can_record_by_hand(hall.chair, ballot)
    assert access.can_see_counts_in(hall.secretary, hall.meeting)
    # A chair whose account is deactivated no longer runs it.
    hall.chair.active = False
    db.session.commit()
    assert not access.can_run_ballot(hall.chair, ballot)


def test_votes_and_who_has_not_voted_are_listed_in_protocol_order(app, bearer):
    """The chair, then the body's roster by rank (vice-chairs before members), then Vietnamese name
    order within a rank (given name first: "An" < "Ánh" < "Bình"; "Đ" after "D"), not the raw name."""
    secretariat = create_secretariat(full_name="Trần Thị Văn Phòng")
    chair = create_user(full_name="Vũ Văn Chủ")
    vice = create_user(full_name="Bùi Thị Yến")
    members = [create_user(full_name=name) for name in
               ("Đỗ Văn Bình", "Nguyễn Thị Ánh", "Lê Văn An", "Dương Thị Bình", "Trần Văn Cường")]
    meeting = create_meeting(status=MeetingStatus.PUBLISHED, actor=secretariat, chair=chair, members=[vice, *members])
    body = meeting.body
    bodies.set_roster_place(body, chair, role="chair", rank=10)
    bodies.set_roster_place(body, vice, role="member", position="Phó Chủ tịch", rank=20)
    for member in members:
        bodies.set_roster_place(body, member, role="member", rank=100)
    for user in (chair, vice, *members):
        live.check_in(meeting.participant_for(user), actor=user)
    meetings.change_status(meeting, MeetingStatus.LIVE, actor=secretariat)
    db.session.commit()
    ballot = operations.create_ballot(meeting, actor=secretariat, question="Thông qua?")
    operations.open_ballot(ballot, actor=chair)
    db.session.commit()
    expected = ["Vũ Văn Chủ", "Bùi Thị Yến", "Lê Văn An", "Nguyễn Thị Ánh", "Dương Thị Bình", "Đỗ Văn Bình",
                "Trần Văn Cường"]
    by_id = {u.id: u.full_name for u in (chair, vice, *members)}
    listed = app.test_client().get(f"/api/v1/ballots/{ballot.id}", headers=bearer(secretariat))
    assert [by_id[i] for i in listed.get_json()["not_voted"]] == expected
    for user in reversed([chair, vice, *members]):
        operations.cast_vote(ballot.id, user, "yes")
        db.session.commit()
    operations.close_ballot(ballot, actor=chair)
    db.session.commit()
    assert [v["full_name"] for v in payloads.open_votes(ballot)] == expected
    shown = app.test_client().get(f"/api/v1/ballots/{ballot.id}", headers=bearer(secretariat)).get_json()
    assert [v["full_name"] for v in shown["votes"]] == expected
