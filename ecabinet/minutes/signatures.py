"""Signing the final minutes: the required signers (the secretary, then the chair) sign in turn,
each signature an incremental update of the previous signed copy, stored as a MinutesSignature row.
The PAdES work and every refusal (wrong PIN, unusable certificate) are the signing domain's."""
import hashlib

from flask_babel import gettext as _
from sqlalchemy import select

from ecabinet.audit.operations import record
from ecabinet.core.db import unique_or
from ecabinet.core.errors import InvalidState, NotAllowed
from ecabinet.extensions import db
from ecabinet.minutes import operations
from ecabinet.minutes.models import MinutesSignature
from ecabinet.minutes.pdf import SIGNERS, build_document
from ecabinet.signing.operations import SignatureBox, check_turn, sign, verify

SIGNER_TITLES = {"secretary": "Thư ký", "chair": "Chủ tọa"}


def required_signers(content):
    """[(role, person)] in signing order: the secretary, then the chair (those the minutes name)."""
    return [(role, content[role]) for role in SIGNERS if content.get(role)]


def signatures(minutes):
    if minutes is None:
        return []
    return db.session.execute(select(MinutesSignature).where(MinutesSignature.minutes_id == minutes.id)
                              .order_by(MinutesSignature.step)).scalars().all()


def latest_signed_pdf(minutes):
    """The newest signed copy's bytes, or None before the first signature."""
    rows = signatures(minutes)
    return rows[-1].pdf if rows else None


def _final_content(meeting):
    minutes = operations.get_minutes(meeting)
    if minutes is None or not minutes.is_final:
        raise InvalidState(_("The minutes are signed once the secretary has finalised them."),
                           code="minutes_not_final")
    return minutes, operations.current_revision(minutes).content


def _unsigned_pdf(meeting, content):
    """The final minutes rendered for the first signature, and a SignatureBox per signer's block."""
    from ecabinet.core.official_pdf import render_with_places
    from ecabinet.server import run_in_worker

    document = build_document(meeting, content, draft=False)
    data, places = run_in_worker(render_with_places, document)
    return data, {role: SignatureBox(page=place.page, rect=_inset(place.rect), name=role, title=SIGNER_TITLES[role])
                  for role, place in zip(SIGNERS, places)}


def _inset(rect, horizontal=24, vertical=3):
    """The stamp a little inside the block's blank space, so two stamps side by side do not touch."""
    x1, y1, x2, y2 = rect
    return (x1 + horizontal, y1 + vertical, x2 - horizontal, y2 - vertical)


def sign_minutes(meeting, user, pin):
    """`user` signs the final minutes in their turn; the new MinutesSignature (flushed). Refused with
    nothing written: not a required signer (403), not final / out of turn / already signed (409),
    wrong PIN (403) and unusable certificates (signing.operations.sign)."""
    minutes, content = _final_content(meeting)
    order = required_signers(content)
    mine = [role for role, person in order if person.get("user_id") == user.id]
    if not mine:
        raise NotAllowed(_("You are not one of the signers of these minutes."), code="not_a_signer")
    rows = signatures(minutes)
    signed_roles = {row.role for row in rows}
    waiting = [role for role in mine if role not in signed_roles]
    if not waiting:
        raise InvalidState(_("You have already signed these minutes."), code="already_signed")
    role = waiting[0]
    if rows:
        pdf, boxes = rows[-1].pdf, {role: SignatureBox(page=-1, rect=(0, 0, 0, 0), name=role,
                                                      title=SIGNER_TITLES[role])}
    else:
        pdf, boxes = _unsigned_pdf(meeting, content)
    check_turn([r for r, _person in order], pdf, role)
    signed = sign(pdf, user, pin, boxes[role], other_boxes=[b for name, b in boxes.items() if name != role],
                  location=meeting.body.place_name)
    row = MinutesSignature(minutes_id=minutes.id, step=len(rows) + 1, role=role, signer_id=user.id, pdf=signed,
                           sha256=hashlib.sha256(signed).hexdigest())
    with unique_or(db.session, lambda: InvalidState(_("Someone signed these minutes at the same moment: "
                                                      "reload and sign again in your turn."), code="out_of_turn")):
        db.session.add(row)
    record("minutes.signed", actor=user, obj=minutes, meeting_id=meeting.id, role=role, step=row.step,
           sha256=row.sha256)
    return row


def verification(meeting):
    """(signing.verify's report on the newest signed copy, {final, missing_signers}): `missing_signers`: the required
    signers who have not signed yet, in order. Before any signature: no report, everyone missing."""
    minutes = operations.get_minutes(meeting)
    content = operations.current_revision(minutes).content if minutes and minutes.is_final else None
    signed_roles = {row.role for row in signatures(minutes)}
    pdf = latest_signed_pdf(minutes)
    report = verify(pdf) if pdf else {"valid": False, "signatures": [], "unsigned_fields": [], "dss": False,
                                      "reasons": []}
    missing = [{"role": role, "user_id": person.get("user_id"), "full_name": person.get("full_name")}
               for role, person in (required_signers(content) if content else []) if role not in signed_roles]
    return report, {"final": content is not None, "missing_signers": missing}
