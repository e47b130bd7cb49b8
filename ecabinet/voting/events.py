"""The voting domain in the live room (core.realtime): the `vote` event, the `ballot` and
`ballot_result` pushes, and the `open_ballots` / `closed_ballots` sections of the join snapshot.

The counts per choice of an open ballot and who has not voted go only to the chair, the secretary
and the secretariat (their own user rooms, `to=`); the room hears how many have voted, coalesced:
a wave of votes is one `ballot` per interval per process, read after the last of them committed.
A client keeps a ballot closed once it saw it closed (a late coalesced `ballot` may follow).
"""
from flask import current_app
from sqlalchemy import select

from ecabinet.core import realtime
from ecabinet.core.errors import InvalidState
from ecabinet.core.realtime import user_room
from ecabinet.core.signals import meeting_status_changed
from ecabinet.extensions import db
from ecabinet.meetings.models import MeetingStatus
from ecabinet.voting import access, operations, payloads
from ecabinet.voting.models import Ballot, BallotStatus, BallotVoter


def _organiser_payload(ballot, public):
    return {**public, "counts": payloads.tally_json(operations.live_tally(ballot)),
            "not_voted": operations.not_voted_ids(ballot.id)}


def _announce(ballot, public):
    """`ballot` to the room, and with the counts and who has not voted to the organisers' own rooms."""
    if ballot.status == BallotStatus.OPEN:
        organiser = _organiser_payload(ballot, public)
        for user_id in access.live_count_viewer_ids(ballot.meeting_id):
            realtime.broadcast(ballot.meeting_id, "ballot", organiser, to=user_room(user_id))
    realtime.broadcast(ballot.meeting_id, "ballot", public)


def announce_opened(ballot):
    """After the commit: the room gets the opened ballot (tablets show it at once)."""
    _announce(ballot, payloads.ballot_event(ballot, 0))


def announce_closed(ballot):
    """After the commit: `ballot` (closed) and `ballot_result` with the stored counts."""
    realtime.broadcast(ballot.meeting_id, "ballot", payloads.ballot_event(ballot, operations.voted_count(ballot.id)))
    realtime.broadcast(ballot.meeting_id, "ballot_result", payloads.result_event(ballot))


def progress_of(meeting_id):
    """The open ballot's `ballot` payload now (None when none is open): what broadcast_latest sends to
    the room; the organisers' version with the counts is queued to their rooms on the way."""
    ballot = db.session.execute(select(Ballot).where(Ballot.meeting_id == meeting_id,
                                                     Ballot.status == BallotStatus.OPEN)).scalar()
    if ballot is None:
        return None
    public = payloads.ballot_event(ballot, operations.voted_count(ballot.id))
    organiser = _organiser_payload(ballot, public)
    for user_id in access.live_count_viewer_ids(meeting_id):
        realtime.broadcast(meeting_id, "ballot", organiser, to=user_room(user_id))
    return public


def announce_progress(meeting_id):
    """After the commit, the room hears how many have voted (coalesced)."""
    realtime.broadcast_latest(meeting_id, "ballot", progress_of,
                              interval=current_app.config.get("BALLOT_PROGRESS_INTERVAL", 0.25))


# -- the vote ---------------------------------------------------------------------------------------


@realtime.event("vote", auth="inline")
def vote(call):
    """{ballot_id, choice} -> ack {ok, ballot_id, receipt?}: the same operation and rules as the API.

    The hot path (hundreds of tablets within a second): a first vote checks the socket's sign-in in
    the vote's own conditional UPDATE (operations.first_vote), which on PostgreSQL also refuses a
    replay of a vote already cast, after the same sign-in check. Anything else takes the full path:
    the sign-in re-checked, then every rule in order, to say why."""
    ballot_id, choice = call.data.get("ballot_id"), operations.known_choice(call.data.get("choice"))
    user_id = call.socket.get("user_id")
    if user_id is not None and choice is not None and type(ballot_id) is int and ballot_id >= 1:
        reply = operations.first_vote(ballot_id, user_id, choice, sign_in=call.socket)
        if reply is not None:
            call.sign_in_checked()
        else:
            voter = call.user
            reply = operations.refused_or_changed(ballot_id, voter, choice)
    else:
        voter = call.user
        reply = operations.cast_vote(call.int("ballot_id"), voter, call.data.get("choice"))
    announce_progress(reply["meeting_id"])
    return {key: value for key, value in reply.items() if key != "meeting_id"}


# -- the join snapshot --------------------------------------------------------------------------------


def open_ballots(meeting):
    """The session's open ballots (shared by the room's joins; its voted counts are read per join)."""
    ballots = payloads.ballots_of(meeting.id, statuses=[BallotStatus.OPEN])
    return [payloads.ballot_event(ballot, None) for ballot in ballots]


def open_ballots_for(shared, meeting, user, display):
    """Each open ballot with how many have voted; for a voter whether they may and did vote (and
    their own choice of an open ballot); for the organisers the counts and who has not voted."""
    if not shared:
        return []
    result = []
    for item in shared:
        ballot = db.session.get(Ballot, item["ballot_id"])
        if ballot is None:
            continue
        entry = {**item, "voted_count": operations.voted_count(ballot.id)}
        if not display and user is not None:
            row = db.session.execute(select(BallotVoter.voted).where(
                BallotVoter.ballot_id == ballot.id, BallotVoter.user_id == user.id)).first()
            entry["eligible"] = row is not None
            entry["voted"] = bool(row and row[0])
            if row and row[0]:
                entry["my_vote"] = operations.my_vote(ballot, user)
            if access.can_see_counts_in(user, meeting):
                entry.update(_organiser_payload(ballot, entry))
        result.append(entry)
    return result


def closed_ballots(meeting):
    """The results of the session's closed ballots (tablets and the display show the latest)."""
    return [payloads.result_event(b) for b in payloads.ballots_of(meeting.id, statuses=[BallotStatus.CLOSED])]


realtime.snapshot_section("open_ballots", shared=open_ballots, personal=open_ballots_for, watch=(Ballot,))
realtime.snapshot_section("closed_ballots", shared=closed_ballots, watch=(Ballot,))


# -- what the meetings domain changes under a ballot ---------------------------------------------------


def _session_ended(meeting, previous=None, **_kwargs):
    """A session that ends closes its open ballot, its counts stored as they stand (nobody can vote
    in an ended session); the room hears the result after the commit."""
    if meeting.status != MeetingStatus.ENDED:
        return
    ballot = db.session.execute(select(Ballot).where(Ballot.meeting_id == meeting.id,
                                                     Ballot.status == BallotStatus.OPEN)).scalar()
    if ballot is None:
        return
    try:
        operations.close_ballot(ballot)
    except InvalidState:
        return  # the chair or the time limit closed it at the same moment
    announce_closed(ballot)


def register_signals():
    """Connect the voting domain's receivers of other domains' signals (once per process)."""
    if not getattr(register_signals, "done", False):
        meeting_status_changed.connect(_session_ended, weak=False)
        register_signals.done = True
