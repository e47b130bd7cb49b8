"""Pure PDF helpers (pypdf, fpdf2): inspection of untrusted files, watermarks, the meeting book.

Nothing here knows about Flask or the database. `python -m ecabinet.documents.pdf FILE MAX_PAGES`
inspects one file and prints JSON; validation.py runs it in a subprocess with resource limits.
"""
import io
import json
import sys
import unicodedata

PDF_MAGIC = b"%PDF-"
DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEFAULT_BOLD_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

# Pages whose decoded content streams exceed this are treated as decompression bombs.
MAX_DECODED_PAGE_BYTES = 64 * 1024 * 1024


class PdfRejected(Exception):
    """The file is not an acceptable PDF; `code` says why (the caller words the message)."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def nfc(text):
    """Vietnamese text in composed form: fonts render decomposed diacritics wrongly."""
    return unicodedata.normalize("NFC", text or "")


def looks_like_pdf(head):
    """The PDF header must appear within the first 1024 bytes (as readers accept)."""
    return PDF_MAGIC in head[:1024]


def inspect_pdf(path, max_pages):
    """Open, count pages, decode every page's content; raise PdfRejected with a reason code."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError

    with open(path, "rb") as handle:
        head = handle.read(1024)
    if not looks_like_pdf(head):
        raise PdfRejected("not_pdf")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise PdfRejected("encrypted")
        count = len(reader.pages)
        if count <= 0:
            raise PdfRejected("no_pages")
        if count > max_pages:
            raise PdfRejected("too_many_pages", pages=count, limit=max_pages)
        for page in reader.pages:
            _ = page.mediabox
            contents = page.get_contents()
            if contents is not None and len(contents.get_data()) > MAX_DECODED_PAGE_BYTES:
                raise PdfRejected("decompression_bomb")
        title = None
        try:
            title = reader.metadata.title if reader.metadata else None
        except Exception:  # noqa: BLE001 - metadata is optional and often malformed
            title = None
        return {"pages": count, "title": str(title) if title else None}
    except PdfRejected:
        raise
    except LimitReachedError:
        raise PdfRejected("decompression_bomb") from None
    except FileNotDecryptedError:
        raise PdfRejected("encrypted") from None
    except RecursionError:
        raise PdfRejected("too_complex") from None
    except MemoryError:
        raise PdfRejected("too_complex") from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            AssertionError, UnicodeError, ZeroDivisionError):
        raise PdfRejected("corrupt") from None


# -- watermark ------------------------------------------------------------------


def _stamp_page(width, height, lines, footer, font_path):
    """A transparent page of the given size with the reader's name across it and a footer line."""
    from fpdf import FPDF
    from pypdf import PdfReader

    pdf = FPDF(unit="pt", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_page()
    pdf.add_font("wm", "", font_path)
    size = max(12.0, min(width, height) / 18)
    with pdf.local_context(fill_opacity=0.16, text_color=(180, 38, 42)):
        pdf.set_font("wm", size=size)
        with pdf.rotation(angle=35, x=width / 2, y=height / 2):
            block = size * 1.35 * len(lines)
            y = height / 2 - block / 2
            for line in lines:
                text = nfc(line)
                pdf.set_xy(width / 2 - pdf.get_string_width(text) / 2, y)
                pdf.cell(pdf.get_string_width(text) + 2, size * 1.35, text)
                y += size * 1.35
    with pdf.local_context(fill_opacity=0.85, text_color=(150, 30, 34)):
        pdf.set_font("wm", size=max(6.5, min(width, height) / 85))
        text = nfc(footer)
        pdf.set_xy(18, height - 20)
        pdf.cell(width - 36, 12, text, align="C")
    return PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0]


