"""State changes of the conclusions notice: save the draft, issue (sign) it, deliver it, mark it read.
They check the rules, flush and audit; the adapter commits (and e-mails after the commit: delivery)."""
import hashlib

from flask_babel import gettext as _
from sqlalchemy import select, update

from ecabinet.audit.operations import record
from ecabinet.core.db import insert_unless_exists, unique_or, utcnow
from ecabinet.core.errors import Conflict, InvalidState, InvalidValue
from ecabinet.core.timeutil import to_local
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting
from ecabinet.minutes import operations as minutes_operations
from ecabinet.minutes import signatures as minutes_signatures
from ecabinet.notices.access import notice_open_for_drafting
from ecabinet.notices.models import ConclusionsNotice, NoticeConclusion, NoticeRecipient, NoticeStatus

MAX_CONCLUSIONS = 200
MAX_TEXT = 20_000
MAX_LINE = 500
MAX_RECIPIENTS = 30
DEFAULT_AUTHORITY_LINE = "TL. CHỦ TỊCH"
DEFAULT_SIGNER_POSITION = "CHÁNH VĂN PHÒNG"
EDITABLE = ("summary", "opening", "closing", "recipients", "authority_line", "signer_position", "conclusions")


class StaleNotice(Conflict):
    """The draft moved on since the version the client edited: nothing was saved."""

    code = "stale_notice"

    def __init__(self, current_version):
        super().__init__(_("Someone saved the notice in the meantime (version %(n)d). Your text was not saved: "
                           "reload it, then make your changes again.", n=current_version))
        self.current_version = current_version


def get_notice(meeting, *, fresh=False):
    statement = select(ConclusionsNotice).where(ConclusionsNotice.meeting_id == meeting.id)
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    return db.session.execute(statement).scalar_one_or_none()


# -- the minutes it follows ----------------------------------------------------------------------


def final_minutes_content(meeting):
    """The final minutes' content; 409 minutes_not_final before the secretary finalised them."""
    minutes = minutes_operations.get_minutes(meeting)
    if minutes is None or not minutes.is_final:
        raise InvalidState(_("The conclusions notice is prepared from the final minutes: finalise the minutes "
                             "first."), code="minutes_not_final")
    return minutes, minutes_operations.current_revision(minutes).content


def missing_minutes_signers(meeting):
    """The minutes' required signers who have not signed yet ([] once all have), in order."""
    minutes, _content = final_minutes_content(meeting)
    return [{"role": entry["slot"].field, "full_name": entry["slot"].full_name}
            for entry in minutes_signatures.signing_state(meeting, minutes) if entry["signed_at"] is None]


def minutes_fully_signed(meeting):
    try:
        return not missing_minutes_signers(meeting)
    except InvalidState:
        return False


# -- the pre-fill --------------------------------------------------------------------------------


def _person(person):
    if not person:
        return "…"
    title = person.get("title")
    return f"đồng chí {person['full_name']}" + (f", {title}" if title else "")


def _first_upper(text):
    return text[:1].upper() + text[1:]


def _date_words(value):
    from datetime import datetime

    if not value:
        return "ngày … tháng … năm …"
    moment = to_local(datetime.fromisoformat(value))
    return f"ngày {moment:%d} tháng {moment:%m} năm {moment:%Y}"


def prefill(meeting, content):
    """The draft as the final minutes suggest it: summary, opening, one numbered conclusion per agenda
    item that has one (in agenda order), the closing line and "Nơi nhận"."""
    body = (content.get("body") or {}).get("name") or meeting.body.name
    chair = content.get("chair") or {}
    times = content.get("time") or {}
    title = (content.get("meeting") or {}).get("title") or meeting.title
    chair_word = chair.get("title") or "Chủ tọa phiên họp"
    opening = (f"Vào {_date_words(times.get('started_at') or times.get('scheduled_start'))}, {body} tổ chức "
               f"{title[0].lower() + title[1:] if title else 'phiên họp'}"
               + (f" tại {content['place']}" if content.get("place") else "") + f". {_first_upper(_person(chair))} "
               f"chủ trì phiên họp. Sau khi nghe báo cáo và ý kiến thảo luận của các thành viên dự họp, "
               f"{chair_word} kết luận như sau:")
    conclusions = []
    for item in content.get("items", []):
        text = (item.get("conclusion") or "").strip()
        if text and not item.get("removed_from_agenda"):
            conclusions.append({"id": None, "number": len(conclusions) + 1, "agenda_item_id": item.get("agenda_item_id"),
                                "text": f"Về {item.get('title') or ''}: {text}"})
    return {
        "summary": f"Kết luận của {chair_word} tại {title[0].lower() + title[1:] if title else 'phiên họp'}",
        "opening": opening,
        "conclusions": conclusions,
        "closing": f"{body} thông báo để các cơ quan, đơn vị liên quan biết, thực hiện./.",
        "recipients": ["Các thành viên dự họp;", "Các cơ quan, đơn vị liên quan;", "Lưu: VT."],
        "authority_line": DEFAULT_AUTHORITY_LINE,
        "signer_position": DEFAULT_SIGNER_POSITION,
    }


