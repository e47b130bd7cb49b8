"""State changes of ballots. They enforce the rules, flush and audit; the adapter commits and broadcasts.

The vote is the hot path (hundreds of tablets within a second): one conditional UPDATE of the
voter's row (voting.access.first_vote_clause: eligible, not voted yet, the ballot still open, its row
locked; for a socket also its sign-in), one INSERT (on PostgreSQL both in one statement, one round
trip, which also tells a replay of a vote already cast; votes that arrive together share one such
statement and one commit, core.batching). Only when the UPDATE changes nothing for
another reason are the full checks run, to say why. Votes are not written to the audit log one by
one: an entry per vote would serialise every vote on the log's lock and, for a secret ballot, put
the order of voting beside the votes.

Opening and closing race with votes and with each other (the chair, the time limit's job on every
process): a vote takes a shared lock on the ballot's row (PostgreSQL; SQLite writes one at a time)
and checks the ballot is open in its UPDATE; closing is one conditional UPDATE (`status = 'open'`)
that only one caller wins, then counts what was stored before it.
"""
import logging
from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import (
    Boolean, Integer, LargeBinary, String, and_, bindparam, case, column, exists, false, func, insert, literal_column,
    null, or_, select, text, true, update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ecabinet.audit.operations import record
from ecabinet.bodies.models import DecisionRule, TieRule
from ecabinet.core import realtime
from ecabinet.core.batching import Batcher, WaitedTooLong
from ecabinet.core.db import can_commit_alone, first_row_committed_alone, rows_committed_alone, unique_or, utcnow
from ecabinet.core.errors import Conflict, InvalidState, InvalidValue, NotAllowed, NotFound
from ecabinet.extensions import db
from ecabinet.live import rows
from ecabinet.meetings.models import PRESENT_STATES, Attendance, MeetingStatus, Role
from ecabinet.meetings.operations import refuse_if_archived
from ecabinet.meetings.queries import rules_of
from ecabinet.voting import access, rules, secrecy
from ecabinet.voting.models import (
    Ballot, BallotStatus, BallotVoter, Choice, Outcome, SecretVote, Vote, random_key,
)

log = logging.getLogger(__name__)

MAX_TIME_LIMIT_S = 24 * 3600
PREPARABLE_STATUSES = {MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.LIVE}
_PRESENT = frozenset(a.value for a in PRESENT_STATES)
_MEMBER_ROLES = frozenset({Role.CHAIR.value, Role.MEMBER.value})


# -- preparing ------------------------------------------------------------------------------------


def _clean_rule(rule, meeting):
    if rule is None:
        return DecisionRule(rules_of(meeting).decision_rule)
    try:
        return DecisionRule(rule)
    except ValueError:
        raise InvalidValue(_("Unknown decision rule."), field="rule") from None


def _clean_time_limit(seconds):
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 10 <= seconds <= MAX_TIME_LIMIT_S:
        raise InvalidValue(_("The time limit must be between 10 seconds and 24 hours."), field="time_limit_s")
    return seconds


def create_ballot(meeting, *, actor, question, agenda_item=None, secret=False, rule=None, allow_change=False,
                  time_limit_s=None):
    """Prepare a ballot for the session (the rule defaults to the body's decision rule)."""
    refuse_if_archived(meeting)
    if meeting.status not in PREPARABLE_STATUSES:
        raise InvalidState(_("This session has ended: no more ballots can be prepared."), code="meeting_closed")
    question = (question or "").strip()
    if not question:
        raise InvalidValue(_("The question is required."), field="question")
    if agenda_item is not None and agenda_item.meeting_id != meeting.id:
        raise InvalidValue(_("No such agenda item in this session."), field="agenda_item_id")
    ballot = Ballot(meeting_id=meeting.id, meeting=meeting, agenda_item=agenda_item, question=question,
                    secret=bool(secret), rule=_clean_rule(rule, meeting), allow_change=bool(allow_change),
                    time_limit_s=_clean_time_limit(time_limit_s), status=BallotStatus.DRAFT,
                    created_by_id=getattr(actor, "id", None))
    db.session.add(ballot)
    db.session.flush()
    record("voting.ballot_prepared", actor=actor, obj=ballot, meeting_id=meeting.id, secret=ballot.secret,
           rule=ballot.rule.value)
    return ballot


def delete_ballot(ballot, *, actor):
    """A prepared ballot may be withdrawn; one that was opened is part of the record."""
    refuse_if_archived(ballot.meeting)
    if ballot.status != BallotStatus.DRAFT:
        raise InvalidState(_("Only a ballot that has not been opened can be removed."), code="ballot_not_draft")
    record("voting.ballot_removed", actor=actor, obj=ballot, meeting_id=ballot.meeting_id)
    db.session.delete(ballot)
    db.session.flush()


# -- opening --------------------------------------------------------------------------------------


def eligible_voters(meeting, people):
    """(user_id, for_user_id) of those who may vote now: checked-in members with a vote, and present
    stand-ins for members they replace when the session lets stand-ins vote. `people`: live.rows.people."""
    substituted = {user_id for user_id, _r, _v, state, _n, _d in people if state == Attendance.SUBSTITUTED.value}
    voters = []
    for user_id, role, can_vote, state, _note, delegate_for in people:
        if state not in _PRESENT:
            continue
        if role in _MEMBER_ROLES and can_vote:
            voters.append((user_id, None))
        elif (role == Role.DELEGATE.value and meeting.delegates_may_vote and delegate_for is not None
              and delegate_for in substituted):
            voters.append((user_id, delegate_for))
    return voters


def open_ballot(ballot, *, actor, override_reason=None):
    """Open the ballot: quorum (the session's frozen rules, live presence) or a recorded override;
    the rule, the tie rule, the member total and the eligible voters are fixed now."""
    meeting = ballot.meeting
    refuse_if_archived(meeting)
    if ballot.status != BallotStatus.DRAFT:
        raise InvalidState(_("This ballot has already been opened."), code="ballot_not_draft")
    if meeting.status != MeetingStatus.LIVE:
        raise InvalidState(_("Ballots open only while the session is in progress."), code="meeting_not_live")
    override_reason = (override_reason or "").strip() or None
    if override_reason is not None and len(override_reason) > 1000:
        raise InvalidValue(_("The reason is too long (at most 1000 characters)."), field="override_reason")
    working_rules = rules_of(meeting)
    people = rows.people(meeting)
    presence = rows.presence_counts(meeting.id, people, working_rules)
    if not presence["quorum_met"] and override_reason is None:
        raise InvalidState(_("There is no quorum: %(present)d of %(total)d members present, %(required)d needed. "
                             "Give a reason to open the ballot anyway.", present=presence["present_voting"],
                             total=presence["total_voting"], required=presence["quorum_required"]),
                           code="no_quorum", present=presence["present_voting"],
                           required=presence["quorum_required"], total=presence["total_voting"])
    voters = eligible_voters(meeting, people)
    now = utcnow()
    # Flushed in a savepoint (begin_nested flushes what is pending first, so the change is made in it):
    # the partial unique index allows one open ballot per session.
    with unique_or(db.session, lambda: Conflict(_("Another ballot of this session is open: close it first."),
                                                code="another_ballot_open")):
        ballot.status = BallotStatus.OPEN
        ballot.opened_at = now
        ballot.opened_by_id = getattr(actor, "id", None)
        ballot.closes_at = now + timedelta(seconds=ballot.time_limit_s) if ballot.time_limit_s else None
        ballot.tie = TieRule(working_rules.tie)
        ballot.member_total = presence["total_voting"]
        ballot.present_total = len(voters)
        ballot.eligible_count = len(voters)
        ballot.quorum_met = presence["quorum_met"]
        ballot.quorum_required = presence["quorum_required"]
        ballot.override_reason = override_reason if not presence["quorum_met"] else None
    # In random key order: the voter rows' place in the table says nothing about who they are.
    voter_rows = sorted(({"id": random_key(), "ballot_id": ballot.id, "user_id": user_id, "for_user_id": for_user,
                          "voted": False, "by_hand": False} for user_id, for_user in voters), key=lambda r: r["id"])
    # One cached INSERT with the rows as parameters (SQLAlchemy batches them into multi-row VALUES):
    # a VALUES clause built from the rows compiled anew each time, most of the opening at 1 000 voters.
    if voter_rows:
        db.session.execute(insert(BallotVoter.__table__), voter_rows)
    record("voting.ballot_opened", actor=actor, obj=ballot, meeting_id=meeting.id, eligible=len(voters),
           member_total=ballot.member_total, quorum_met=ballot.quorum_met, override_reason=ballot.override_reason)
    return ballot


# -- voting ---------------------------------------------------------------------------------------


def known_choice(value):
    """The Choice named by `value`, or None."""
    try:
        return Choice(value)
    except ValueError:
        return None


def clean_choice(value):
    choice = known_choice(value)
    if choice is None:
        raise InvalidValue(_("The choice must be one of: yes, no, abstain."), code="invalid_choice",
                           field="choice")
    return choice


def _first_vote_statement(*, sign_in):
    """UPDATE ballot_voters SET voted … WHERE <a first vote of an eligible voter on an open ballot>
    RETURNING the ballot's session and whether it is secret: the whole fast path of a vote in one
    statement (voting.access.first_vote_clause), plus the socket's sign-in when the caller is a
    socket (core.realtime.signed_in_clause). The ballot's row is locked FOR SHARE in the same
    statement (PostgreSQL): a closing waits for the votes in progress, and votes after it see it closed.
    A secret ballot's receipt is sealed for every voter beforehand; it is stored only when the ballot
    is secret."""
    ballot_id, voter_id = bindparam("vote_ballot"), bindparam("vote_user")
    clause = access.first_vote_clause(ballot_id, voter_id, lock_ballot=True)
    if sign_in:
        clause = and_(clause, realtime.signed_in_clause(voter_id, with_token=sign_in == "token"))
    secret = select(Ballot.secret).where(Ballot.id == ballot_id).scalar_subquery()
    meeting_id = select(Ballot.meeting_id).where(Ballot.id == ballot_id).scalar_subquery()
    return (update(BallotVoter).where(clause)
            .values(voted=True, by_hand=bindparam("vote_by_hand"),
                    sealed_receipt=case((secret.is_(True), bindparam("vote_sealed")), else_=None))
            .returning(meeting_id.label("meeting_id"), secret.label("secret"))
            .execution_options(synchronize_session=False))


def _first_vote_and_record_statement(*, sign_in):
    """PostgreSQL: the conditional UPDATE and the vote's INSERT in one statement (one round trip
    instead of two): WITH claimed AS (UPDATE … RETURNING …) INSERT the vote only from a claimed row,
    into secret_votes or votes by the ballot's secrecy, and SELECT what the UPDATE returned. Both
    writes are in the same transaction as before, under the same shared lock on the ballot's row.

    Always one row: when nothing was claimed, its `voted_already` says whether the voter had voted
    before this statement (and, for a socket, is still signed in), the common refusal (a replay from
    the voter's other tablet, a double tap) answered without another round trip."""
    ballot_id, voter_id = bindparam("vote_ballot", type_=Integer), bindparam("vote_user", type_=Integer)
    claimed = _first_vote_statement(sign_in=sign_in).cte("claimed")
    choice = bindparam("vote_choice", type_=Vote.__table__.c.choice.type)
    secret_vote = (insert(SecretVote)
                   .from_select(["id", "ballot_id", "choice", "tracker"],
                                select(bindparam("vote_key", type_=String), ballot_id, choice,
                                       bindparam("vote_tracker", type_=String))
                                .where(claimed.c.secret.is_(True)))
                   .returning(SecretVote.id).cte("secret_vote"))
    open_vote = (insert(Vote)
                 .from_select(["ballot_id", "user_id", "choice", "by_hand", "recorded_by_id", "cast_at"],
                              select(ballot_id, voter_id, choice,
                                     bindparam("vote_by_hand", type_=Boolean),
                                     bindparam("vote_recorded_by", type_=Integer),
                                     bindparam("vote_cast_at", type_=Vote.__table__.c.cast_at.type))
                              .where(claimed.c.secret.is_(False)))
                 .returning(Vote.id).cte("open_vote"))
    voted_already = _voted_already_clause(ballot_id, voter_id)
    if sign_in:
        voted_already = and_(voted_already, realtime.signed_in_clause(voter_id, with_token=sign_in == "token"))
    # Every subquery reads the statement's one snapshot: a first vote's row is not yet voted there.
    one_row = select(literal_column("1").label("one")).subquery("one_row")
    return (select(claimed.c.meeting_id, claimed.c.secret, voted_already.label("voted_already"))
            .select_from(one_row.outerjoin(claimed, true()))
            .add_cte(secret_vote, open_vote))


# The columns of a batch of first votes (PostgreSQL), one array parameter each.
_BATCH_COLUMNS = (("ballot_id", Integer, "INTEGER"), ("user_id", Integer, "INTEGER"),
                  ("choice", String, "VARCHAR"), ("key", String, "VARCHAR"), ("tracker", String, "VARCHAR"),
                  ("sealed", LargeBinary, "BYTEA"), ("cast_at", Vote.__table__.c.cast_at.type, "TIMESTAMPTZ"),
                  ("sign_in", String, "VARCHAR"), ("token_id", Integer, "INTEGER"), ("nonce", String, "VARCHAR"))


def _first_votes_statement():
    """PostgreSQL: the first votes of several voters in one statement and one commit (a vote storm's
    votes that arrived together, core.batching). The same statement as
    _first_vote_and_record_statement with the voters as rows of `v` (unnest of one array per column,
    numbered): the same eligibility and open-ballot clause, the same sign-in check for a socket's
    row (`sign_in` 'token' or 'nonce'; none for an API call, whose bearer token was checked), one
    result row per voter, its number `n`. A secret ballot's votes go in in the order of their random
    keys, not of arrival."""
    unnest = ", ".join(f"CAST(:batch_{name} AS {sql}[])" for name, _type, sql in _BATCH_COLUMNS)
    names = ", ".join(name for name, _type, _sql in _BATCH_COLUMNS)
    v = (text(f"SELECT * FROM unnest({unnest}) WITH ORDINALITY AS batch({names}, n)")
         .columns(*(column(name, type_) for name, type_, _sql in _BATCH_COLUMNS), column("n", Integer))
         .cte("v"))
    signed_in = or_(v.c.sign_in.is_(None),
                    and_(v.c.sign_in == "token", realtime.signed_in_clause(
                        v.c.user_id, with_token=True, token_id=v.c.token_id, now=bindparam("now"))),
                    and_(v.c.sign_in == "nonce", realtime.signed_in_clause(
                        v.c.user_id, with_token=False, nonce=v.c.nonce)))
    secret = select(Ballot.secret).where(Ballot.id == v.c.ballot_id).scalar_subquery()
    meeting_id = select(Ballot.meeting_id).where(Ballot.id == v.c.ballot_id).scalar_subquery()
    claimed = (update(BallotVoter)
               .where(access.first_vote_clause(v.c.ballot_id, v.c.user_id, lock_ballot=True), signed_in)
               .values(voted=True, by_hand=False, sealed_receipt=case((secret.is_(True), v.c.sealed), else_=None))
               .returning(v.c.n, meeting_id.label("meeting_id"), secret.label("secret"))
               .cte("claimed"))
    secret_vote = (insert(SecretVote)
                   .from_select(["id", "ballot_id", "choice", "tracker"],
                                select(v.c.key, v.c.ballot_id, v.c.choice, v.c.tracker)
                                .join(claimed, claimed.c.n == v.c.n).where(claimed.c.secret.is_(True))
                                .order_by(v.c.key))
                   .returning(SecretVote.id).cte("secret_vote"))
    open_vote = (insert(Vote)
                 .from_select(["ballot_id", "user_id", "choice", "by_hand", "recorded_by_id", "cast_at"],
                              select(v.c.ballot_id, v.c.user_id, v.c.choice, false(), null(), v.c.cast_at)
                              .join(claimed, claimed.c.n == v.c.n).where(claimed.c.secret.is_(False)))
                 .returning(Vote.id).cte("open_vote"))
    voted_already = and_(_voted_already_clause(v.c.ballot_id, v.c.user_id), signed_in)
    return (select(v.c.n, claimed.c.meeting_id, claimed.c.secret, voted_already.label("voted_already"))
            .select_from(v.outerjoin(claimed, claimed.c.n == v.c.n))
            .add_cte(secret_vote, open_vote)
            .order_by(v.c.n))


# Built once per shape: composing the statement cost more CPU than running it.
_FIRST_VOTE_STATEMENTS = {}


def run_first_votes(calls):
    """First votes on PostgreSQL, committed alone: the single statement for one, the batch statement
    for more (core.batching's run). One _Claimed per call, in order."""
    if len(calls) == 1:
        return [_Claimed(*first_row_committed_alone(db.session, calls[0].statement, calls[0].params))]
    if "batch" not in _FIRST_VOTE_STATEMENTS:
        _FIRST_VOTE_STATEMENTS["batch"] = _first_votes_statement()
    rows = [call.batch_row() for call in calls]
    params = {f"batch_{name}": [row[name] for row in rows] for name, _type, _sql in _BATCH_COLUMNS}
    params["now"] = utcnow()
    claimed = {row.n: _Claimed(row.meeting_id, row.secret, row.voted_already)
               for row in rows_committed_alone(db.session, _FIRST_VOTE_STATEMENTS["batch"], params)}
    return [claimed[n] for n in range(1, len(calls) + 1)]


_FIRST_VOTES = Batcher(run_first_votes, max_size=1)


class _Claimed(NamedTuple):
    meeting_id: int | None
    secret: bool | None
    voted_already: bool | None


def _claim_first_vote(call, *, batched):
    """Run a first vote's statement committed alone; votes arriving together share a batch
    (DB_BATCH_SIZE), each voter at most once in it. A batch that fails (a deadlock with a batch
    of another process, say) wrote nothing: each of its votes is then tried alone."""
    size = current_app.config["DB_BATCH_SIZE"]
    if not batched or size < 2 or not can_commit_alone(db.session):
        return _Claimed(*first_row_committed_alone(db.session, call.statement, call.params))
    _FIRST_VOTES.max_size = size
    try:
        return _FIRST_VOTES.submit(call, key=(call.params["vote_ballot"], call.params["vote_user"]),
                                   timeout=current_app.config["DB_POOL_TIMEOUT"])
    except WaitedTooLong:  # as long as for a pool connection: busy, nothing written
        raise PoolTimeout("the batch of first votes in flight did not finish in time") from None
    except DBAPIError:
        log.warning("a batch of first votes failed; this vote is tried alone", exc_info=True)
        return _Claimed(*first_row_committed_alone(db.session, call.statement, call.params))


def first_vote(ballot_id, voter_id, choice, *, actor=None, sign_in=None):
    """A voter's first vote on an open ballot, with no other read: the conditional UPDATE above, then
    the vote's INSERT; on PostgreSQL one statement, which commits by itself when it is the first
    statement of a request or socket event (core.db.first_row_committed_alone), batched with the
    votes that arrive with it (_claim_first_vote). `sign_in`: a socket's facts
    (core.realtime.socket_session) when its sign-in is to be checked in the same statement. Returns
    the reply of cast_vote; on PostgreSQL raises InvalidState (already_voted) for a voter's replay;
    otherwise None when anything is off (not eligible, voted already, not open, signed out): the
    caller then takes the explaining path."""
    call = prepare_first_vote(ballot_id, voter_id, choice, actor=actor, sign_in=sign_in)
    if call.together:  # the whole vote in one statement, committed on its own
        claimed = _claim_first_vote(call, batched=actor is None)
        if claimed.meeting_id is None:
            if claimed.voted_already and actor is None:
                raise InvalidState(_("This vote has already been cast."), code="already_voted")
            return None
        reply = {"ballot_id": ballot_id, "meeting_id": claimed.meeting_id}
        return {**reply, "receipt": call.receipt} if claimed.secret else reply
    claimed = db.session.execute(call.statement, call.params).first()
    if claimed is None:
        return None
    if claimed.secret:
        db.session.execute(insert(SecretVote).values(id=random_key(), ballot_id=ballot_id, choice=choice,
                                                     tracker=call.receipt))
        return {"ballot_id": ballot_id, "meeting_id": claimed.meeting_id, "receipt": call.receipt}
    db.session.execute(insert(Vote).values(ballot_id=ballot_id, user_id=voter_id, choice=choice,
                                           by_hand=actor is not None, recorded_by_id=getattr(actor, "id", None),
                                           cast_at=utcnow()))
    return {"ballot_id": ballot_id, "meeting_id": claimed.meeting_id}


class FirstVoteCall(NamedTuple):
    """A first vote ready to run: its statement (by the socket's sign-in shape and the database),
    its parameters, and the receipt a secret ballot's voter gets."""
    statement: object
    params: dict
    shape: object      # False (no sign-in to check), "token" or "nonce"
    together: bool     # PostgreSQL: the UPDATE and the INSERT in one statement
    receipt: str

    def batch_row(self):
        """This vote as a row of _first_votes_statement."""
        p = self.params
        return {"ballot_id": p["vote_ballot"], "user_id": p["vote_user"], "choice": p["vote_choice"].value,
                "key": p["vote_key"], "tracker": p["vote_tracker"], "sealed": p["vote_sealed"],
                "cast_at": p["vote_cast_at"], "sign_in": self.shape or None,
                "token_id": p["token_id"] if self.shape == "token" else None,
                "nonce": p["nonce"] if self.shape == "nonce" else None}


def prepare_first_vote(ballot_id, voter_id, choice, *, actor=None, sign_in=None):
    """The FirstVoteCall of a vote (first_vote runs it)."""
    receipt = secrecy.new_tracker()
    shape = sign_in is not None and ("token" if sign_in.get("token_id") is not None else "nonce")
    together = db.session.get_bind().dialect.name == "postgresql"
    if (shape, together) not in _FIRST_VOTE_STATEMENTS:
        build = _first_vote_and_record_statement if together else _first_vote_statement
        _FIRST_VOTE_STATEMENTS[shape, together] = build(sign_in=shape)
    params = {"vote_ballot": ballot_id, "vote_user": voter_id, "vote_by_hand": actor is not None,
              "vote_sealed": secrecy.seal(receipt, ballot_id, voter_id), **realtime.sign_in_params(sign_in)}
    if together:
        params.update(vote_choice=choice, vote_key=random_key(), vote_tracker=receipt,
                      vote_recorded_by=getattr(actor, "id", None), vote_cast_at=utcnow())
    return FirstVoteCall(_FIRST_VOTE_STATEMENTS[shape, together], params, shape, together, receipt)


def cast_vote(ballot_id, voter, choice, *, actor=None):
    """`voter` votes `choice` (by hand when `actor`, the secretary, records it). Returns
    {"ballot_id", "meeting_id", "receipt"?, "changed"?}. Raises NotFound (ballot not visible),
    NotAllowed (not an eligible voter), InvalidState (not open, already voted)."""
    choice = clean_choice(choice)
    if actor is not None:
        ballot = db.session.get(Ballot, ballot_id)
        if ballot is None or not access.can_view_ballot(actor, ballot):
            raise NotFound(_("This ballot does not exist or is not visible to you."), code="ballot_not_found")
        if not access.can_record_by_hand(actor, ballot):
            raise NotAllowed(_("Only the secretary records votes by hand."))
    return first_vote(ballot_id, voter.id, choice, actor=actor) or refused_or_changed(ballot_id, voter, choice,
                                                                                       actor=actor)


def _voted_already_clause(ballot_id, voter_id):
    """An eligible voter of this open ballot who has voted and may not change it: the common refusal
    (a replay from the voter's other tablet, a double tap)."""
    return exists().where(BallotVoter.ballot_id == ballot_id, BallotVoter.user_id == voter_id,
                          BallotVoter.voted.is_(True), Ballot.id == BallotVoter.ballot_id,
                          Ballot.status == BallotStatus.OPEN, Ballot.allow_change.is_(False))


def _voted_already(ballot_id, voter_id):
    return db.session.execute(select(_voted_already_clause(ballot_id, voter_id))).scalar()


def refused_or_changed(ballot_id, voter, choice, *, actor=None):
    """When a vote's conditional UPDATE (first_vote) changed nothing: why not, the full checks in
    order, or a change of vote where the ballot allows it."""
    choice = clean_choice(choice)
    if actor is None and _voted_already(ballot_id, voter.id):
        raise InvalidState(_("This vote has already been cast."), code="already_voted")
    ballot = db.session.get(Ballot, ballot_id)
    caller = actor or voter
    if ballot is None or not access.can_view_ballot(caller, ballot):
        raise NotFound(_("This ballot does not exist or is not visible to you."), code="ballot_not_found")
    if actor is not None and not access.can_record_by_hand(actor, ballot):
        raise NotAllowed(_("Only the secretary records votes by hand."))
    if ballot.status != BallotStatus.OPEN:
        raise InvalidState(_("This ballot is not open for voting."), code="ballot_not_open")
    voter_row = access.voter_row(voter, ballot)
    if voter_row is None:
        if actor is not None:
            raise InvalidValue(_("This person is not an eligible voter of this ballot."), code="not_eligible",
                               field="user_id")
        raise NotAllowed(_("You are not an eligible voter of this ballot."), code="not_eligible")
    if not voter_row.voted:  # the account was deactivated between the two statements
        raise NotAllowed(_("You are not an eligible voter of this ballot."), code="not_eligible")
    if not ballot.allow_change:
        raise InvalidState(_("This vote has already been cast."), code="already_voted")
    return _change_vote(ballot, voter_row, choice)


def _still_open(ballot_id):
    return exists().where(Ballot.id == ballot_id, Ballot.status == BallotStatus.OPEN)


def _change_vote(ballot, voter_row, choice):
    if ballot.secret:
        receipt = secrecy.unseal(voter_row.sealed_receipt, ballot.id, voter_row.user_id)
        changed = receipt is not None and db.session.execute(
            update(SecretVote).where(SecretVote.ballot_id == ballot.id, SecretVote.tracker == receipt,
                                     _still_open(ballot.id))
            .values(choice=choice).execution_options(synchronize_session=False)).rowcount == 1
    else:
        receipt = None
        changed = db.session.execute(
            update(Vote).where(Vote.ballot_id == ballot.id, Vote.user_id == voter_row.user_id, _still_open(ballot.id))
            .values(choice=choice, changed_at=utcnow()).execution_options(synchronize_session=False)).rowcount == 1
    if not changed:
        raise InvalidState(_("This ballot is not open for voting."), code="ballot_not_open")
    reply = {"ballot_id": ballot.id, "meeting_id": ballot.meeting_id, "changed": True}
    if receipt is not None:
        reply["receipt"] = receipt
    return reply


# -- counting and closing -------------------------------------------------------------------------


def live_tally(ballot):
    """The counts from the stored rows (while open; a closed ballot's counts are its stored ones)."""
    table = SecretVote if ballot.secret else Vote
    counts = dict(db.session.execute(
        select(table.choice, func.count()).where(table.ballot_id == ballot.id).group_by(table.choice)).all())
    cast = {choice.value: counts.get(choice, 0) for choice in Choice}
    return rules.Tally(cast["yes"], cast["no"], cast["abstain"], (ballot.eligible_count or 0) - sum(cast.values()))


def voted_count(ballot_id):
    return db.session.execute(select(func.count()).select_from(BallotVoter)
                              .where(BallotVoter.ballot_id == ballot_id, BallotVoter.voted.is_(True))).scalar()


def not_voted_ids(ballot_id):
    return sorted(db.session.execute(select(BallotVoter.user_id).where(
        BallotVoter.ballot_id == ballot_id, BallotVoter.voted.is_(False))).scalars())


def my_vote(ballot, user):
    """The caller's own vote while it can be shown: {choice} of an open ballot, {receipt} of a secret
    one until it closes; None when they have not voted or are not a voter."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if ballot.secret:
        if ballot.status != BallotStatus.OPEN:
            return None
        row = access.voter_row(user, ballot)
        receipt = secrecy.unseal(row.sealed_receipt, ballot.id, user.id) if row is not None and row.voted else None
        return {"receipt": receipt} if receipt else None
    vote = db.session.execute(select(Vote).where(Vote.ballot_id == ballot.id, Vote.user_id == user.id)).scalar()
    return {"choice": vote.choice.value, "by_hand": vote.by_hand} if vote else None


def _chair_choice(ballot):
    """How the session's chair voted (open ballots only: a secret ballot's votes have no voter)."""
    if ballot.secret:
        return None
    chair_id = rows.chair_id(rows.people(ballot.meeting))
    if chair_id is None:
        return None
    choice = db.session.execute(select(Vote.choice).where(Vote.ballot_id == ballot.id,
                                                          Vote.user_id == chair_id)).scalar()
    return choice.value if choice is not None else None


def clean_casting_choice(value):
    """The chair's deciding choice for a tie: "yes" (it passes) or "no" (it does not), or None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in (Choice.YES.value, Choice.NO.value):
        raise InvalidValue(_("The deciding choice must be yes or no."), code="invalid_choice",
                           field="casting_choice")
    return Choice(value)


