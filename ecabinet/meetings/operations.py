"""State changes on sessions. They enforce the rules, flush, audit and signal (core.signals: other
domains follow agenda and lifecycle changes without being imported here); the adapter commits."""
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ecabinet.accounts.models import User
from ecabinet.audit.operations import record
from ecabinet.bodies.models import Body
from ecabinet.bodies.operations import default_body
from ecabinet.bodies.rules import WorkingRules
from ecabinet.core.db import unique_or, utcnow
from ecabinet.core.signals import agenda_changed, meeting_status_changed
from ecabinet.core.errors import Conflict, DomainError, InvalidState, InvalidValue, NotFound
from ecabinet.extensions import db
from ecabinet.meetings.models import (
    MEETING_STATUS_LABELS, AgendaItem, Confidentiality, Meeting, MeetingFormat, MeetingKind, MeetingStatus,
    Participant, Role, VOTING_ROLES,
)

# The lifecycle: which status may follow which, and the timestamp each sets.
TRANSITIONS = {
    MeetingStatus.DRAFT: {MeetingStatus.PUBLISHED},
    MeetingStatus.PUBLISHED: {MeetingStatus.LIVE, MeetingStatus.DRAFT},
    MeetingStatus.LIVE: {MeetingStatus.ENDED},
    MeetingStatus.ENDED: {MeetingStatus.ARCHIVED},
    MeetingStatus.ARCHIVED: set(),
}
_STAMPS = {MeetingStatus.PUBLISHED: "published_at", MeetingStatus.LIVE: "started_at",
           MeetingStatus.ENDED: "ended_at"}
EDITABLE_STATUSES = {MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.LIVE}


def refuse_if_archived(meeting):
    """409 session_archived: an archived session is read-only in every domain (agenda, participants,
    documents, attendance, ballots, minutes, notice); they all call this."""
    if meeting.status == MeetingStatus.ARCHIVED:
        raise InvalidState(_("This session is archived and can no longer be changed."), code="session_archived")


# Other domains' conditions for archiving (functions (meeting) that raise a DomainError to refuse):
# the minutes must not be left half-signed, for instance. Registered from their setup.
ARCHIVE_CHECKS = []


def archive_check(function):
    """Register once (create_app may run many times in one process)."""
    if function not in ARCHIVE_CHECKS:
        ARCHIVE_CHECKS.append(function)
    return function


def require_editable(meeting):
    """409 meeting_closed once the session has ended (session_archived once archived); the edit pages
    check it before showing a form."""
    refuse_if_archived(meeting)
    if meeting.status not in EDITABLE_STATUSES:
        raise InvalidState(_("This session has ended and can no longer be changed."), code="meeting_closed")


def _clean_times(starts_at, ends_at):
    if starts_at is None:
        raise InvalidValue(_("The start time is required."), field="starts_at")
    if ends_at is not None and ends_at <= starts_at:
        raise InvalidValue(_("The session must end after it starts."), field="ends_at")


def body_for_new_meeting(actor, body=None):
    """Whose session a new one is: the body named, else the one body the actor prepares sessions
    for, else the deployment's only body; 422 body_required when that leaves a choice."""
    if body is not None:
        return body
    prepared = sorted(actor.secretariat_body_ids) if actor is not None else []
    if len(prepared) == 1:
        return db.session.get(Body, prepared[0])
    if db.session.execute(select(func.count(Body.id))).scalar() <= 1:
        return default_body()
    raise InvalidValue(_("Choose the body whose session this is."), code="body_required", field="body_id")


