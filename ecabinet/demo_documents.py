"""PDFs for the demo session, laid out like provincial administrative documents (fpdf2)."""
import unicodedata
from pathlib import Path

from fpdf import FPDF

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

# Paragraphs written for the demo: plausible, generic content of a provincial submission.
BODY = [
    "Căn cứ Luật Tổ chức chính quyền địa phương và Quy chế làm việc của Ủy ban nhân dân tỉnh, "
    "{unit} kính trình Ủy ban nhân dân tỉnh xem xét nội dung sau.",
    "Trong kỳ báo cáo, các chỉ tiêu chủ yếu cơ bản đạt kế hoạch đề ra; một số chỉ tiêu về thu ngân sách "
    "và giải ngân vốn đầu tư công còn thấp so với cùng kỳ, cần tập trung chỉ đạo trong thời gian tới.",
    "Đề nghị các sở, ban, ngành và Ủy ban nhân dân các huyện, thành phố rà soát, hoàn thiện hồ sơ, "
    "đẩy nhanh tiến độ thực hiện và báo cáo kết quả trước ngày 15 của tháng sau.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách tỉnh theo phân cấp hiện hành và các nguồn vốn "
    "hợp pháp khác; không làm phát sinh thêm biên chế.",
]


def fonts_available():
    return Path(FONT).exists() and Path(BOLD_FONT).exists()


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
        for paragraph in BODY:
            pdf.set_x(20)
            pdf.multi_cell(170, 7, _nfc("    " + paragraph.format(unit=unit)), align="J")
            pdf.ln(3)
        pdf.set_xy(20, 280)
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(170, 5, _nfc(f"Trang {page}/{pages}"), align="C")
    return bytes(pdf.output())
