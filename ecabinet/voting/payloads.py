"""Ballots as JSON: the API's, the `ballot` and `ballot_result` events', the minutes' and the CSV's."""
from sqlalchemy import select

from ecabinet.accounts.models import User
from ecabinet.core.api import iso
from ecabinet.core.timeutil import to_local
from ecabinet.bodies.models import DECISION_RULE_LABELS, TieRule
from ecabinet.extensions import db
from ecabinet.meetings.models import Participant, Role
from ecabinet.meetings.queries import in_protocol_order
from ecabinet.voting import access, operations
from ecabinet.voting.models import CHOICE_LABELS, OUTCOME_LABELS, Ballot, BallotStatus, SecretVote, Vote

# How a closed ballot's tie was settled, from its stored values (tie_outcome below).
TIE_FAILS, TIE_CHAIR_VOTE, TIE_CHAIR_DECLARED, TIE_NO_CHAIR_CHOICE = (
    "fails", "chair_vote", "chair_declared", "no_chair_choice")


def tie_outcome(ballot):
    """None (no tie, or not closed); "fails" (the body's rule: a tie does not pass); "chair_vote" (an
    open ballot: it went the way the chair voted); "chair_declared" (a secret ballot: the deciding
    choice the chair gave on closing, `casting_choice`); "no_chair_choice" (the chair decides, but
    their choice was not known: a secret ballot closed by the time limit or the end of the session,
    or an open ballot the chair did not vote in), so it did not pass."""
    if ballot.status != BallotStatus.CLOSED or not ballot.tied:
        return None
    if ballot.decided_by_chair:
        return TIE_CHAIR_DECLARED if ballot.casting_choice is not None else TIE_CHAIR_VOTE
    return TIE_NO_CHAIR_CHOICE if ballot.tie == TieRule.CHAIR_DECIDES else TIE_FAILS


def _casting(ballot):
    return ballot.casting_choice.value if ballot.casting_choice is not None else None


def in_protocol_order_of(ballot, items, *, user_id, name):
    """`items` (one per voter) in the session's protocol order (the chair, then members by the body's
    roster rank, a stand-in at the rank of the member they attend for), then Vietnamese name order."""
    meeting = ballot.meeting
    # Three columns rather than every participant as an object: a chair's view of a 1 000-voter ballot.
    participants = {row.user_id: row for row in db.session.execute(
        select(Participant.user_id, Participant.role, Participant.delegate_for_id)
        .where(Participant.meeting_id == meeting.id))}
    ranks = {place.user_id: place.rank for place in meeting.body.roster}

    def role(item):
        participant = participants.get(user_id(item))
        return participant.role if participant is not None else Role.MEMBER

    def delegate_for(item):
        participant = participants.get(user_id(item))
        return participant.delegate_for_id if participant is not None else None

    return in_protocol_order(items, ranks, role=role, user_id=user_id, delegate_for=delegate_for, name=name)


def not_voted_in_order(ballot):
    """The user ids of the eligible voters who have not voted yet, in protocol order."""
    ids = operations.not_voted_ids(ballot.id)
    names = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all()) if ids else {}
    return in_protocol_order_of(ballot, ids, user_id=lambda i: i, name=lambda i: names.get(i, ""))


def ballot_event(ballot, voted_count):
    """The `ballot` event's payload for the whole room (no counts per choice while open)."""
    return {"ballot_id": ballot.id, "meeting_id": ballot.meeting_id, "question": ballot.question,
            "agenda_item_id": ballot.agenda_item_id, "status": ballot.status.value, "secret": ballot.secret,
            "rule": ballot.rule.value, "allow_change": ballot.allow_change, "voted_count": voted_count,
            "eligible_count": ballot.eligible_count, "member_total": ballot.member_total,
            "opened_at": iso(ballot.opened_at), "closes_at": iso(ballot.closes_at),
            "quorum_met": ballot.quorum_met, "override_reason": ballot.override_reason}


def tally_json(tally):
    return {"yes": tally.yes, "no": tally.no, "abstain": tally.abstain, "not_voted": tally.not_voted}


def result_event(ballot):
    """The `ballot_result` payload: the stored counts and result of a closed ballot."""
    return {"ballot_id": ballot.id, "meeting_id": ballot.meeting_id, "question": ballot.question,
            "counts": ballot.counts, "result": ballot.result.value, "rule": ballot.rule.value,
            "secret": ballot.secret, "member_total": ballot.member_total, "eligible_count": ballot.eligible_count,
            "by_hand": ballot.count_by_hand, "tied": ballot.tied, "decided_by_chair": ballot.decided_by_chair,
            "tie": ballot.tie.value if ballot.tie else None, "tie_outcome": tie_outcome(ballot),
            "casting_choice": _casting(ballot), "quorum_met": ballot.quorum_met, "override_reason": ballot.override_reason,
            "closed_at": iso(ballot.closed_at), "closed_by_time_limit": ballot.closed_by_time_limit}


def trackers(ballot):
    """Every tracking code of a closed secret ballot with its choice, in code order."""
    return [{"tracker": tracker, "choice": choice.value} for tracker, choice in db.session.execute(
        select(SecretVote.tracker, SecretVote.choice).where(SecretVote.ballot_id == ballot.id)
        .order_by(SecretVote.tracker)).all()]


