"""Real PDFs (good and malicious) generated on the fly; nothing binary is committed."""
import functools
import io
import re
import unicodedata
import zlib

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def make_pdf(pages=3, title="Tờ trình về kế hoạch đầu tư công năm 2027", filler=0):
    """A readable A4 PDF with Vietnamese text; `filler` adds that many KB of incompressible noise."""
    data = _drawn_pdf(pages, title)
    if filler:
        import os
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.add_attachment("noise.bin", os.urandom(filler * 1024))
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    return data


# Drawn once per test process: loading the Unicode font is most of a test's time otherwise (the
# access sweeps draw the same few PDFs for every case). The bytes are the same as drawing again
# within the same second, which is all a test could rely on anyway (the creation date is in them).
@functools.lru_cache(maxsize=256)
def _drawn_pdf(pages, title):
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("dv", "", FONT)
    pdf.set_font("dv", size=14)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(0, 10, f"{title} — trang {number}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("dv", size=11)
        pdf.multi_cell(0, 6, "Ủy ban nhân dân tỉnh xem xét, quyết định. Nội dung thử nghiệm đọc trên máy tính bảng. " * 6)
        pdf.set_font("dv", size=14)
    return bytes(pdf.output())


# The lines of make_budget_pdf, page by page: "ngân sách" four times (one in capitals), "đầu tư"
# twice (one with a capital Đ), for the searches that ignore diacritics and case.
BUDGET_PAGES = (
    ("BÁO CÁO THU, CHI NGÂN SÁCH NĂM 2026",
     "Ngân sách địa phương được giao theo Nghị quyết của Hội đồng nhân dân tỉnh.",
     "Dự toán thu ngân sách trên địa bàn đạt 102,5% kế hoạch năm."),
    ("Đầu tư công: giải ngân 9.876 tỷ đồng, đạt 85,4% kế hoạch vốn.",
     "Tỷ lệ chi ngân sách cho đầu tư phát triển tăng so với năm trước."),
    ("Kiến nghị: Ủy ban nhân dân tỉnh xem xét, chỉ đạo các sở, ngành thực hiện.",),
)


@functools.lru_cache(maxsize=1)
def make_budget_pdf():
    """A three-page report with Vietnamese text on known lines (BUDGET_PAGES), one line a text item."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("dv", "", FONT)
    for lines in BUDGET_PAGES:
        pdf.add_page()
        pdf.set_font("dv", size=13)
        for line in lines:
            pdf.cell(0, 12, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def raw_pdf(objects, root=1):
    """Assemble a PDF from object bodies (bytes), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _page_objects(content_stream_body):
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        content_stream_body,
    ]


def encrypted_pdf():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(1))))
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zero_pages_pdf():
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def huge_page_count_pdf(pages=2500):
    """Thousands of real (empty) pages: more than the default limit of 2000."""
    kids = b" ".join(b"%d 0 R" % (n + 3) for n in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return raw_pdf(objects)


def deeply_nested_pdf(depth=50000):
    nested = b"[" * depth + b"]" * depth
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Deep " + nested + b" >>"])


def decompression_bomb_pdf(megabytes=300):
    """A page whose few hundred KB of content inflate to `megabytes` MB."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    data = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return raw_pdf(_page_objects(stream))


def truncated_pdf():
    data = make_pdf(4)
    return data[: len(data) // 2]


def html_pdf():
    return b"<!doctype html><html><body><script>alert(1)</script>Not a PDF</body></html>\n" * 20


def not_a_pdf():
    return b"PK\x03\x04" + b"\x00" * 2000


def docx_like():
    """Enough of an Office Open XML container to be sent as .docx (conversion needs LibreOffice)."""
    out = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def page_count(data):
    return len(PdfReader(io.BytesIO(data)).pages)


def text_of(data):
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def count_marker(data, marker=rb"/Type\s*/Page\b"):
    return len(re.findall(marker, data))


# A tờ trình-like document of several distinct pages, for the live and accessibility browser tests
# (the demo's own documents are real administrative texts of fixed content).
SUBMISSION_BODY = [
    "Căn cứ Luật Tổ chức chính quyền địa phương và Quy chế làm việc của Ủy ban nhân dân tỉnh, "
    "{unit} kính trình Ủy ban nhân dân tỉnh xem xét nội dung sau.",
    "Trong kỳ báo cáo, các chỉ tiêu chủ yếu cơ bản đạt kế hoạch đề ra; một số chỉ tiêu về thu ngân sách "
    "và giải ngân vốn đầu tư công còn thấp so với cùng kỳ, cần tập trung chỉ đạo trong thời gian tới.",
    "Đề nghị các sở, ban, ngành và Ủy ban nhân dân các huyện, thành phố rà soát, hoàn thiện hồ sơ, "
    "đẩy nhanh tiến độ thực hiện và báo cáo kết quả trước ngày 15 của tháng sau.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách tỉnh theo phân cấp hiện hành và các nguồn vốn "
    "hợp pháp khác; không làm phát sinh thêm biên chế.",
]


def _nfc(text):
    return unicodedata.normalize("NFC", text)


def submission_pdf(title, unit, *, pages=4, number="…/TTr"):
    """A tờ trình-like PDF of `pages` pages: agency header, national motto, title, body, page numbers."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", FONT)
    pdf.add_font("DejaVu", "B", BOLD_FONT)
    for page in range(1, pages + 1):
        pdf.add_page()
        if page == 1:
            pdf.set_font("DejaVu", "B", 11)
            pdf.set_xy(15, 15)
            pdf.multi_cell(80, 6, _nfc(unit.upper()), align="C")
            pdf.set_xy(15, 30)
            pdf.set_font("DejaVu", "", 11)
            pdf.cell(80, 6, _nfc(f"Số: {number}"), align="C")
            pdf.set_xy(95, 15)
            pdf.set_font("DejaVu", "B", 11)
            pdf.cell(100, 6, _nfc("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), align="C")
            pdf.set_xy(95, 21)
            pdf.cell(100, 6, _nfc("Độc lập - Tự do - Hạnh phúc"), align="C")
            pdf.line(122, 28, 168, 28)
            pdf.set_xy(20, 48)
            pdf.set_font("DejaVu", "B", 14)
            pdf.multi_cell(170, 8, _nfc(title), align="C")
            pdf.ln(6)
        else:
            pdf.set_xy(20, 20)
            pdf.set_font("DejaVu", "B", 12)
            pdf.multi_cell(170, 7, _nfc(f"{page - 1}. Nội dung chi tiết"))
            pdf.ln(2)
        pdf.set_font("DejaVu", "", 12)
        pdf.set_x(20)
        for paragraph in SUBMISSION_BODY:
            pdf.set_x(20)
            pdf.multi_cell(170, 7, _nfc("    " + paragraph.format(unit=unit)), align="J")
            pdf.ln(3)
        pdf.set_xy(20, 280)
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(170, 5, _nfc(f"Trang {page}/{pages}"), align="C")
    return bytes(pdf.output())
