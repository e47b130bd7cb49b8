"""Signing the final minutes: who signs and in which order (the session's signing order), each
signature an incremental update of the previous signed copy, stored as a MinutesSignature row.
The PAdES work and every refusal about keys (wrong PIN, unusable certificate) are the signing
domain's.

The signing order is the secretary, then the chair, unless the secretary (or the body's secretariat)
set another before the first signature: the same two in either order, and extra signers from the
session's members (a vice chair, a member), each with the capacity printed over their block. Once
the first signature is given the order is locked: the PDF's signature fields were created from it.
"""
import hashlib
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from ecabinet.audit.operations import record
from ecabinet.core.db import unique_or, utcnow
from ecabinet.core.errors import Conflict, InvalidState, InvalidValue, NotAllowed
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting, Participant, Role
from ecabinet.minutes import operations
from ecabinet.minutes.access import can_sign_minutes, minutes_open_for_writing
from ecabinet.minutes.events import announce_signing_changed, signing_payload
from ecabinet.minutes.models import Minutes, MinutesSignature, MinutesSigner, MinutesStatus
from ecabinet.minutes.pdf import SIGNATURE_LINES, SIGNERS, signature_blocks
from ecabinet.signing.operations import SignatureBox, check_turn, sign, verify

SIGNER_TITLES = {"secretary": "Thư ký", "chair": "Chủ tọa"}
# Who may be added to the order besides the secretary and the chair: the session's members and those
# attending for one (guests do not sign the body's minutes).
EXTRA_SIGNER_ROLES = (Role.MEMBER, Role.DELEGATE)
MAX_EXTRA_SIGNERS = 6
MAX_TITLE = 120
DEFAULT_EXTRA_TITLE = "Thành viên"


@dataclass(frozen=True)
class Slot:
    """One place in the signing order. `field`: the PDF's signature field; `kind`: "secretary",
    "chair" or "extra"; `capacity`: the line over the block (THƯ KÝ, CHỦ TỌA, or the extra's title)."""

    field: str
    kind: str
    user_id: int | None
    full_name: str
    title: str | None
    capacity: str
    signs_as: str | None = None  # an extra signer's capacity as the secretary wrote it

    @property
    def reason(self):
        """What the signature says the signer signs as (its /Reason)."""
        return SIGNER_TITLES.get(self.kind) or self.signs_as or self.capacity


def extra_field(user_id):
    return f"member_{user_id}"


def _default_slots(content):
    return [_named_slot(role, content) for role in SIGNERS if content.get(role)]


def _named_slot(role, content):
    person = content.get(role) or {}
    return Slot(role, role, person.get("user_id"), person.get("full_name") or "", person.get("title"),
                SIGNATURE_LINES[role])


def stored_order(minutes):
    if minutes is None:
        return []
    return db.session.execute(select(MinutesSigner).where(MinutesSigner.minutes_id == minutes.id)
                              .order_by(MinutesSigner.position)).scalars().all()


def signing_order(meeting, minutes=None, content=None):
    """[Slot] in signing order: the stored order, or the secretary then the chair. The secretary and
    the chair are those the minutes name (content: the final revision's, else the draft's)."""
    minutes = minutes if minutes is not None else operations.get_minutes(meeting)
    content = content if content is not None else operations.draft_content(meeting, minutes)
    rows = stored_order(minutes)
    if not rows:
        return _default_slots(content)
    slots = []
    for row in rows:
        if row.field in SIGNERS:
            if content.get(row.field):
                slots.append(_named_slot(row.field, content))
        elif row.user is not None:
            signs_as = row.title or DEFAULT_EXTRA_TITLE
            slots.append(Slot(row.field, "extra", row.user_id, row.user.full_name, row.user.title,
                              signs_as.upper(), signs_as))
    return slots


def blocks_for(slots, content):
    """The PDF's signature blocks for `slots`: THƯ KÝ and CHỦ TỌA side by side, the extras below."""
    extras = [(slot.field, slot.capacity, slot.full_name) for slot in slots if slot.kind == "extra"]
    return signature_blocks(content, extras)