def notice_content(meeting, notice=None):
    """What the notice says now: the saved draft (or issued notice), else the pre-fill."""
    if notice is None:
        _minutes, content = final_minutes_content(meeting)
        return prefill(meeting, content)
    return {
        "summary": notice.summary, "opening": notice.opening, "closing": notice.closing,
        "recipients": list(notice.recipients or []), "authority_line": notice.authority_line,
        "signer_position": notice.signer_position,
        "conclusions": [{"id": c.id, "number": c.number, "agenda_item_id": c.agenda_item_id, "text": c.text}
                        for c in notice.conclusions],
    }


# -- saving the draft ----------------------------------------------------------------------------


def _required_message(name):
    return {
        "summary": _("Write the summary that goes under the title THÔNG BÁO."),
        "opening": _("Write the opening paragraph of the notice."),
        "signer_position": _("Write the position of the person who signs."),
    }.get(name) or _("The field %(name)s is required.", name=name)


def _text(data, name, limit, *, required=True):
    value = data.get(name)
    if value is None and not required:
        value = ""
    if not isinstance(value, str):
        raise InvalidValue(_("The field %(name)s must be text.", name=name), field=name)
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        raise InvalidValue(_required_message(name), field=name)
    if len(value) > limit:
        raise InvalidValue(_("The field %(name)s is too long (at most %(n)d characters).", name=name, n=limit),
                           field=name)
    return value


def _recipients(value):
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
        raise InvalidValue(_("The field %(name)s must be a list of lines.", name="recipients"), field="recipients")
    lines = [line.strip().removeprefix("-").strip() for line in value]
    lines = [line for line in lines if line]
    if len(lines) > MAX_RECIPIENTS or any(len(line) > MAX_LINE for line in lines):
        raise InvalidValue(_("The list of recipients is too long."), field="recipients")
    return lines


def _conclusions(value, meeting):
    """[(id or None, agenda_item_id or None, text)] of the submitted conclusions; blank ones dropped."""
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise InvalidValue(_("The field %(name)s must be a list of objects.", name="conclusions"),
                           field="conclusions")
    items = {item.id for item in meeting.agenda_items}
    cleaned = []
    for entry in value:
        text = entry.get("text")
        if not isinstance(text, str):
            raise InvalidValue(_("Each conclusion needs its text."), field="conclusions")
        text = text.replace("\r\n", "\n").strip()
        if len(text) > MAX_TEXT:
            raise InvalidValue(_("The field %(name)s is too long (at most %(n)d characters).", name="conclusions",
                                 n=MAX_TEXT), field="conclusions")
        ident, item = entry.get("id"), entry.get("agenda_item_id")
        for name, number in (("id", ident), ("agenda_item_id", item)):
            if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
                raise InvalidValue(_("The field %(name)s must be a whole number.", name=name), field="conclusions")
        if text:
            cleaned.append((ident, item if item in items else None, text))
    if not cleaned:
        raise InvalidValue(_("The notice needs at least one conclusion."), code="no_conclusions",
                           field="conclusions")
    if len(cleaned) > MAX_CONCLUSIONS:
        raise InvalidValue(_("Too many conclusions (at most %(n)d).", n=MAX_CONCLUSIONS), field="conclusions")
    return cleaned


