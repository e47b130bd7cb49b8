"""500 members vote within the same second through the socket and the API together, on a real server
(SQLite, or PostgreSQL with --db=postgres): exactly one stored vote each, the counts equal the stored
votes, every voter gets an acknowledgement, and a replay through the other channel is refused."""
import asyncio
from concurrent.futures import ThreadPoolExecutor
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import vote_storm  # noqa: E402

N = 500


@pytest.mark.parametrize("secret", [False, True], ids=["open", "secret"])
def test_a_storm_of_votes_through_both_channels(live_server, secret):
    from ecabinet.extensions import db
    from ecabinet.voting.models import BallotVoter, SecretVote, Vote

    app = live_server.app
    with app.test_request_context():
        meeting_id, ballot_id, chair_token, tokens = vote_storm.seed(db.engine.url.render_as_string(False), N,
                                                                     secret=secret)
        db.session.remove()
    # In a thread of its own: this thread may already run an asyncio loop (Playwright's, from a browser test).
    with ThreadPoolExecutor(max_workers=1) as pool:
        figures = pool.submit(asyncio.run, vote_storm.storm(live_server.url, meeting_id, ballot_id, chair_token,
                                                            tokens)).result()
    assert figures["timeouts"] == 0 and figures["errors"] == 0, [a for a in figures["acks"] if not a.get("ok")][:5]
    assert all(ack["ok"] and ack["ballot_id"] == ballot_id for ack in figures["acks"])
    assert all(("receipt" in ack) == secret for ack in figures["acks"])
    assert figures["replays_refused"] == N, figures["replay_outcomes"]
    expected = {"yes": (N + 2) // 3, "no": (N + 1) // 3, "abstain": N // 3, "not_voted": 1}  # the chair did not vote
    assert figures["closed"]["counts"] == expected
    assert figures["results_received"] == N
    assert all(result["counts"] == expected for result in figures["results"])
    with app.app_context():
        table = SecretVote if secret else Vote
        stored = db.session.scalar(select(func.count()).select_from(table).where(table.ballot_id == ballot_id))
        marked = db.session.scalar(select(func.count()).select_from(BallotVoter).where(
            BallotVoter.ballot_id == ballot_id, BallotVoter.voted.is_(True)))
        assert stored == marked == N
        if not secret:
            assert db.session.scalar(select(func.count(func.distinct(Vote.user_id))).where(Vote.ballot_id == ballot_id)) == N
        db.session.remove()