def create_meeting(title, starts_at, *, actor, body=None, ends_at=None, location=None, kind=MeetingKind.REGULAR,
                   format=MeetingFormat.IN_PERSON, description=None, confidentiality=Confidentiality.NORMAL,
                   delegates_may_vote=False):
    title = (title or "").strip()
    if not title:
        raise InvalidValue(_("The session needs a title."), field="title")
    _clean_times(starts_at, ends_at)
    body = body_for_new_meeting(actor, body)
    meeting = Meeting(title=title, body=body, starts_at=starts_at, ends_at=ends_at,
                      location=(location or "").strip() or None, kind=MeetingKind(kind),
                      format=MeetingFormat(format), description=(description or "").strip() or None,
                      confidentiality=Confidentiality(confidentiality), delegates_may_vote=delegates_may_vote,
                      created_by_id=actor.id if actor else None, status=MeetingStatus.DRAFT)
    db.session.add(meeting)
    db.session.flush()
    record("meeting.created", actor=actor, obj=meeting, meeting_id=meeting.id, title=title)
    return meeting


def update_meeting(meeting, *, actor, title, starts_at, ends_at=None, location=None, kind=None, format=None,
                   description=None, confidentiality=None, delegates_may_vote=None):
    require_editable(meeting)
    title = (title or "").strip()
    if not title:
        raise InvalidValue(_("The session needs a title."), field="title")
    _clean_times(starts_at, ends_at)
    meeting.title, meeting.starts_at, meeting.ends_at = title, starts_at, ends_at
    meeting.location = (location or "").strip() or None
    meeting.description = (description or "").strip() or None
    if kind is not None:
        meeting.kind = MeetingKind(kind)
    if format is not None:
        meeting.format = MeetingFormat(format)
    if confidentiality is not None:
        meeting.confidentiality = Confidentiality(confidentiality)
    if delegates_may_vote is not None and delegates_may_vote != meeting.delegates_may_vote:
        meeting.delegates_may_vote = delegates_may_vote
        # Stand-ins' votes follow the setting.
        for participant in meeting.participants:
            if participant.role == Role.DELEGATE:
                participant.can_vote = delegates_may_vote
    db.session.flush()
    record("meeting.updated", actor=actor, obj=meeting, meeting_id=meeting.id)
    return meeting


def status_change_refusal(meeting, new_status):
    """Why the session cannot move to `new_status` now (an InvalidState), or None: pages ask to confirm a
    transition only when nothing refuses it, and change_status raises the same."""
    new_status = MeetingStatus(new_status)
    if new_status not in TRANSITIONS[meeting.status]:
        return InvalidState(
            _("A session that is %(current)s cannot become %(new)s.",
              current=meeting.status_label, new=str(_status_label(new_status)).lower()),
            code="invalid_transition", status=meeting.status.value)
    if new_status == MeetingStatus.PUBLISHED and not meeting.agenda_items:
        return InvalidState(_("Add at least one agenda item before publishing."), code="agenda_empty")
    if new_status == MeetingStatus.LIVE and not any(p.role == Role.CHAIR for p in meeting.participants):
        return InvalidState(_("Name a chair before starting the session."), code="no_chair")
    if new_status == MeetingStatus.ARCHIVED:
        for check in ARCHIVE_CHECKS:
            try:
                check(meeting)
            except DomainError as refusal:
                return refusal
    return None


def change_status(meeting, new_status, *, actor):
    """Move along the lifecycle; 409 for a transition the lifecycle does not allow, or that a
    domain's archive_check refuses."""
    new_status = MeetingStatus(new_status)
    refusal = status_change_refusal(meeting, new_status)
    if refusal is not None:
        raise refusal
    previous = meeting.status
    meeting.status = new_status
    if new_status in _STAMPS:
        setattr(meeting, _STAMPS[new_status], utcnow())
    if new_status == MeetingStatus.DRAFT:
        meeting.published_at = None  # withdrawn: no longer published
    if new_status == MeetingStatus.LIVE:
        meeting.rules = WorkingRules.of(meeting.body).as_dict()  # a later change of the rules leaves it alone
    db.session.flush()
    record("meeting.status_changed", actor=actor, obj=meeting, meeting_id=meeting.id,
           previous=previous.value, status=new_status.value)
    meeting_status_changed.send(meeting, previous=previous)
    return meeting


