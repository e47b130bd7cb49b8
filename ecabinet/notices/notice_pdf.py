"""The conclusions notice (thông báo kết luận) as a PDF in the official layout of core.official_pdf
(Decree 30/2020/NĐ-CP, Appendix I): the body's letterhead, "Số: …/TB-UBND", the place and date, the
title THÔNG BÁO with its summary, the opening paragraph, the conclusions numbered 1., 2., …, the
closing line, "Nơi nhận:" and the signature block (TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG by default).
Always Vietnamese: it is an administrative document of the body."""
from ecabinet.core.official_pdf import Letterhead, OfficialDocument, Paragraph, Signature, render_with_places

DRAFT_MARK = "DỰ THẢO"
NUMBER = "Số:        /TB-UBND"
SIGNATURE_FIELD = "issuer"  # the PDF signature field of the one who issues the notice


def build_document(meeting, content, *, signer_name, day=None, draft=False):
    """The OfficialDocument of the notice `content` (operations.notice_content's shape)."""
    blocks = []
    if draft:
        blocks.append(Paragraph(DRAFT_MARK, bold=True, indent=False, align="C"))
    blocks.append(Paragraph(content["opening"]))
    for conclusion in content["conclusions"]:
        lines = [line.strip() for line in conclusion["text"].splitlines() if line.strip()]
        blocks.append(Paragraph(f"{conclusion['number']}. {lines[0]}"))
        blocks.extend(Paragraph(line) for line in lines[1:])
    if content.get("closing"):
        blocks.append(Paragraph(content["closing"]))
    lines = [line for line in (content.get("authority_line"), content.get("signer_position")) if line]
    return OfficialDocument(
        letterhead=Letterhead(body_name=meeting.body.name, parent_name=meeting.body.parent_name, number=NUMBER,
                              place=meeting.body.place_name, day=day),
        title="THÔNG BÁO",
        subtitle=content["summary"],
        blocks=blocks,
        signatures=[Signature(lines, name=signer_name or "")],
        recipients=[*content.get("recipients", [])],
        metadata_title=f"Thông báo: {content['summary']}")


def render_for_signing(meeting, content, *, signer_name, day):
    """The final notice and the SignatureBox of its issuer's block (rendering runs off the event loop;
    the document is built here, where the database is at hand)."""
    from ecabinet.server import run_in_worker
    from ecabinet.signing.operations import SignatureBox

    document = build_document(meeting, content, signer_name=signer_name, day=day)
    data, places = run_in_worker(render_with_places, document)
    x1, y1, x2, y2 = places[0].rect
    title = " – ".join(line for line in (content.get("authority_line"), content.get("signer_position")) if line)
    return data, SignatureBox(page=places[0].page, rect=(x1 + 18, y1 + 3, x2 - 18, y2 - 3), name=SIGNATURE_FIELD,
                              title=title)


def preview(meeting, content, *, signer_name, day):
    """The draft rendered as it would be issued today, marked DỰ THẢO (bytes)."""
    from ecabinet.server import run_in_worker

    document = build_document(meeting, content, signer_name=signer_name, day=day, draft=True)
    return run_in_worker(render_with_places, document)[0]
