"""The minutes (biên bản) as a PDF in the official layout of core.official_pdf (Decree 30/2020/NĐ-CP,
Appendix I), built from a revision's content (docs/minutes.md). Always Vietnamese: it is an
administrative document of the body. Ballots are printed from their stored values, never recomputed.
"""
import hashlib
import json
from datetime import datetime
from pathlib import Path

from ecabinet.core.formats import official_datetime
from ecabinet.core.official_pdf import (
    Heading, Letterhead, OfficialDocument, Paragraph, Signature, render_with_places,
)
from ecabinet.documents.storage import get_storage, write_atomically
from ecabinet.server import run_in_worker

DRAFT_MARK = "DỰ THẢO"
SIGNERS = ("secretary", "chair")  # the order of the signature blocks: THƯ KÝ left, CHỦ TỌA right
SIGNATURE_LINES = {"secretary": "THƯ KÝ", "chair": "CHỦ TỌA"}

ABSENCE_WORDS = {"absent_excused": "vắng có lý do", "absent": "vắng không có lý do"}
RULE_WORDS = {
    "majority_of_members": "quá nửa tổng số thành viên tán thành",
    "majority_of_present": "quá nửa số thành viên có mặt tán thành",
    "two_thirds_of_members": "ít nhất hai phần ba tổng số thành viên tán thành",
}
RESULT_WORDS = {"passed": "THÔNG QUA", "failed": "KHÔNG THÔNG QUA"}
COUNT_WORDS = (("yes", "Tán thành"), ("no", "Không tán thành"), ("abstain", "Không biểu quyết"),
               ("not_voted", "Không tham gia biểu quyết"))


def _moment(value):
    return datetime.fromisoformat(value) if value else None


def _clock(moment):
    return official_datetime(moment) if moment else \
        "…… giờ …… phút, ngày …… tháng …… năm ……"


def _who(person, *, with_title=True):
    if not person:
        return "…"
    title = person.get("title") or person.get("unit")
    return f"Ông (Bà) {person['full_name']}" + (f", {title}" if with_title and title else "")


def _names(people):
    return "; ".join(_who(p) for p in people) + "."


def _attendance_blocks(content):
    attendance = [p for p in content.get("attendance", []) if p.get("role") != "chair"]
    blocks = [Paragraph(f"- Chủ tọa: {_who(content.get('chair'))}."),
              Paragraph(f"- Thư ký: {_who(content.get('secretary'))}.")]
    present = [p for p in attendance if p.get("state") == "present"]
    online = [p for p in attendance if p.get("state") == "present_online"]
    substituted = [p for p in attendance if p.get("state") == "substituted"]
    absent = [p for p in attendance if p.get("state") in ABSENCE_WORDS]
    unknown = [p for p in attendance if p.get("state") not in ABSENCE_WORDS
               and p.get("state") not in ("present", "present_online", "substituted")]
    if present:
        blocks.append(Paragraph(f"- Thành viên có mặt ({len(present)}): {_names(present)}"))
    if online:
        blocks.append(Paragraph(f"- Thành viên dự họp trực tuyến ({len(online)}): {_names(online)}"))
    for person in substituted:
        stand_in = person.get("stand_in")
        blocks.append(Paragraph(f"- {_who(stand_in)} dự họp thay {_who(person)}." if stand_in
                                else f"- {_who(person)}: cử người dự họp thay."))
    if absent:
        lines = []
        for person in absent:
            line = f"{_who(person)} ({ABSENCE_WORDS[person['state']]}"
            lines.append(line + (f": {person['reason']})" if person.get("reason") else ")"))
        blocks.append(Paragraph(f"- Thành viên vắng mặt ({len(absent)}): " + "; ".join(lines) + "."))
    if unknown:
        blocks.append(Paragraph(f"- Thành viên chưa ghi nhận tham dự ({len(unknown)}): {_names(unknown)}"))
    guests = [g for g in content.get("guests", []) if g.get("state") in (None, "present", "present_online")]
    if guests:
        blocks.append(Paragraph(f"- Khách mời: {_names(guests)}"))
    return blocks


def _speakers(people):
    return "; ".join(p["full_name"] + (f" ({p['turns']} lần)" if (p.get("turns") or 1) > 1 else "")
                     for p in people) + "."


def _ballot_blocks(ballot):
    kind = "Bỏ phiếu kín" if ballot.get("secret") else "Biểu quyết công khai"
    blocks = [Paragraph(f"{kind}: “{ballot.get('question', '')}”", italic=True)]
    rule = RULE_WORDS.get(ballot.get("rule"), ballot.get("rule_label") or ballot.get("rule") or "")
    eligible, total = ballot.get("eligible_count"), ballot.get("member_total")
    line = f"Nguyên tắc: thông qua khi có {rule}"
    if total is not None:
        line += f"; tổng số thành viên: {total}"
    if eligible is not None:
        line += f"; số thành viên biểu quyết: {eligible}"
    blocks.append(Paragraph(line + "."))
    counts = ballot.get("counts") or {}
    blocks.append(Paragraph("Kết quả biểu quyết: " + "; ".join(
        f"{word}: {counts[key]}" for key, word in COUNT_WORDS if counts.get(key) is not None) + "."))
    result = RESULT_WORDS.get(ballot.get("result"), ballot.get("result_label") or "chưa có kết quả")
    notes = []
    if ballot.get("tied"):
        notes.append("số phiếu ngang nhau" + ("; theo ý kiến của Chủ tọa" if ballot.get("decided_by_chair") else ""))
    if ballot.get("override_reason"):
        notes.append(f"biểu quyết khi chưa đủ số thành viên có mặt: {ballot['override_reason']}")
    blocks.append(Paragraph(f"Kết quả: {result}" + (f" ({'; '.join(notes)})" if notes else "") + ".", bold=True))
    return blocks