def _status_label(status):
    return MEETING_STATUS_LABELS[status]


# -- agenda -----------------------------------------------------------------


def _clean_item_fields(title, duration_minutes):
    title = (title or "").strip()
    if not title:
        raise InvalidValue(_("The agenda item needs a title."), field="title")
    if duration_minutes is not None and not 0 < duration_minutes <= 24 * 60:
        raise InvalidValue(_("The duration must be between 1 and 1440 minutes."), field="duration_minutes")
    return title


def add_agenda_item(meeting, title, *, actor, presenter=None, duration_minutes=None, description=None,
                    presenter_user=None):
    require_editable(meeting)
    title = _clean_item_fields(title, duration_minutes)
    item = AgendaItem(title=title, presenter=(presenter or "").strip() or None,
                      presenter_user=presenter_user, duration_minutes=duration_minutes,
                      description=(description or "").strip() or None,
                      position=len(meeting.agenda_items))
    meeting.agenda_items.append(item)
    db.session.flush()
    record("agenda.item_added", actor=actor, obj=item, meeting_id=meeting.id, title=title)
    agenda_changed.send(meeting)
    return item


def update_agenda_item(item, *, actor, title, presenter=None, duration_minutes=None, description=None):
    require_editable(item.meeting)
    item.title = _clean_item_fields(title, duration_minutes)
    item.presenter = (presenter or "").strip() or None
    item.duration_minutes = duration_minutes
    item.description = (description or "").strip() or None
    db.session.flush()
    record("agenda.item_updated", actor=actor, obj=item, meeting_id=item.meeting_id)
    agenda_changed.send(item.meeting)
    return item


def remove_agenda_item(item, *, actor):
    meeting = item.meeting
    require_editable(meeting)
    meeting.agenda_items.remove(item)
    _renumber(meeting)
    db.session.flush()
    record("agenda.item_removed", actor=actor, meeting_id=meeting.id, item_id=item.id, title=item.title)
    agenda_changed.send(meeting, removed_item_id=item.id)


def reorder_agenda(meeting, item_ids, *, actor):
    """Put the items in the given order; the list must name every item exactly once."""
    require_editable(meeting)
    by_id = {item.id: item for item in meeting.agenda_items}
    if sorted(item_ids) != sorted(by_id):
        raise InvalidValue(_("The new order must list every agenda item exactly once."), field="item_ids")
    for position, item_id in enumerate(item_ids):
        by_id[item_id].position = position
    meeting.agenda_items.sort(key=lambda item: item.position)
    db.session.flush()
    record("agenda.reordered", actor=actor, obj=meeting, meeting_id=meeting.id, order=item_ids)
    agenda_changed.send(meeting)
    return meeting.agenda_items


def move_agenda_item(item, offset, *, actor):
    """Move one place up (-1) or down (+1); a no-op at either end."""
    ids = [i.id for i in item.meeting.agenda_items]
    index = ids.index(item.id)
    target = index + offset
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
        reorder_agenda(item.meeting, ids, actor=actor)
    return item.meeting.agenda_items


def _renumber(meeting):
    for position, item in enumerate(sorted(meeting.agenda_items, key=lambda i: i.position)):
        item.position = position


# -- participants -----------------------------------------------------------