def _clean(meeting, submitted, current):
    if not isinstance(submitted, dict):
        raise InvalidValue(_("The request must be a JSON object."), field="content")
    merged = {**current, **{k: v for k, v in submitted.items() if k in EDITABLE}}
    return {
        "summary": _text(merged, "summary", MAX_LINE), "opening": _text(merged, "opening", MAX_TEXT),
        "closing": _text(merged, "closing", MAX_TEXT, required=False),
        "authority_line": _text(merged, "authority_line", 200, required=False),
        "signer_position": _text(merged, "signer_position", 200),
        "recipients": _recipients(merged.get("recipients")),
        "conclusions": _conclusions(merged.get("conclusions"), meeting),
    }


def require_open(meeting, notice):
    from ecabinet.meetings.operations import refuse_if_archived

    if notice is not None and notice.is_issued:
        raise InvalidState(_("The notice has been issued and signed; it can no longer be changed."),
                           code="notice_issued")
    refuse_if_archived(meeting)
    if not notice_open_for_drafting(meeting):
        raise InvalidState(_("The conclusions notice is prepared once the session has ended."),
                           code="meeting_not_ended")


def _version(base_version):
    if base_version is None:
        return None
    if isinstance(base_version, bool) or not isinstance(base_version, int) or base_version < 0:
        raise InvalidValue(_("base_version must be the version of the notice you edited (0 for none)."),
                           field="base_version")
    return base_version


