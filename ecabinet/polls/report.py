"""The summary report of a closed written poll (báo cáo tổng hợp kết quả lấy ý kiến), in the official
layout of core.official_pdf. Always Vietnamese: it is an administrative document of the body."""
from pathlib import Path

from ecabinet.bodies.models import BodyKind
from ecabinet.core.official_pdf import Heading, Letterhead, OfficialDocument, Paragraph, Signature, Table, render
from ecabinet.core.formats import format_number, official_date, official_datetime
from ecabinet.core.timeutil import to_local
from ecabinet.documents.storage import get_storage, write_atomically
from ecabinet.polls import operations
from ecabinet.server import run_in_worker

CHOICE_WORDS = {"yes": "Tán thành", "no": "Không tán thành", "abstain": "Không biểu quyết"}
RULE_WORDS = {
    "majority_of_members": "có trên một nửa tổng số thành viên tán thành",
    "majority_of_present": "có trên một nửa số thành viên tham gia ý kiến tán thành",
    "two_thirds_of_members": "có ít nhất hai phần ba tổng số thành viên tán thành",
}


def _moment(value):
    return official_datetime(value)


def _percent(count, total):
    if not total:
        return "-"
    return format_number(100 * count / total, 1, "vi") + "%"


def build_report(poll):
    """The OfficialDocument of a closed poll: counts, results and comments per question."""
    body = poll.body
    recipients = operations.recipients_in_order(poll)
    people = {r.user_id: r for r in recipients}
    answers = operations.all_answers(poll)
    total = poll.member_total or 0
    replied = len({a.user_id for a in answers if a.user_id in people})
    silence_agrees = poll.silence_counts_as.value == "yes"
    blocks = [
        Paragraph(f"{official_date(poll.sent_at).capitalize()}, {body.name} gửi Phiếu lấy ý kiến thành viên về "
                  f"“{poll.title}” đến {total} thành viên; thời hạn trả lời đến {_moment(poll.deadline)}."),
        Paragraph(("Việc lấy ý kiến kết thúc lúc " + _moment(poll.closed_at)
                   + (" khi hết thời hạn trả lời." if poll.close_reason.value == "deadline"
                      else " theo quyết định kết thúc sớm của Chủ tịch.")) + f" Có {replied}/{total} thành viên "
                  "đã gửi ý kiến."),
        Paragraph("Theo Quy chế làm việc, nội dung được thông qua khi " + RULE_WORDS[poll.decision_rule.value]
                  + "; thành viên không gửi ý kiến "
                  + ("được tính là tán thành khi xác định kết quả (số liệu vẫn ghi riêng)."
                     if silence_agrees else "không được tính là tán thành.")),
        Paragraph("Kết quả cụ thể như sau:"),
    ]
    for number, question in enumerate(poll.questions, start=1):
        tally = operations.stored_tally(question)
        blocks.append(Heading(f"{number}. {question.text}"))
        rows = [[CHOICE_WORDS[key], str(getattr(tally, key)), _percent(getattr(tally, key), total)]
                for key in ("yes", "no", "abstain")]
        rows.append(["Không gửi ý kiến", str(tally.no_reply), _percent(tally.no_reply, total)])
        rows.append(["Tổng số thành viên", str(total), _percent(total, total)])
        blocks.append(Table(["Ý kiến", "Số thành viên", "Tỷ lệ"], rows, widths=[3, 1.4, 1.2]))
        verdict = "THÔNG QUA" if tally.passed else "KHÔNG THÔNG QUA"
        counted = tally.yes + (tally.no_reply if silence_agrees else 0)
        blocks.append(Paragraph(f"Kết quả: {verdict} ({counted}/{total} thành viên tán thành"
                                + (", kể cả thành viên không gửi ý kiến" if silence_agrees and tally.no_reply else "")
                                + ").", bold=True, indent=True))
        comments = [a for a in answers if a.question_id == question.id and a.comment]
        if comments:
            blocks.append(Paragraph("Ý kiến khác của thành viên:", italic=True))
            order = {r.user_id: i for i, r in enumerate(recipients)}
            for answer in sorted(comments, key=lambda a: order.get(a.user_id, 10**6)):
                who = people.get(answer.user_id)
                name = who.user.full_name if who else answer.user.full_name
                position = f" ({who.position})" if who and who.position else ""
                blocks.append(Paragraph(f"- Đồng chí {name}{position} ({CHOICE_WORDS[answer.choice.value].lower()}): "
                                        f"{answer.comment}", indent=True))
    missing = operations.not_answered(poll)
    if missing:
        blocks.append(Paragraph("Thành viên chưa gửi đủ ý kiến: " + "; ".join(
            r.user.full_name + (f" ({r.position})" if r.position else "") for r in missing) + "."))
    blocks.append(Paragraph(f"Trên đây là báo cáo tổng hợp kết quả lấy ý kiến thành viên {body.name} "
                            "bằng văn bản./."))
    chair = next((r for r in recipients if r.is_chair), None)
    committee = body.kind in (BodyKind.PROVINCIAL, BodyKind.COMMUNE)
    signature = Signature(["TM. ỦY BAN NHÂN DÂN" if committee else f"TM. {body.name}",
                           (chair.position if chair and chair.position else "CHỦ TỊCH")],
                          name=chair.user.full_name if chair else "")
    return OfficialDocument(
        letterhead=Letterhead(body_name=body.name, parent_name=body.parent_name,
                              number="Số:        /BC-UBND", place=body.place_name,
                              day=to_local(poll.closed_at).date()),
        title="BÁO CÁO",
        subtitle=f"Kết quả lấy ý kiến thành viên {body.name} bằng văn bản\nvề {poll.title}",
        blocks=blocks, signatures=[signature],
        recipients=[f"Thành viên {body.name};", "Lưu: VT."],
        metadata_title=f"Báo cáo kết quả lấy ý kiến: {poll.title}")


def report_pdf(poll):
    """The report's path. A closed poll never changes, so it is rendered once (off the event loop:
    laying out justified text is seconds of CPU on a busy machine) and kept in the storage's cache."""
    storage = get_storage()
    target = storage.cache_path("polls", f"report-{poll.id}-{int(poll.closed_at.timestamp())}.pdf")
    if not target.exists():
        document = build_report(poll)
        run_in_worker(write_atomically, target, lambda temp: Path(temp).write_bytes(render(document)))
    return target