def invite_participant(meeting, user, role, *, actor, can_vote=None, delegate_for=None):
    """Add a user to the session with a role; voting follows the role unless said otherwise."""
    require_editable(meeting)
    role = Role(role)
    if user is None:
        raise NotFound(_("No such user."), code="user_not_found")
    if not user.active:
        raise InvalidValue(_("This account is deactivated."), field="user_id")
    def taken():
        return Conflict(_("%(name)s already takes part in this session.", name=user.full_name),
                        code="already_participant")

    if meeting.participant_for(user) is not None:
        raise taken()
    if role == Role.DELEGATE:
        represented = meeting.participant_for(delegate_for)
        if represented is None or represented.role not in VOTING_ROLES:
            raise InvalidValue(_("A stand-in must attend for a member of this session."), field="delegate_for_id")
    elif delegate_for is not None:
        raise InvalidValue(_("Only a stand-in attends for someone else."), field="delegate_for_id")
    _check_vote(meeting, role, can_vote)
    _check_single_chair(meeting, role)
    participant = Participant(user=user, role=role, delegate_for=delegate_for,
                              can_vote=_voting_default(meeting, role) if can_vote is None else can_vote)
    with unique_or(db.session, taken):  # the same person invited twice at once: one row, one 409
        meeting.participants.append(participant)
    record("participant.invited", actor=actor, obj=participant, meeting_id=meeting.id,
           user_id=user.id, role=role.value, can_vote=participant.can_vote)
    return participant


def roster_not_invited(meeting, unit=None):
    """The places of the body's roster (chair and members, from `unit` if given) not in the session yet."""
    return [place for place in sorted(meeting.body.roster, key=lambda p: p.rank)
            if place.role != "secretariat" and place.user.active and meeting.participant_for(place.user) is None
            and (unit is None or place.user.unit_id == unit.id)]


def _lock_participants(meeting):
    """Bulk invitations of one session one after the other (a row lock on PostgreSQL; SQLite has a
    single writer), then the participants as committed by whoever went before."""
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    db.session.expire(meeting, ["participants"])


def _invite_unless_taken(meeting, user, role, *, actor):
    """Invite `user`, or None when they take part already, also when a parallel request has just
    invited them: the INSERT runs in a savepoint and the unique (session, user) pair decides."""
    participant = Participant(meeting_id=meeting.id, user_id=user.id, role=role,
                              can_vote=_voting_default(meeting, role))
    try:
        with db.session.begin_nested():
            db.session.add(participant)
            db.session.flush()
    except IntegrityError:
        return None
    record("participant.invited", actor=actor, obj=participant, meeting_id=meeting.id,
           user_id=user.id, role=role.value, can_vote=participant.can_vote)
    return participant


def _invite_all(meeting, wanted, *, actor):
    """[(user, role)] into the session, skipping whoever is in it already: (invited, skipped user ids)."""
    taken = {p.user_id for p in meeting.participants}
    invited, skipped = [], []
    for user, role in wanted:
        participant = None if user.id in taken else _invite_unless_taken(meeting, user, role, actor=actor)
        if participant is None:
            skipped.append(user.id)
        else:
            invited.append(participant)
            taken.add(user.id)
    db.session.expire(meeting, ["participants"])
    return invited, skipped


def invite_roster(meeting, *, actor, unit=None):
    """Invite the body's whole roster in one action (or only its people from `unit`): the chair as
    chair when the session has none, members as members; the secretariat prepares rather than
    attends. People already in the session keep their role and are skipped, also when another
    request invites them at the same moment. Returns the new participants."""
    require_editable(meeting)
    _lock_participants(meeting)
    has_chair = any(p.role == Role.CHAIR for p in meeting.participants)
    wanted = []
    for place in roster_not_invited(meeting, unit):
        role = Role.CHAIR if place.role == "chair" and not has_chair else Role.MEMBER
        has_chair = has_chair or role == Role.CHAIR
        wanted.append((place.user, role))
    return _invite_all(meeting, wanted, actor=actor)[0]


def role_by_roster(meeting):
    """{user id: the session role the body's roster gives}: its chair and members vote as members
    (the chair of a session is named by the roster invitation or by hand), everyone else is a guest."""
    return {place.user_id: Role.MEMBER for place in meeting.body.roster if place.role != "secretariat"}


