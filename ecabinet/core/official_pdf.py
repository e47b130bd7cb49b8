"""Official documents as PDF in the administrative layout of Decree 30/2020/NĐ-CP (Appendix I):
A4, a serif font (Times New Roman or a metric-compatible one), the letterhead (the body above and
the body, the national name and motto), the number and the place-and-date line, the title, the
text, the signature blocks and "Nơi nhận". Reports, minutes and notices take it as they are.

The caller passes a plain structure (OfficialDocument) and gets bytes; nothing here reads the
database. Text is normalised to NFC: decomposed Vietnamese diacritics would otherwise render as
separate marks. The font comes from the system (scripts/system-deps.sh installs fonts-liberation2:
Liberation Serif has Times New Roman's metrics and every Vietnamese letter); DejaVu Serif is the
fallback.
"""
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ecabinet.core.formats import official_date

FONT_FAMILIES = (
    ("/usr/share/fonts/truetype/liberation2", "LiberationSerif-{style}.ttf",
     {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}),
    ("/usr/share/fonts/truetype/liberation", "LiberationSerif-{style}.ttf",
     {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}),
    ("/usr/share/fonts/truetype/dejavu", "DejaVuSerif{style}.ttf",
     {"": "", "B": "-Bold", "I": "-Italic", "BI": "-BoldItalic"}),
)

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# Millimetres and points of Appendix I: margins top/bottom 20-25, left 30-35, right 15-20.
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 15
HEADER_LEFT_WIDTH = 68  # the body's block; the national block takes the rest of the line
TEXT_SIZE, HEADER_SIZE, RECIPIENTS_SIZE = 14, 13, 11
NATIONAL_NAME_SIZE = 12  # Appendix I allows 12-13; at 12 it fits one line beside the body's block
LINE = 6.5  # mm between lines of 14 pt text (about 1.15 lines)


def nfc(text):
    return unicodedata.normalize("NFC", str(text)) if text is not None else ""


@dataclass
class Letterhead:
    body_name: str                    # "Ủy ban nhân dân tỉnh Lai Châu"; printed upper case, bold
    parent_name: str | None = None    # the body above, printed upper case above it
    number: str = "Số:      /BC-UBND"  # left empty for the clerk who registers the document
    place: str | None = None          # "Lai Châu"
    day: date | None = None           # None: "ngày   tháng   năm" left blank to be filled in


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    indent: bool = True    # first-line indent of the body text
    align: str = "J"       # J justified, C centred, L left


@dataclass
class Heading:
    text: str


@dataclass
class Table:
    header: list
    rows: list
    widths: list = None    # relative widths, one per column
    align: list = None     # "L"/"C"/"R" per column


@dataclass
class Signature:
    lines: list            # ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] (upper case, bold)
    name: str = ""         # the signer's full name (bold)
    note: str | None = None  # e.g. "(Đã ký)"; blank space for the hand or digital signature otherwise


@dataclass
class OfficialDocument:
    letterhead: Letterhead
    title: str                               # "BÁO CÁO", "BIÊN BẢN"
    subtitle: str | None = None              # the summary under the title (trích yếu)
    blocks: list = field(default_factory=list)
    signatures: list = field(default_factory=list)
    recipients: list = field(default_factory=list)  # lines after "Nơi nhận:"; "- " is added
    metadata_title: str | None = None


def find_fonts():
    """{style: path} of the first serif family installed; RuntimeError when none is."""
    for folder, pattern, styles in FONT_FAMILIES:
        paths = {style: Path(folder) / pattern.format(style=name) for style, name in styles.items()}
        if all(p.exists() for p in paths.values()):
            return {style: str(p) for style, p in paths.items()}
    raise RuntimeError("No serif font for official documents: install fonts-liberation2 "
                       "(or fonts-dejavu-core and fonts-dejavu-extra); see scripts/system-deps.sh")


def date_line(letterhead):
    """"Lai Châu, ngày 01 tháng 12 năm 2026" (days and months below 10 with a leading zero up to
    month 2, as Appendix I writes them: ngày 01, tháng 01, tháng 02)."""
    place = nfc(letterhead.place or "")
    day = letterhead.day
    if day is None:
        text = "ngày      tháng      năm 20"
    else:
        text = official_date(day)
    return f"{place}, {text}" if place else text.capitalize()


@dataclass(frozen=True)
class SignaturePlace:
    """Where a signature block left its blank space: page (1-based) and rect (x1, y1, x2, y2) in PDF
    points from the bottom-left corner, as signing.pades.SignatureBox takes them."""

    page: int
    rect: tuple


def render(document):
    """The PDF of `document`, as bytes."""
    return render_with_places(document)[0]


