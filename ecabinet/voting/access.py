"""Who may do what with ballots. The API, the socket event and the pages call these; nothing else decides.

- prepare a ballot: the session's chair or secretary, or its body's secretariat;
- open and close it, and settle a tie of a secret ballot the chair decides: the session's chair
  alone (issue 11: "The chair opens a ballot…", "The chair closes it"). Opening without quorum and
  settling a tie are the chair's decisions, recorded under the chair's name; the session's secretary
  runs the console with the chair (agenda, floor, presenting: meetings.access.can_chair) and
  prepares ballots and records votes by hand, but does not open or close them;
- vote: an eligible voter, fixed when the ballot opened (checked-in members with a vote, and
  stand-ins when the session lets them vote): a row of `ballot_voters`;
- record a vote by hand for a member without a working tablet: the session's secretary or the
  body's secretariat;
- see a ballot: whoever sees the session (a prepared ballot: those who may prepare it); the counts
  while it is open and who has not voted: the chair, the secretary and the secretariat.
"""
from sqlalchemy import and_, exists, select

from ecabinet.accounts.models import User
from ecabinet.bodies.models import BodyMember, RosterRole
from ecabinet.extensions import db
from ecabinet.meetings import access as meetings_access
from ecabinet.meetings.models import Meeting, Participant, Role
from ecabinet.voting.models import Ballot, BallotStatus, BallotVoter


def _active(user):
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def can_prepare_ballots(user, meeting):
    return _active(user) and (meetings_access.can_chair(user, meeting)
                              or meetings_access.can_manage_meeting(user, meeting))


def can_view_ballot(user, ballot):
    if not meetings_access.can_view_meeting(user, ballot.meeting):
        return False
    return ballot.status != BallotStatus.DRAFT or can_prepare_ballots(user, ballot.meeting)


def can_edit_ballot(user, ballot):
    """Change or delete a prepared ballot (not once it opened)."""
    return can_prepare_ballots(user, ballot.meeting)


def can_run_ballots_in(user, meeting):
    """Open and close the session's ballots: its chair (a participant with the chair's role)."""
    if not _active(user):
        return False
    participant = meeting.participant_for(user)
    return participant is not None and participant.role == Role.CHAIR


def can_run_ballot(user, ballot):
    """Open and close this ballot (and give the deciding choice of a tied secret ballot)."""
    return can_run_ballots_in(user, ballot.meeting)


def can_see_counts_in(user, meeting):
    """The count per choice of the session's open ballots, and who has not voted yet."""
    return _active(user) and (meetings_access.can_chair(user, meeting)
                              or meetings_access.can_manage_meeting(user, meeting))


def live_count_viewer_ids(meeting_id):
    """can_see_counts_in as SQL, for the pushes of an open ballot's counts: the session's chair and
    secretary and its body's secretariat, active accounts (tests/voting/test_access.py proves the two
    agree on every role)."""
    session_roles = select(Participant.user_id).where(Participant.meeting_id == meeting_id,
                                                      Participant.role.in_([Role.CHAIR, Role.SECRETARY]))
    secretariat = (select(BodyMember.user_id).join(Meeting, Meeting.body_id == BodyMember.body_id)
                   .where(Meeting.id == meeting_id, BodyMember.role == RosterRole.SECRETARIAT))
    active = select(User.id).where(User.active.is_(True), User.id.in_(session_roles.union(secretariat)))
    return sorted(db.session.execute(active).scalars())


def can_see_live_counts(user, ballot):
    return can_see_counts_in(user, ballot.meeting)


def can_record_by_hand_in(user, meeting):
    """Record a vote by hand for a member without a working tablet: the session's secretary or the
    body's secretariat (the record is theirs; the chair does not write votes in)."""
    return _active(user) and meetings_access.can_manage_meeting(user, meeting)


def can_record_by_hand(user, ballot):
    return can_record_by_hand_in(user, ballot.meeting)


def voter_row(user, ballot):
    if not _active(user):
        return None
    return db.session.execute(
        select(BallotVoter).where(BallotVoter.ballot_id == ballot.id, BallotVoter.user_id == user.id)
    ).scalar_one_or_none()


def can_vote(user, ballot):
    """An eligible voter of this ballot (fixed when it opened); whether it is open is the operation's
    409, whether they voted already its other 409."""
    return voter_row(user, ballot) is not None


def first_vote_clause(ballot_id, user_id, *, lock_ballot=False):
    """can_vote of a voter who has not voted yet, on an open ballot, as SQL: the WHERE of the vote's
    one conditional UPDATE of ballot_voters (voting.operations.first_vote). The ballot's status is
    checked in the same statement (with lock_ballot, under a shared lock on its row), so a vote can
    never land after the closing commit."""
    active = exists().where(User.id == user_id, User.active.is_(True))
    open_ballot = select(Ballot.id).where(Ballot.id == ballot_id, Ballot.status == BallotStatus.OPEN)
    if lock_ballot:
        open_ballot = open_ballot.with_for_update(read=True)
    still_open = open_ballot.exists()
    return and_(BallotVoter.ballot_id == ballot_id, BallotVoter.user_id == user_id,
                BallotVoter.voted.is_(False), active, still_open)