def save_draft(meeting, submitted, *, actor, base_version=None):
    """Save the draft: the given fields over what is saved (or the pre-fill). Conclusions are
    numbered 1, 2, … in the order given; one that names its `id` keeps its row. Returns the notice.
    A `base_version` that is not the saved one raises StaleNotice (409)."""
    base = _version(base_version)
    require_open(meeting, get_notice(meeting))
    final_minutes_content(meeting)
    notice = get_notice(meeting, fresh=True)
    current_version = notice.version if notice else 0
    if base is not None and base != current_version:
        raise StaleNotice(current_version)
    values = _clean(meeting, submitted, notice_content(meeting, notice))
    now = utcnow()
    if notice is None:
        insert_unless_exists(db.session, ConclusionsNotice, meeting_id=meeting.id, status=NoticeStatus.DRAFT,
                             version=0, created_at=now, updated_at=now, summary="", opening="", closing="",
                             recipients=[], authority_line="", signer_position="")
        # Still compared with version 0 below: when a parallel first save won, the row already moved on.
        notice = get_notice(meeting, fresh=True)
    # Compare-and-set on the version: of two saves of the same version, one wins, the other is stale.
    moved = db.session.execute(
        update(ConclusionsNotice).where(ConclusionsNotice.id == notice.id,
                                        ConclusionsNotice.version == current_version,
                                        ConclusionsNotice.status == NoticeStatus.DRAFT)
        .values(version=current_version + 1, updated_at=now, updated_by_id=actor.id,
                **{k: values[k] for k in ("summary", "opening", "closing", "recipients", "authority_line",
                                          "signer_position")})
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        fresh = get_notice(meeting, fresh=True)
        require_open(meeting, fresh)
        raise StaleNotice(fresh.version)
    db.session.refresh(notice)
    _replace_conclusions(notice, values["conclusions"])
    record("notice.saved", actor=actor, obj=notice, meeting_id=meeting.id, version=notice.version,
           conclusions=len(values["conclusions"]))
    return notice


def _replace_conclusions(notice, wanted):
    """Rows for the wanted conclusions, numbered in order; a row named by id keeps its id."""
    existing = {row.id: row for row in notice.conclusions}
    keep = {ident for ident, _item, _text in wanted if ident in existing}
    for ident, row in existing.items():
        if ident not in keep:
            notice.conclusions.remove(row)
    # Park the kept rows on numbers no one uses, so renumbering never meets the unique (notice, number).
    for offset, ident in enumerate(sorted(keep)):
        existing[ident].number = -1 - offset
    db.session.flush()
    rows = []
    for number, (ident, item, text) in enumerate(wanted, start=1):
        row = existing.get(ident) if ident in keep else None
        if row is None:
            row = NoticeConclusion(notice=notice)
            db.session.add(row)
        keep.discard(ident)
        row.number, row.agenda_item_id, row.text = number, item, text
        rows.append(row)
    db.session.flush()
    db.session.expire(notice, ["conclusions"])
    return rows


# -- issuing -------------------------------------------------------------------------------------


def issue(meeting, user, pin):
    """`user` issues the notice: it is rendered with today's date, signed with their certificate
    (signing.operations.sign: PIN, certificate checks, PAdES), stored, and delivered in the app to the
    session's participants. Refused with nothing written while the minutes are not signed by all
    their signers (409 minutes_not_signed), once issued (409 notice_issued), for a wrong PIN (403)
    or an unusable certificate (409)."""
    from ecabinet.notices.notice_pdf import render_for_signing
    from ecabinet.signing.operations import sign

    require_open(meeting, get_notice(meeting))
    missing = missing_minutes_signers(meeting)
    if missing:
        raise InvalidState(_("The notice is issued once the minutes are signed by all their signers (still "
                             "missing: %(names)s).", names=", ".join(m["full_name"] or m["role"] for m in missing)),
                           code="minutes_not_signed")
    notice = get_notice(meeting)
    version = notice.version if notice else None  # what is signed is this version's text, or the pre-fill
    content = notice_content(meeting, notice)
    _clean(meeting, content, content)  # the pre-fill too must have a conclusion (422 no_conclusions)
    pdf, box = render_for_signing(meeting, content, signer_name=user.full_name, day=to_local(utcnow()).date())
    signed = sign(pdf, user, pin, box, certify=True, location=meeting.body.place_name)
    if notice is None:  # nobody saved the draft: the pre-fill just signed becomes it
        notice = save_draft(meeting, {}, actor=user, base_version=0)
        version = notice.version
    now = utcnow()
    moved = db.session.execute(
        update(ConclusionsNotice).where(ConclusionsNotice.id == notice.id, ConclusionsNotice.version == version,
                                        ConclusionsNotice.status == NoticeStatus.DRAFT)
        .values(status=NoticeStatus.ISSUED, issued_at=now, issued_by_id=user.id, pdf=signed,
                sha256=hashlib.sha256(signed).hexdigest())
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        fresh = get_notice(meeting, fresh=True)
        if fresh.is_issued:
            raise InvalidState(_("The notice has been issued and signed; it can no longer be changed."),
                               code="notice_issued")
        raise StaleNotice(fresh.version)
    db.session.refresh(notice)
    delivered = _deliver(notice, meeting, now)
    record("notice.issued", actor=user, obj=notice, meeting_id=meeting.id, sha256=notice.sha256,
           conclusions=len(content["conclusions"]), recipients=delivered)
    return notice


def _deliver(notice, meeting, now):
    """A NoticeRecipient for every active participant of the session: the notice is in their list."""
    from ecabinet.meetings.models import Participant

    users = [p.user for p in db.session.execute(select(Participant).where(Participant.meeting_id == meeting.id))
             .scalars() if p.user.active]
    for user in users:
        with unique_or(db.session, lambda: Conflict(code="already_delivered")):
            db.session.add(NoticeRecipient(notice_id=notice.id, user_id=user.id, delivered_at=now))
    return len(users)


def recipients(notice):
    if notice is None:
        return []
    return db.session.execute(select(NoticeRecipient).where(NoticeRecipient.notice_id == notice.id)
                              .order_by(NoticeRecipient.id)).scalars().all()


def recipient_row(notice, user):
    if notice is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.execute(select(NoticeRecipient).where(NoticeRecipient.notice_id == notice.id,
                                                            NoticeRecipient.user_id == user.id)).scalar_one_or_none()


def mark_read(notice, user):
    """The recipient opened the issued notice (the first time counts)."""
    db.session.execute(update(NoticeRecipient).where(NoticeRecipient.notice_id == notice.id,
                                                     NoticeRecipient.user_id == user.id,
                                                     NoticeRecipient.read_at.is_(None))
                       .values(read_at=utcnow()).execution_options(synchronize_session=False))


def notices_for(user):
    """[(notice, recipient row, meeting)] of the notices sent to `user`, newest first."""
    return db.session.execute(
        select(ConclusionsNotice, NoticeRecipient, Meeting)
        .join(NoticeRecipient, NoticeRecipient.notice_id == ConclusionsNotice.id)
        .join(Meeting, Meeting.id == ConclusionsNotice.meeting_id)
        .where(NoticeRecipient.user_id == user.id)
        .order_by(ConclusionsNotice.issued_at.desc(), ConclusionsNotice.id.desc())).all()