def render_with_places(document):
    """The PDF of `document` and, for each of its signatures in order, the SignaturePlace of its blank
    space (so a digital signature's visible stamp goes where a hand would sign)."""
    from fpdf import FPDF

    fonts = find_fonts()

    class Page(FPDF):
        def header(self):
            if self.page_no() > 1:  # Appendix I: page numbers in the top margin, from the second page
                self.set_font("Serif", "", HEADER_SIZE)
                self.set_y(10)
                self.cell(0, 5, str(self.page_no()), align="C")
                self.set_y(MARGIN_TOP)

    pdf = Page(orientation="P", unit="mm", format="A4")
    for style, path in fonts.items():
        pdf.add_font("Serif", style, path)
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, MARGIN_BOTTOM)
    pdf.set_title(nfc(document.metadata_title or document.subtitle or document.title))
    pdf.set_lang("vi")
    pdf.set_creator("E-Cabinet")
    pdf.signature_places = []
    pdf.add_page()
    _letterhead(pdf, document.letterhead)
    _title(pdf, document)
    for index, block in enumerate(document.blocks):
        following = document.blocks[index + 1] if index + 1 < len(document.blocks) else None
        if isinstance(block, Heading) and isinstance(following, Table):
            _keep_together(pdf, 2 * LINE + _table_height(following))  # never a heading alone at a page foot
        if isinstance(block, Paragraph):
            _paragraph(pdf, block)
        elif isinstance(block, Heading):
            _paragraph(pdf, Paragraph(block.text, bold=True, indent=True))
        elif isinstance(block, Table):
            _table(pdf, block)
        else:
            raise TypeError(f"not a block of an official document: {block!r}")
    _closing(pdf, document)
    return bytes(pdf.output()), list(pdf.signature_places)


def _centered(pdf, x, width, text, style="", size=HEADER_SIZE, height=5.6):
    pdf.set_font("Serif", style, size)
    pdf.set_x(x)
    pdf.multi_cell(width, height, nfc(text), align="C", new_x="LMARGIN", new_y="NEXT")


def _rule_under(pdf, x, width, text, style, size, fraction=None):
    """A thin rule under the last line, centred: as long as the text, or a fraction of it."""
    pdf.set_font("Serif", style, size)
    length = min(pdf.get_string_width(nfc(text)), width)
    if fraction:
        length *= fraction
    y = pdf.get_y() + 1.0
    pdf.set_line_width(0.3)
    pdf.line(x + (width - length) / 2, y, x + (width + length) / 2, y)
    return y


BODY_NAME_BREAKS = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "VĂN PHÒNG ỦY BAN NHÂN DÂN", "VĂN PHÒNG")


def _balanced(pdf, text, width):
    """`text` in one line if it fits, else in two lines as letterheads break it: the kind of body over
    the place ("ỦY BAN NHÂN DÂN" over "XÃ TÂN UYÊN"), otherwise two lines of about equal width rather
    than one orphaned word on the second line."""
    words = text.split()
    if pdf.get_string_width(text) <= width or len(words) < 2:
        return text
    for prefix in BODY_NAME_BREAKS:  # the kind of body on the first line, the place on the second
        rest = text[len(prefix):].strip()
        if text.startswith(prefix + " ") and pdf.get_string_width(rest) <= width:
            return f"{prefix}\n{rest}"
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    fitting = [s for s in splits if max(map(pdf.get_string_width, s)) <= width] or splits
    first, second = min(fitting, key=lambda s: abs(pdf.get_string_width(s[0]) - pdf.get_string_width(s[1])))
    return f"{first}\n{second}"


def _letterhead(pdf, letterhead):
    left_x, top = pdf.l_margin, pdf.t_margin
    right_x = left_x + HEADER_LEFT_WIDTH
    right_width = pdf.w - pdf.r_margin - right_x
    pdf.set_y(top)
    if letterhead.parent_name:
        _centered(pdf, left_x, HEADER_LEFT_WIDTH, nfc(letterhead.parent_name).upper())
    pdf.set_font("Serif", "B", HEADER_SIZE)
    body = _balanced(pdf, nfc(letterhead.body_name).upper(), HEADER_LEFT_WIDTH - 2)
    _centered(pdf, left_x, HEADER_LEFT_WIDTH, body, "B")
    left_rule = _rule_under(pdf, left_x, HEADER_LEFT_WIDTH, body.splitlines()[-1], "B", HEADER_SIZE, fraction=0.45)
    pdf.set_y(top)
    _centered(pdf, right_x, right_width, NATIONAL_NAME, "B", NATIONAL_NAME_SIZE)
    _centered(pdf, right_x, right_width, MOTTO, "B", TEXT_SIZE, height=6)
    right_rule = _rule_under(pdf, right_x, right_width, MOTTO, "B", TEXT_SIZE)
    line_y = max(left_rule, right_rule) + 3
    pdf.set_y(line_y)
    # A document issued with another (a regulation attached to its decision) has neither a number
    # nor a place and date of its own: number "" and no place or day leave the line out.
    if letterhead.number or letterhead.place or letterhead.day:
        _centered(pdf, left_x, HEADER_LEFT_WIDTH, letterhead.number, "", HEADER_SIZE)
        pdf.set_y(line_y)
        _centered(pdf, right_x, right_width, date_line(letterhead), "I", TEXT_SIZE)
    pdf.ln(7)