def invite_people(meeting, users, *, actor):
    """Invite a saved group, a unit or a list of people in one action: members of the body's roster
    as members, everyone else as a guest (guests never vote; the secretariat may change a role
    afterwards). Deactivated accounts and people already in the session are skipped, never an
    error. Returns (invited participants, skipped user ids)."""
    require_editable(meeting)
    _lock_participants(meeting)
    roles = role_by_roster(meeting)
    skipped = [user.id for user in users if not user.active]
    invited, taken = _invite_all(meeting, [(user, roles.get(user.id, Role.GUEST)) for user in users if user.active],
                                 actor=actor)
    return invited, skipped + taken


def _check_vote(meeting, role, can_vote):
    if role == Role.GUEST and can_vote:
        raise InvalidValue(_("Guests never vote."), field="can_vote")
    if role == Role.DELEGATE and can_vote and not meeting.delegates_may_vote:
        raise InvalidValue(_("Stand-ins vote only in a session that allows it."), field="can_vote")


def _check_single_chair(meeting, role, participant=None):
    """A session has one chair (chủ tọa); handing the chair over means changing the old one first."""
    if role != Role.CHAIR:
        return
    current = next((p for p in meeting.participants if p.role == Role.CHAIR and p is not participant), None)
    if current is not None:
        raise Conflict(_("%(name)s already chairs this session.", name=current.user.full_name), code="chair_taken")


def _check_no_stand_in(participant):
    """Someone represented by a stand-in keeps their membership until the stand-in is removed."""
    stand_in = next((p for p in participant.meeting.participants
                     if p.role == Role.DELEGATE and p.delegate_for_id == participant.user_id), None)
    if stand_in is not None:
        raise InvalidState(_("%(member)s is represented by %(stand_in)s: remove the stand-in first.",
                             member=participant.user.full_name, stand_in=stand_in.user.full_name),
                           code="has_stand_in")


def _voting_default(meeting, role):
    if role == Role.DELEGATE:
        return meeting.delegates_may_vote
    return role in VOTING_ROLES


def update_participant(participant, *, actor, role, can_vote=None):
    meeting = participant.meeting
    require_editable(meeting)
    role = Role(role)
    if meeting.status == MeetingStatus.LIVE and participant.role == Role.CHAIR and role != Role.CHAIR:
        raise InvalidState(_("The chair cannot be removed while the session is live."), code="chair_required")
    _check_vote(meeting, role, can_vote)
    _check_single_chair(meeting, role, participant)
    if role not in VOTING_ROLES:
        _check_no_stand_in(participant)
    if role == Role.DELEGATE and participant.delegate_for_id is None:
        raise InvalidValue(_("A stand-in must attend for a member of this session."), field="role")
    participant.role = role
    participant.can_vote = _voting_default(participant.meeting, role) if can_vote is None else can_vote
    if role != Role.DELEGATE:
        participant.delegate_for = None
    db.session.flush()
    record("participant.updated", actor=actor, obj=participant, meeting_id=participant.meeting_id,
           role=role.value, can_vote=participant.can_vote)
    return participant


def removal_refusal(participant):
    """Why the participant cannot be removed now (an InvalidState), or None: the page offers the removal,
    and its confirmation, only when nothing refuses it."""
    meeting = participant.meeting
    if meeting.status == MeetingStatus.LIVE and participant.role == Role.CHAIR:
        return InvalidState(_("The chair cannot be removed while the session is live."), code="chair_required")
    try:
        _check_no_stand_in(participant)
    except InvalidState as refusal:
        return refusal
    return None


def remove_participant(participant, *, actor):
    meeting = participant.meeting
    require_editable(meeting)
    refusal = removal_refusal(participant)
    if refusal is not None:
        raise refusal
    meeting.participants.remove(participant)
    db.session.flush()
    record("participant.removed", actor=actor, meeting_id=meeting.id, user_id=participant.user_id)


def invitable_users(meeting):
    """Active users not yet in the session, for the invitation picker."""
    taken = {p.user_id for p in meeting.participants}
    users = db.session.execute(select(User).where(User.active.is_(True)).order_by(User.full_name)).scalars()
    return [u for u in users if u.id not in taken]