def ballot_json(ballot, user):
    """GET /api/v1/ballots/<id> as `user` sees it."""
    voted = operations.voted_count(ballot.id) if ballot.status != BallotStatus.DRAFT else 0
    data = {"id": ballot.id, "meeting_id": ballot.meeting_id, "agenda_item_id": ballot.agenda_item_id,
            "question": ballot.question, "status": ballot.status.value, "secret": ballot.secret,
            "rule": ballot.rule.value, "allow_change": ballot.allow_change, "time_limit_s": ballot.time_limit_s,
            "created_at": iso(ballot.created_at), "opened_at": iso(ballot.opened_at),
            "closes_at": iso(ballot.closes_at), "closed_at": iso(ballot.closed_at),
            "member_total": ballot.member_total, "eligible_count": ballot.eligible_count, "voted_count": voted,
            "quorum_met": ballot.quorum_met, "quorum_required": ballot.quorum_required,
            "override_reason": ballot.override_reason, "tie": ballot.tie.value if ballot.tie else None}
    if ballot.status == BallotStatus.CLOSED:
        data.update(counts=ballot.counts, result=ballot.result.value, tied=ballot.tied,
                    decided_by_chair=ballot.decided_by_chair, tie_outcome=tie_outcome(ballot),
                    casting_choice=_casting(ballot), by_hand=ballot.count_by_hand,
                    closed_by_time_limit=ballot.closed_by_time_limit)
        if ballot.secret:
            data["trackers"] = trackers(ballot)
        else:
            data["votes"] = open_votes(ballot)
    elif ballot.status == BallotStatus.OPEN and access.can_see_live_counts(user, ballot):
        data["counts"] = tally_json(operations.live_tally(ballot))
    if ballot.status != BallotStatus.DRAFT and access.can_see_live_counts(user, ballot):
        data["not_voted"] = not_voted_in_order(ballot)
    if ballot.status != BallotStatus.DRAFT:
        row = access.voter_row(user, ballot)
        data["eligible"] = row is not None
        data["voted"] = bool(row and row.voted)
        data["my_vote"] = operations.my_vote(ballot, user)
    return data


def open_votes(ballot):
    """Who voted what in an open (non-secret) ballot, hand-recorded votes marked, in the session's
    protocol order (then Vietnamese name order), as the minutes list people."""
    votes = [{"user_id": user_id, "full_name": name, "choice": choice.value, "by_hand": by_hand}
             for user_id, name, choice, by_hand in db.session.execute(
                 select(Vote.user_id, User.full_name, Vote.choice, Vote.by_hand)
                 .join(User, User.id == Vote.user_id).where(Vote.ballot_id == ballot.id)).all()]
    return in_protocol_order_of(ballot, votes, user_id=lambda v: v["user_id"], name=lambda v: v["full_name"])


def minutes_record(ballot):
    """One ballot as the minutes take it: plain values and Vietnamese-ready labels, nothing to
    recompute (the stored counts of a closed ballot)."""
    closed = ballot.status == BallotStatus.CLOSED
    return {
        "id": ballot.id,
        "question": ballot.question,
        "agenda_item_id": ballot.agenda_item_id,
        "agenda_item_title": ballot.agenda_item.title if ballot.agenda_item else None,
        "secret": ballot.secret,
        "status": ballot.status.value,
        "rule": ballot.rule.value,
        "rule_label": str(DECISION_RULE_LABELS[ballot.rule]),
        "tie": ballot.tie.value if ballot.tie else None,
        "member_total": ballot.member_total,
        "eligible_count": ballot.eligible_count,
        "opened_at": ballot.opened_at,
        "closed_at": ballot.closed_at,
        "quorum_met": ballot.quorum_met,
        "override_reason": ballot.override_reason,
        "counts": ballot.counts,
        "by_hand": ballot.count_by_hand if closed else None,
        "result": ballot.result.value if closed else None,
        "result_label": str(OUTCOME_LABELS[ballot.result]) if closed else None,
        "tied": ballot.tied,
        "decided_by_chair": ballot.decided_by_chair,
        "tie_outcome": tie_outcome(ballot),
        "casting_choice": _casting(ballot),
        "votes": open_votes(ballot) if closed and not ballot.secret else None,
    }


def ballots_of(meeting_id, *, statuses=None):
    query = select(Ballot).where(Ballot.meeting_id == meeting_id).order_by(Ballot.id)
    if statuses:
        query = query.where(Ballot.status.in_(statuses))
    return db.session.execute(query).scalars().all()


def minutes_records(meeting):
    """Every closed ballot of the session, in the order they were prepared, for the minutes."""
    return [minutes_record(b) for b in ballots_of(meeting.id, statuses=[BallotStatus.CLOSED])]


def minutes_section(meeting):
    """The session's closed ballots as the minutes store them (content["sections"]["ballots"], see
    docs/minutes.md): the records above, their times as local ISO text (the minutes keep JSON)."""
    records = minutes_records(meeting)
    for record in records:
        for key in ("opened_at", "closed_at"):
            record[key] = to_local(record[key]).isoformat() if record[key] else None
    return records


def choice_label(choice):
    return str(CHOICE_LABELS[choice])
