"""Real PDFs (good and malicious) generated on the fly; nothing binary is committed."""
import io
import re
import zlib

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def make_pdf(pages=3, title="Tờ trình về kế hoạch đầu tư công năm 2027", filler=0):
    """A readable A4 PDF with Vietnamese text; `filler` adds that many KB of incompressible noise."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("dv", "", FONT)
    pdf.set_font("dv", size=14)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(0, 10, f"{title} — trang {number}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("dv", size=11)
        pdf.multi_cell(0, 6, "Ủy ban nhân dân tỉnh xem xét, quyết định. Nội dung thử nghiệm đọc trên máy tính bảng. " * 6)
        pdf.set_font("dv", size=14)
    data = bytes(pdf.output())
    if filler:
        import os
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.add_attachment("noise.bin", os.urandom(filler * 1024))
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    return data


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
