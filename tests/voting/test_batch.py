"""First votes that arrive together go to PostgreSQL as one statement (operations.run_first_votes):
each voter in the batch gets what the single statement would have given them (claimed, refused as a
replay, refused for a sign-in that no longer holds, not eligible), and the stored rows are those of
the votes one by one. SQLite writes one at a time and does not batch."""
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from ecabinet.accounts.operations import issue_token
from ecabinet.extensions import db
from ecabinet.voting import operations, secrecy
from ecabinet.voting.models import BallotVoter, Choice, SecretVote, Vote
from tests.voting.conftest import Hall

pytestmark = pytest.mark.usefixtures("in_request")


@pytest.fixture(autouse=True)
def _postgresql_only():
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the batch statement is PostgreSQL's (SQLite writes one at a time)")


def _opened(secret):
    hall = Hall(n=6)
    ballot = operations.create_ballot(hall.meeting, actor=hall.secretariat, question="Thông qua Đề án?",
                                      secret=secret)
    db.session.commit()
    operations.open_ballot(ballot, actor=hall.chair)
    db.session.commit()
    return hall, ballot


@pytest.mark.parametrize("secret", [False, True], ids=["open", "secret"])
def test_a_batch_answers_each_voter_as_the_single_statement_would(secret):
    hall, ballot = _opened(secret)
    m = hall.members
    token, _raw = issue_token(m[1])
    operations.cast_vote(ballot.id, hall.chair, "no")   # voted before the batch
    db.session.commit()
    sockets = {"token": {"user_id": m[1].id, "token_id": token.id, "nonce": None},
               "nonce": {"user_id": m[3].id, "token_id": None, "nonce": m[3].session_nonce},
               "stale": {"user_id": m[2].id, "token_id": None, "nonce": "an older login"}}
    calls = [operations.prepare_first_vote(ballot.id, m[0].id, Choice.YES),                     # the API
             operations.prepare_first_vote(ballot.id, m[1].id, Choice.NO, sign_in=sockets["token"]),
             operations.prepare_first_vote(ballot.id, m[2].id, Choice.YES, sign_in=sockets["stale"]),
             operations.prepare_first_vote(ballot.id, m[3].id, Choice.ABSTAIN, sign_in=sockets["nonce"]),
             operations.prepare_first_vote(ballot.id, hall.chair.id, Choice.YES),                # a replay
             operations.prepare_first_vote(ballot.id, hall.guest.id, Choice.YES)]                # not a voter
    claimed = operations.run_first_votes(calls)
    db.session.commit()

    assert [c.meeting_id for c in claimed] == [hall.meeting.id, hall.meeting.id, None, hall.meeting.id, None, None]
    assert [c.secret for c in claimed] == [secret, secret, None, secret, None, None]
    assert [bool(c.voted_already) for c in claimed] == [False, False, False, False, True, False]

    voted = dict(db.session.execute(select(BallotVoter.user_id, BallotVoter.voted)
                                    .where(BallotVoter.ballot_id == ballot.id)).all())
    assert {user for user, flag in voted.items() if flag} == {hall.chair.id, m[0].id, m[1].id, m[3].id}
    if secret:
        stored = dict(db.session.execute(select(SecretVote.tracker, SecretVote.choice)
                                         .where(SecretVote.ballot_id == ballot.id)).all())
        assert len(stored) == 4
        for call, choice in [(calls[0], Choice.YES), (calls[1], Choice.NO), (calls[3], Choice.ABSTAIN)]:
            assert stored[call.receipt] == choice
            sealed = db.session.execute(select(BallotVoter.sealed_receipt).where(
                BallotVoter.ballot_id == ballot.id, BallotVoter.user_id == call.params["vote_user"])).scalar()
            assert secrecy.unseal(sealed, ballot.id, call.params["vote_user"]) == call.receipt
        assert calls[2].receipt not in stored and calls[4].receipt not in stored
    else:
        stored = dict(db.session.execute(select(Vote.user_id, Vote.choice).where(Vote.ballot_id == ballot.id)).all())
        assert stored == {hall.chair.id: Choice.NO, m[0].id: Choice.YES, m[1].id: Choice.NO, m[3].id: Choice.ABSTAIN}
        assert all(vote.cast_at is not None and not vote.by_hand
                   for vote in db.session.execute(select(Vote).where(Vote.ballot_id == ballot.id)).scalars())


def test_a_batch_on_a_closed_ballot_claims_nothing():
    hall, ballot = _opened(False)
    operations.close_ballot(ballot, actor=hall.chair)
    db.session.commit()
    claimed = operations.run_first_votes([operations.prepare_first_vote(ballot.id, user.id, Choice.YES)
                                          for user in hall.members[:3]])
    assert all(c.meeting_id is None and not c.voted_already for c in claimed)
    assert db.session.execute(select(Vote).where(Vote.ballot_id == ballot.id)).first() is None


def test_a_failed_batch_is_retried_vote_by_vote(monkeypatch):
    """A batch that fails in the database (a deadlock with another process's batch) wrote nothing:
    each vote of it is tried alone and counted once."""
    hall, ballot = _opened(False)

    def deadlock(_call, **_options):
        raise OperationalError("batch", {}, Exception("deadlock detected"))

    monkeypatch.setattr(operations, "can_commit_alone", lambda _session: True)
    monkeypatch.setattr(operations._FIRST_VOTES, "submit", deadlock)
    reply = operations.cast_vote(ballot.id, hall.members[0], "yes")
    db.session.commit()
    assert reply == {"ballot_id": ballot.id, "meeting_id": hall.meeting.id}
    assert db.session.execute(select(Vote.choice).where(Vote.ballot_id == ballot.id)).scalars().all() == [Choice.YES]