def signatures(minutes):
    if minutes is None:
        return []
    return db.session.execute(select(MinutesSignature).where(MinutesSignature.minutes_id == minutes.id)
                              .order_by(MinutesSignature.step)).scalars().all()


def signed_fields(minutes):
    """{field: signed_at} of the signatures given, without loading the signed copies."""
    if minutes is None:
        return {}
    return dict(db.session.execute(select(MinutesSignature.role, MinutesSignature.signed_at)
                                   .where(MinutesSignature.minutes_id == minutes.id)).all())


def latest_signed_pdf(minutes):
    """The newest signed copy's bytes, or None before the first signature."""
    rows = signatures(minutes)
    return rows[-1].pdf if rows else None


def candidates(meeting, content):
    """Participants who may be added as extra signers (protocol order), without the secretary and the
    chair the minutes name."""
    from ecabinet.meetings.queries import participants_in_protocol_order

    named = {(content.get(role) or {}).get("user_id") for role in SIGNERS}
    return [p.user for p in participants_in_protocol_order(meeting)
            if p.role in EXTRA_SIGNER_ROLES and p.user_id not in named and p.user.active]


# -- setting the order ----------------------------------------------------------------------------


def _entries(value):
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise InvalidValue(_("The signing order must be a list of signers."), field="signers")
    if len(value) > len(SIGNERS) + MAX_EXTRA_SIGNERS:
        raise InvalidValue(_("At most %(n)d people can sign besides the secretary and the chair.",
                             n=MAX_EXTRA_SIGNERS), field="signers")
    return value


def _title(entry, default):
    title = entry.get("title")
    if title is None:
        return default
    if not isinstance(title, str):
        raise InvalidValue(_("The field %(name)s must be text.", name="title"), field="signers")
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise InvalidValue(_("The field %(name)s is too long (at most %(n)d characters).", name="title",
                             n=MAX_TITLE), field="signers")
    return title or default


def _planned(meeting, content, entries):
    """[(field, user_id, title)] of a submitted order, checked: the secretary and the chair the minutes
    name, each once; extra signers who are members of the session, each once."""
    eligible = {user.id: user for user in candidates(meeting, content)}
    planned, seen = [], set()
    for entry in entries:
        role, user_id = entry.get("role"), entry.get("user_id")
        if role in SIGNERS and user_id is None:
            if not content.get(role):
                raise InvalidValue(_("The session has no %(role)s to sign.", role=SIGNER_TITLES[role].lower()),
                                   code="no_such_signer", field="signers")
            field, user_id, title = role, None, None
        elif role in (None, "extra") and isinstance(user_id, int) and not isinstance(user_id, bool):
            user = eligible.get(user_id)
            if user is None:
                raise InvalidValue(_("Only members of the session (or those attending for one) can be added as "
                                     "signers."), code="not_a_participant", field="signers")
            field, title = extra_field(user_id), _title(entry, user.title or DEFAULT_EXTRA_TITLE)
        else:
            raise InvalidValue(_("Each signer is {\"role\": \"secretary\"}, {\"role\": \"chair\"} or "
                                 "{\"user_id\": …, \"title\"?: …}."), field="signers")
        if field in seen:
            raise InvalidValue(_("Each person signs once."), code="duplicate_signer", field="signers")
        seen.add(field)
        planned.append((field, user_id, title))
    missing = [role for role in SIGNERS if content.get(role) and role not in seen]
    if missing:
        raise InvalidValue(_("The secretary and the chair always sign the minutes."), code="signer_missing",
                           field="signers")
    return planned


def _signing_started():
    return InvalidState(_("Signing has started: the signing order can no longer be changed."),
                        code="signing_started")