def _item_blocks(item, ballots):
    blocks = [Heading(f"{item.get('number', '')}. {item.get('title', '')}")]
    if item.get("presenter"):
        blocks.append(Paragraph(f"Trình bày: {item['presenter']}."))
    documents = item.get("documents") or []
    if documents:
        blocks.append(Paragraph("Tài liệu: " + "; ".join(
            f"{d.get('title', '')} (phiên bản {d.get('version')})" for d in documents) + "."))
    if item.get("speakers"):
        blocks.append(Paragraph("Ý kiến phát biểu: " + _speakers(item["speakers"])))
    if (item.get("discussion") or "").strip():
        blocks.append(Paragraph("Thảo luận:", italic=True))
        blocks.extend(Paragraph(line) for line in item["discussion"].splitlines() if line.strip())
    for ballot in ballots:
        blocks.extend(_ballot_blocks(ballot))
    if (item.get("conclusion") or "").strip():
        blocks.append(Paragraph("Kết luận:", bold=True, italic=True))
        blocks.extend(Paragraph(line) for line in item["conclusion"].splitlines() if line.strip())
    return blocks


def signature_blocks(content, extra=()):
    """[(field, the block's capacity line, name)] in the layout's order: THƯ KÝ and CHỦ TỌA side by
    side (Appendix I), then each extra signer's block (`extra`: the same triples) in the rows below."""
    people = {role: content.get(role) or {} for role in SIGNERS}
    return [(role, SIGNATURE_LINES[role], people[role].get("full_name", "")) for role in SIGNERS] + list(extra)


def build_document(meeting, content, *, draft, revision=None, signers=None):
    """The OfficialDocument of the minutes `content` (a revision's, or the pre-fill); `signers`:
    its signature blocks (signature_blocks), by default THƯ KÝ and CHỦ TỌA."""
    body = content.get("body") or {}
    times = content.get("time") or {}
    started = _moment(times.get("started_at")) or _moment(times.get("scheduled_start"))
    ended = _moment(times.get("ended_at"))
    blocks = []
    if draft:
        mark = DRAFT_MARK + (f" (bản lưu số {revision})" if revision else " (chưa lưu)")
        blocks.append(Paragraph(mark, bold=True, indent=False, align="C"))
    blocks += [Heading("I. THỜI GIAN, ĐỊA ĐIỂM"),
               Paragraph(f"- Thời gian: bắt đầu lúc {_clock(started)}."),
               Paragraph(f"- Địa điểm: {content.get('place') or '…'}."),
               Heading("II. THÀNH PHẦN THAM DỰ")]
    blocks += _attendance_blocks(content)
    blocks.append(Heading("III. NỘI DUNG PHIÊN HỌP"))
    ballots = (content.get("sections") or {}).get("ballots") or []
    items = [i for i in content.get("items", []) if not i.get("removed_from_agenda")]
    item_ids = {i.get("agenda_item_id") for i in items}
    for item in items:
        blocks += _item_blocks(item, [b for b in ballots if b.get("agenda_item_id") == item.get("agenda_item_id")])
    other_ballots = [b for b in ballots if b.get("agenda_item_id") not in item_ids]
    if content.get("other_speakers") or other_ballots:
        blocks.append(Heading(f"{len(items) + 1}. Nội dung khác"))
        if content.get("other_speakers"):
            blocks.append(Paragraph("Ý kiến phát biểu: " + _speakers(content["other_speakers"])))
        for ballot in other_ballots:
            blocks.extend(_ballot_blocks(ballot))
    blocks.append(Paragraph(f"Phiên họp kết thúc vào lúc {_clock(ended)}."))
    signers = signers if signers is not None else signature_blocks(content)
    return OfficialDocument(
        letterhead=Letterhead(body_name=body.get("name") or meeting.body.name,
                              parent_name=body.get("parent_name"), number="Số:        /BB-UBND",
                              place=meeting.body.place_name, day=(started.date() if started else None)),
        title="BIÊN BẢN",
        subtitle=content.get("summary") or content.get("meeting", {}).get("title") or meeting.title,
        blocks=blocks,
        signatures=[Signature([line], name=name) for _field, line, name in signers],
        recipients=["Các thành viên dự họp;", "Lưu: VT."],
        metadata_title=f"Biên bản: {content.get('summary') or meeting.title}")


def render_minutes(meeting, content, *, draft, revision=None, signers=None):
    """(pdf bytes, {field: SignaturePlace}) of the minutes."""
    signers = signers if signers is not None else signature_blocks(content)
    data, places = render_with_places(build_document(meeting, content, draft=draft, revision=revision,
                                                     signers=signers))
    return data, {field: place for (field, _line, _name), place in zip(signers, places)}


def minutes_pdf(meeting, content, *, draft, revision=None, signers=None):
    """The path of the rendered minutes, cached by what they say (rendering justified text is seconds
    of CPU, so it runs off the event loop once per content)."""
    signers = signers if signers is not None else signature_blocks(content)
    key = hashlib.sha256(json.dumps([content, draft, revision, meeting.body.place_name, signers], sort_keys=True,
                                    ensure_ascii=False, default=str).encode()).hexdigest()[:32]
    target = get_storage().cache_path("minutes", f"minutes-{meeting.id}-{key}.pdf")
    if not target.exists():
        document = build_document(meeting, content, draft=draft, revision=revision, signers=signers)
        run_in_worker(write_atomically, target, lambda temp: Path(temp).write_bytes(render_with_places(document)[0]))
    return target