def watermark_pdf(source, target, lines, footer, font_path=DEFAULT_FONT):
    """Write `source` to `target` with a stamp on every page (one overlay per page size)."""
    from pypdf import PdfReader, PdfWriter, Transformation

    reader = PdfReader(source)
    writer = PdfWriter(clone_from=reader)
    stamps = {}
    for page in writer.pages:
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        if page.get("/Rotate", 0) % 180:
            pass  # the stamp follows the page's own coordinates; still readable across the page
        key = (round(width, 1), round(height, 1))
        if key not in stamps:
            stamps[key] = _stamp_page(width, height, lines, footer, font_path)
        page.merge_transformed_page(stamps[key], Transformation().translate(float(box.left), float(box.bottom)),
                                    over=True)
        page.compress_content_streams()
    with open(target, "wb") as out:
        writer.write(out)


# -- meeting book ---------------------------------------------------------------

# The contents page: rows wrap (a long title is never cut short) and flow over as many pages as needed.
TOC_TOP, TOC_BOTTOM = 40, 280          # mm: where rows start and must end on each page
TOC_LEFT, TOC_NUMBER_X, TOC_RIGHT = 20, 172, 190
TOC_LINE = {0: 6.2, 1: 5.6}           # mm per line of a section / document row
TOC_FONT = {0: ("B", 11), 1: ("", 10.5)}
TOC_INDENT = {0: 0, 1: 8}
TOC_GAP = 3.2                          # mm between rows


def _toc_fonts(pdf, font_path, bold_font_path):
    pdf.add_font("book", "", font_path)
    pdf.add_font("book", "B", bold_font_path)


def _toc_layout(pdf, rows):
    """[[(level, lines, offset, height)]] per contents page: each row's title wrapped to its column."""
    pages, page, y = [], [], TOC_TOP
    for level, title, offset in rows:
        pdf.set_font("book", *TOC_FONT[level])
        width = TOC_NUMBER_X - TOC_LEFT - TOC_INDENT[level] - 4
        lines = pdf.multi_cell(width, TOC_LINE[level], nfc(title), dry_run=True, output="LINES")
        height = len(lines) * TOC_LINE[level]
        if page and y + height > TOC_BOTTOM:
            pages.append(page)
            page, y = [], TOC_TOP
        page.append((level, lines, offset, height))
        y += height + TOC_GAP
    pages.append(page)
    return pages