def _title(pdf, document):
    width = pdf.w - pdf.l_margin - pdf.r_margin
    _centered(pdf, pdf.l_margin, width, nfc(document.title).upper(), "B", TEXT_SIZE, height=LINE)
    last = document.title
    if document.subtitle:
        _centered(pdf, pdf.l_margin, width, document.subtitle, "B", TEXT_SIZE, height=LINE)
        last = document.subtitle.splitlines()[-1]
    _rule_under(pdf, pdf.l_margin, width, last, "B", TEXT_SIZE, fraction=0.35)
    pdf.ln(7)


def _paragraph(pdf, block):
    style = ("B" if block.bold else "") + ("I" if block.italic else "")
    pdf.set_font("Serif", style, TEXT_SIZE)
    text = nfc(block.text)
    if block.indent and block.align == "J":
        text = "\u2003\u2003" + text  # first-line indent (about 1 cm at 14 pt)
    pdf.multi_cell(0, LINE, text, align=block.align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _keep_together(pdf, height):
    if pdf.get_y() + height > pdf.h - pdf.b_margin and height < pdf.h - pdf.t_margin - pdf.b_margin:
        pdf.add_page()


TABLE_LINE, TABLE_PADDING = 5.8, 1.2


def _table_height(block):
    return (len(block.rows) + 1) * (TABLE_LINE + 2 * TABLE_PADDING) + 3


def _table(pdf, block):
    _keep_together(pdf, _table_height(block))
    width = pdf.w - pdf.l_margin - pdf.r_margin
    columns = len(block.header)
    widths = block.widths or [1] * columns
    align = block.align or ["L"] + ["C"] * (columns - 1)
    pdf.set_font("Serif", "", 12)
    pdf.set_line_width(0.2)
    with pdf.table(col_widths=widths, width=width, text_align=align, line_height=TABLE_LINE,
                   headings_style=_heading_style(), first_row_as_headings=True,
                   padding=(TABLE_PADDING, 1.5)) as table:
        row = table.row()
        for text in block.header:
            row.cell(nfc(text))
        for values in block.rows:
            row = table.row()
            for text in values:
                row.cell(nfc(text))
    pdf.ln(3)


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD")


SIGNATURE_SPACE = 24  # mm left blank for the signature


def _signature_height(signature):
    return len(signature.lines) * 6 + SIGNATURE_SPACE + 7


def _signature(pdf, x, width, top, signature):
    pdf.set_y(top)
    for line in signature.lines:
        _centered(pdf, x, width, nfc(line).upper(), "B", HEADER_SIZE, height=6)
    if signature.note:
        _centered(pdf, x, width, signature.note, "I", HEADER_SIZE, height=6)
    space_top = pdf.get_y()
    pdf.ln(SIGNATURE_SPACE - (6 if signature.note else 0))
    space_bottom, k = pdf.get_y(), pdf.k
    pdf.signature_places.append(SignaturePlace(pdf.page_no(), (round(x * k, 2), round((pdf.h - space_bottom) * k, 2),
                                                               round((x + width) * k, 2),
                                                               round((pdf.h - space_top) * k, 2))))
    _centered(pdf, x, width, signature.name, "B", TEXT_SIZE, height=6)
    return pdf.get_y()


def _recipients(pdf, x, width, top, recipients):
    pdf.set_y(top)
    pdf.set_x(x)
    pdf.set_font("Serif", "BI", 12)
    pdf.cell(width, 5.5, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", RECIPIENTS_SIZE)
    for line in recipients:
        pdf.set_x(x)
        pdf.multi_cell(width, 4.8, "- " + nfc(line), align="L", new_x="LMARGIN", new_y="NEXT")
    return pdf.get_y()


def _closing(pdf, document):
    """Signature blocks and "Nơi nhận": one signature sits on the right beside the recipients
    (Appendix I); several sit side by side (minutes: the secretary left, the chair right)."""
    signatures, recipients = document.signatures, document.recipients
    width = pdf.w - pdf.l_margin - pdf.r_margin
    needed = max([_signature_height(s) for s in signatures] + [0]) + (5 + 5 * len(recipients))
    if pdf.get_y() + min(needed, 120) > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 2
    if len(signatures) <= 1:
        half = width * 0.48
        bottom = top
        if signatures:
            bottom = _signature(pdf, pdf.l_margin + width - half, half, top, signatures[0])
        if recipients:
            bottom = max(bottom, _recipients(pdf, pdf.l_margin, width * 0.5, top, recipients))
        pdf.set_y(bottom)
        return
    # Two blocks to a row (the minutes' THƯ KÝ and CHỦ TỌA first); a row's blocks never split over
    # a page, and a lone block in the last row sits in the middle.
    column = width / 2
    bottom = top
    for start in range(0, len(signatures), 2):
        row = signatures[start:start + 2]
        if start:
            _keep_together(pdf, max(_signature_height(s) for s in row) + 4)
            top = pdf.get_y() + 4
        offset = (width - column) / 2 if len(row) == 1 else 0
        bottom = top
        for index, signature in enumerate(row):
            bottom = max(bottom, _signature(pdf, pdf.l_margin + offset + index * column, column, top, signature))
        pdf.set_y(bottom)
    pdf.set_y(bottom + 6)
    if recipients:
        _recipients(pdf, pdf.l_margin, width * 0.5, pdf.get_y(), recipients)