def _bump_version(minutes, seen, conflict):
    """Compare-and-set of minutes.signers_version from `seen`: of an order change and a signature (or
    two of either) that began on the same version, the second loses with `conflict()`."""
    moved = db.session.execute(
        update(Minutes).where(Minutes.id == minutes.id, Minutes.signers_version == seen)
        .values(signers_version=seen + 1).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise conflict()
    db.session.refresh(minutes)


def set_signing_order(meeting, entries, *, actor):
    """Store who signs the minutes and in which order (before the first signature); the new [Slot]."""
    entries = _entries(entries)
    if not minutes_open_for_writing(meeting):
        raise InvalidState(_("The signing order can be set only once the session is published and until it is "
                             "archived."), code="minutes_closed")
    minutes = operations.ensure_minutes(meeting)
    version = minutes.signers_version
    if signed_fields(minutes):
        raise _signing_started()
    content = operations.draft_content(meeting, minutes)
    planned = _planned(meeting, content, entries)

    def changed_meanwhile():
        return _signing_started() if signed_fields(minutes) else Conflict(
            _("Someone changed the signing order at the same moment: reload and check it."),
            code="signing_order_changed")

    _bump_version(minutes, version, changed_meanwhile)
    db.session.execute(delete(MinutesSigner).where(MinutesSigner.minutes_id == minutes.id))
    now = utcnow()
    for position, (field, user_id, title) in enumerate(planned, start=1):
        db.session.add(MinutesSigner(minutes_id=minutes.id, position=position, field=field, user_id=user_id,
                                     title=title, set_by_id=actor.id, set_at=now))
    db.session.flush()
    record("minutes.signing_order_set", actor=actor, obj=minutes, meeting_id=meeting.id,
           order=[field for field, _user, _title in planned])
    return signing_order(meeting, minutes, content)


# -- signing --------------------------------------------------------------------------------------


def _final_content(meeting):
    minutes = operations.get_minutes(meeting)
    if minutes is None or not minutes.is_final:
        raise InvalidState(_("The minutes are signed once the secretary has finalised them."),
                           code="minutes_not_final")
    return minutes, operations.current_revision(minutes).content


def _unsigned_pdf(meeting, content, slots):
    """The final minutes rendered for the first signature, and a SignatureBox per signer's block."""
    from ecabinet.core.official_pdf import render_with_places
    from ecabinet.minutes.pdf import build_document
    from ecabinet.server import run_in_worker

    blocks = blocks_for(slots, content)
    document = build_document(meeting, content, draft=False, signers=blocks)
    data, places = run_in_worker(render_with_places, document)
    by_field = {field: place for (field, _line, _name), place in zip(blocks, places)}
    return data, {slot.field: SignatureBox(page=by_field[slot.field].page, rect=_inset(by_field[slot.field].rect),
                                           name=slot.field, title=slot.reason) for slot in slots}


def _inset(rect, horizontal=24, vertical=3):
    """The stamp a little inside the block's blank space, so two stamps side by side do not touch."""
    x1, y1, x2, y2 = rect
    return (x1 + horizontal, y1 + vertical, x2 - horizontal, y2 - vertical)


def sign_minutes(meeting, user, pin):
    """`user` signs the final minutes in their turn; the new MinutesSignature (flushed). Refused with
    nothing written: not a required signer (403), not final / out of turn / already signed (409),
    wrong PIN (403) and unusable certificates (signing.operations.sign)."""
    minutes, content = _final_content(meeting)
    version = minutes.signers_version
    order = signing_order(meeting, minutes, content)
    mine = [slot for slot in order if slot.user_id == user.id]
    if not mine:
        raise NotAllowed(_("You are not one of the signers of these minutes."), code="not_a_signer")
    rows = signatures(minutes)
    signed_fields = {row.role for row in rows}
    waiting = [slot for slot in mine if slot.field not in signed_fields]
    if not waiting:
        raise InvalidState(_("You have already signed these minutes."), code="already_signed")
    slot = waiting[0]
    if rows:
        pdf, boxes = rows[-1].pdf, {slot.field: SignatureBox(page=-1, rect=(0, 0, 0, 0), name=slot.field,
                                                             title=slot.reason)}
    else:
        pdf, boxes = _unsigned_pdf(meeting, content, order)
    check_turn([s.field for s in order], pdf, slot.field)
    signed = sign(pdf, user, pin, boxes[slot.field],
                  other_boxes=[b for name, b in boxes.items() if name != slot.field],
                  location=meeting.body.place_name)

    def raced():
        return InvalidState(_("Someone signed these minutes or changed their signing order at the same moment: "
                              "reload and sign again in your turn."), code="out_of_turn")

    _bump_version(minutes, version, raced)
    row = MinutesSignature(minutes_id=minutes.id, step=len(rows) + 1, role=slot.field, signer_id=user.id, pdf=signed,
                           sha256=hashlib.sha256(signed).hexdigest())
    with unique_or(db.session, raced):
        db.session.add(row)
    record("minutes.signed", actor=user, obj=minutes, meeting_id=meeting.id, role=slot.field, step=row.step,
           sha256=row.sha256)
    return row


def signing_state(meeting, minutes=None):
    """[{slot, signed_at or None, turn}] in signing order; `turn` marks the first unsigned one
    (only once the minutes are final)."""
    minutes = minutes if minutes is not None else operations.get_minutes(meeting)
    final = bool(minutes and minutes.is_final)
    content = operations.current_revision(minutes).content if final else None
    order = signing_order(meeting, minutes, content)
    given = signed_fields(minutes)
    state, turn_given = [], False
    for slot in order:
        signed_at = given.get(slot.field)
        turn = final and signed_at is None and not turn_given
        turn_given = turn_given or turn
        state.append({"slot": slot, "signed_at": signed_at, "turn": turn})
    return state


def awaiting_signature(user):
    """The sessions whose final minutes wait for `user`'s signature now (their turn has come), the
    newest first: the notice on the home page. Only minutes the user may sign are looked at (the
    session's chair or secretary, or named in its signing order)."""
    organiser = select(Participant.meeting_id).where(Participant.user_id == user.id,
                                                     Participant.role.in_([Role.CHAIR, Role.SECRETARY]))
    named = select(MinutesSigner.minutes_id).where(MinutesSigner.user_id == user.id)
    # Minutes the user has signed are done for them (one place in an order each): a chair of many
    # sessions does not have every signed set of minutes looked at again on each home page.
    signed = select(MinutesSignature.minutes_id).where(MinutesSignature.signer_id == user.id)
    candidates = db.session.execute(
        select(Minutes).join(Meeting, Meeting.id == Minutes.meeting_id)
        .where(Minutes.status == MinutesStatus.FINAL, Minutes.id.not_in(signed),
               or_(Minutes.meeting_id.in_(organiser), Minutes.id.in_(named)))
        .order_by(Meeting.starts_at.desc())).scalars().all()
    return [minutes.meeting for minutes in candidates
            if can_sign_minutes(user, minutes.meeting)
            and any(entry["turn"] and entry["slot"].user_id == user.id
                    for entry in signing_state(minutes.meeting, minutes))]


def announce_changed(meeting):
    """Queue the `minutes` push (minutes.events) of the signing state this transaction leaves: after
    the minutes are finalised, signed, or given a signing order."""
    minutes = operations.get_minutes(meeting, fresh=True)
    announce_signing_changed(meeting, minutes, signing_state(meeting, minutes))


def follow_state(meeting):
    """The signing state a page that follows the minutes shows (the `minutes` payload, for
    static/js/minutes/follow.js to compare with what it hears); None once everyone has signed:
    nothing more can change."""
    minutes = operations.get_minutes(meeting)
    payload = signing_payload(meeting, minutes, signing_state(meeting, minutes))
    return None if payload["complete"] else payload


def verification(meeting):
    """(signing.verify's report on the newest signed copy, {final, missing_signers}): `missing_signers`: the required
    signers who have not signed yet, in order. Before any signature: no report, everyone missing."""
    minutes = operations.get_minutes(meeting)
    final = bool(minutes and minutes.is_final)
    pdf = latest_signed_pdf(minutes)
    report = verify(pdf) if pdf else {"valid": False, "signatures": [], "unsigned_fields": [], "dss": False,
                                      "reasons": []}
    missing = [{"role": entry["slot"].field, "user_id": entry["slot"].user_id, "full_name": entry["slot"].full_name}
               for entry in signing_state(meeting, minutes) if entry["signed_at"] is None] if final else []
    return report, {"final": final, "missing_signers": missing}