def toc_page_count(rows, font_path=DEFAULT_FONT, bold_font_path=DEFAULT_BOLD_FONT):
    """How many pages the contents of `rows` take (the body's page numbers depend on it)."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    _toc_fonts(pdf, font_path, bold_font_path)
    pdf.add_page()  # fpdf2 measures lines on a page
    return len(_toc_layout(pdf, rows))


def _front_matter(cover, toc_rows, first_body_page, font_path, bold_font_path):
    """Cover page and table of contents: (PDF bytes, links).

    toc_rows: (level, title, page offset in body); links: (front page index, rect in PDF points,
    page offset in body) for each row, so that the rows can be made clickable after merging.
    """
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    _toc_fonts(pdf, font_path, bold_font_path)
    pdf.add_page()
    pdf.set_xy(15, 18)
    if cover.get("parent"):  # the body above, in regular type, over the body's own name
        pdf.set_font("book", "", 12)
        pdf.cell(90, 6, nfc(cover["parent"]).upper(), align="C")
        pdf.set_xy(15, 24)
    pdf.set_font("book", "B", 12)
    pdf.cell(90, 6, nfc(cover["organisation"]).upper(), align="C")
    pdf.set_xy(105, 18)
    pdf.cell(95, 6, nfc(cover["motto"][0]), align="C")
    pdf.set_xy(105, 24)
    pdf.cell(95, 6, nfc(cover["motto"][1]), align="C")
    pdf.set_draw_color(180, 38, 42)
    pdf.line(135, 31, 170, 31)
    pdf.set_y(95)
    pdf.set_font("book", "B", 26)
    pdf.set_text_color(28, 78, 137)
    pdf.cell(0, 14, nfc(cover["heading"]).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(29, 39, 51)
    pdf.set_font("book", "B", 16)
    pdf.set_x(25)
    pdf.multi_cell(160, 9, nfc(cover["title"]), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("book", "", 12)
    for line in cover["lines"]:
        pdf.set_x(25)
        pdf.multi_cell(160, 7, nfc(line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(265)
    pdf.set_font("book", "", 10)
    pdf.set_text_color(91, 104, 120)
    pdf.cell(0, 6, nfc(cover["footer"]), align="C")
    pdf.set_text_color(29, 39, 51)

    links = []
    points = 72 / 25.4
    for page_index, page in enumerate(_toc_layout(pdf, toc_rows)):
        pdf.add_page()
        pdf.set_font("book", "B", 18)
        pdf.set_xy(20, 20)
        pdf.cell(170, 10, nfc(cover["toc_heading"]).upper(), align="C")
        y = TOC_TOP
        for level, lines, offset, height in page:
            pdf.set_font("book", *TOC_FONT[level])
            x = TOC_LEFT + TOC_INDENT[level]
            for number, line in enumerate(lines):
                pdf.set_xy(x, y + number * TOC_LINE[level])
                pdf.cell(TOC_NUMBER_X - x - 4, TOC_LINE[level], line)
            # The page number on the row's last line, as a reader's eye ends there.
            pdf.set_xy(TOC_NUMBER_X, y + height - TOC_LINE[level])
            pdf.cell(TOC_RIGHT - TOC_NUMBER_X, TOC_LINE[level], str(first_body_page + offset), align="R")
            bottom = y + height + TOC_GAP / 2
            pdf.set_draw_color(221, 227, 234)
            pdf.line(x, bottom, TOC_RIGHT, bottom)
            # PDF space has its origin at the bottom left, in points.
            links.append((1 + page_index, (x * points, (297 - bottom) * points, TOC_RIGHT * points,
                                           (297 - y + 1) * points), offset))
            y += height + TOC_GAP
    return bytes(pdf.output()), links


def build_book(target, cover, sections, font_path=DEFAULT_FONT, bold_font_path=DEFAULT_BOLD_FONT):
    """One PDF: cover, table of contents, then every document, with a bookmark per section and document.

    cover: dict of texts; sections: [(section title, [(document title, pdf path, page count)])]; a
    document titled None is the section's own (an agenda item's main document): the section's row
    and bookmark lead to it, with no row of its own.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link

    rows, offset = [], 0
    for section_title, documents in sections:
        rows.append((0, section_title, offset))
        for title, _path, pages in documents:
            if title is not None:
                rows.append((1, title, offset))
            offset += pages
    toc_pages = toc_page_count(rows, font_path, bold_font_path)
    first_body_page = 1 + toc_pages + 1  # printed page numbers start at 1 on the cover
    front, links = _front_matter(cover, rows, first_body_page, font_path, bold_font_path)

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)))
    body_start = len(writer.pages)
    writer.add_outline_item(title=nfc(cover["toc_heading"]), page_number=1)
    for section_title, documents in sections:
        placed = []
        for title, path, _pages in documents:
            placed.append((title, len(writer.pages)))
            writer.append(path, import_outline=False)
        if not placed:
            continue
        # Bookmarks after the pages exist: a bookmark made before its page points nowhere.
        parent = writer.add_outline_item(title=nfc(section_title), page_number=placed[0][1])
        for title, page_index in placed:
            if title is not None:
                writer.add_outline_item(title=nfc(title), page_number=page_index, parent=parent)
    for front_page, rect, offset in links:
        writer.add_annotation(front_page, Link(rect=rect, target_page_index=body_start + offset))
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": nfc(cover["title"]), "/Creator": "E-Cabinet"})
    with open(target, "wb") as out:
        writer.write(out)
    return len(writer.pages)


def main(argv):
    path, max_pages = argv[1], int(argv[2])
    try:
        info = inspect_pdf(path, max_pages)
    except PdfRejected as rejected:
        print(json.dumps({"ok": False, "code": rejected.code, "params": rejected.params}))
        return 0
    print(json.dumps({"ok": True, **info}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