def close_ballot(ballot, *, actor=None, by_time_limit=False, casting_choice=None):
    """Close the ballot and store its counts and result for good. Only one caller wins the closing
    (the chair, the time limit's job on any process): the others get 409 ballot_not_open (or False
    with by_time_limit).

    A tie under the body's "the chair decides" rule goes the way the chair voted. In a secret ballot
    that vote cannot be read, so the chair declares the deciding choice when closing
    (`casting_choice`, stored and shown with the result); the chair closing a tied secret ballot
    without one gets 409 casting_choice_required and the ballot stays open. Closed by the time
    limit or by the end of the session, nobody is asked: the tie does not pass, and the stored
    result says why (tied, not decided by the chair)."""
    casting_choice = clean_casting_choice(casting_choice)
    now = utcnow()
    won = db.session.execute(
        update(Ballot).where(Ballot.id == ballot.id, Ballot.status == BallotStatus.OPEN)
        .values(status=BallotStatus.CLOSED, closed_at=now).execution_options(synchronize_session=False)
    ).rowcount == 1
    if not won:
        if by_time_limit:
            return False
        raise InvalidState(_("This ballot is not open."), code="ballot_not_open")
    db.session.refresh(ballot)
    tally = live_tally(ballot)
    tie = (ballot.tie or TieRule.FAILS).value
    declared = ballot.secret and tie == rules.TIE_CHAIR_DECIDES
    decision = rules.decide(ballot.rule.value, tally, member_total=ballot.member_total or 0,
                            present_total=ballot.present_total or 0, tie=tie,
                            chair_choice=(casting_choice.value if casting_choice else None) if declared
                            else _chair_choice(ballot))
    if decision.tied and declared and casting_choice is None and actor is not None and not by_time_limit:
        # The adapter rolls the closing back: the ballot stays open until the chair decides.
        raise InvalidState(
            _("The vote is tied (%(yes)d in favour of %(base)d) and the body's rules let the chair decide: "
              "give the deciding choice to close it.", yes=tally.yes, base=decision.base),
            code="casting_choice_required",
            counts={"yes": tally.yes, "no": tally.no, "abstain": tally.abstain, "not_voted": tally.not_voted})
    ballot.closed_by_id = getattr(actor, "id", None)
    ballot.closed_by_time_limit = by_time_limit
    ballot.count_yes, ballot.count_no, ballot.count_abstain = tally.yes, tally.no, tally.abstain
    ballot.count_not_voted = tally.not_voted
    ballot.count_by_hand = db.session.execute(select(func.count()).select_from(BallotVoter).where(
        BallotVoter.ballot_id == ballot.id, BallotVoter.by_hand.is_(True))).scalar()
    ballot.result = Outcome.PASSED if decision.passed else Outcome.FAILED
    ballot.tied = decision.tied
    ballot.decided_by_chair = decision.decided_by_chair
    ballot.casting_choice = casting_choice if declared and decision.decided_by_chair else None
    db.session.flush()
    if ballot.secret:
        secrecy.shuffle_at_close(ballot.id)
    record("voting.ballot_closed", actor=actor, obj=ballot, meeting_id=ballot.meeting_id,
           counts=ballot.counts, result=ballot.result.value, by_time_limit=by_time_limit,
           casting_choice=ballot.casting_choice.value if ballot.casting_choice else None)
    return True


def due_ballot_ids(now=None):
    """Open ballots whose time limit has passed."""
    now = now or utcnow()
    return list(db.session.execute(select(Ballot.id).where(
        and_(Ballot.status == BallotStatus.OPEN, Ballot.closes_at.is_not(None), Ballot.closes_at <= now))
    ).scalars())
