"""The official document layout (Decree 30/2020) as the minutes will use it: two signature blocks,
several pages numbered from the second, a table, text given decomposed (NFD) printed as NFC."""
import io
import unicodedata
from datetime import date

from pypdf import PdfReader

from ecabinet.core.official_pdf import (
    Heading, Letterhead, OfficialDocument, Paragraph, Signature, Table, date_line, find_fonts, render,
)
from tests.conftest import ROOT


def _minutes():
    decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân xã Tân Uyên")
    blocks = [Paragraph("Thời gian: 08 giờ 00, ngày 01/12/2026. Địa điểm: Phòng họp số 1.", indent=False),
              Heading("I. NỘI DUNG PHIÊN HỌP")]
    blocks += [Paragraph(f"{n}. Ủy ban nhân dân xã thảo luận Tờ trình số {n}/TTr-UBND về kế hoạch đầu tư công "
                         "trung hạn; các thành viên phát biểu ý kiến, thống nhất giao các phòng chuyên môn "
                         "hoàn thiện hồ sơ trình cấp có thẩm quyền.") for n in range(1, 16)]
    blocks += [Heading("II. KẾT QUẢ BIỂU QUYẾT"),
               Table(["Nội dung", "Tán thành", "Không tán thành", "Không biểu quyết"],
                     [["Tờ trình số 1", "5", "1", "0"], ["Tờ trình số 2", "6", "0", "0"]], widths=[3, 1, 1, 1])]
    return OfficialDocument(
        letterhead=Letterhead(body_name=decomposed, parent_name="UBND tỉnh Lai Châu", number="Số:      /BB-UBND",
                              place="Tân Uyên", day=date(2026, 12, 1)),
        title="Biên bản", subtitle="Phiên họp thường kỳ tháng 12 năm 2026", blocks=blocks,
        signatures=[Signature(["Thư ký"], "Lù Thị Hương"), Signature(["Chủ tọa"], "Lò Văn Thanh")],
        recipients=["Thường trực Đảng ủy xã;", "Thành viên UBND xã;", "Lưu: VT."])


def test_the_minutes_layout_prints_every_part_in_nfc_on_a4():
    data = render(_minutes())
    out = ROOT / "test-artifacts" / "official"
    out.mkdir(parents=True, exist_ok=True)
    (out / "minutes.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    pages = [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]
    text = " ".join(" ".join(pages).split())
    for expected in ("UBND TỈNH LAI CHÂU", "ỦY BAN NHÂN DÂN XÃ TÂN UYÊN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Số: /BB-UBND", "Tân Uyên, ngày 01 tháng 12 năm 2026", "BIÊN BẢN",
                     "THƯ KÝ", "CHỦ TỌA", "Lù Thị Hương", "Lò Văn Thanh", "Nơi nhận:", "- Lưu: VT.",
                     "Không tán thành"):
        assert expected in text, expected
    assert unicodedata.normalize("NFD", "ỦY BAN") not in " ".join(pages)
    assert not pages[0].strip().startswith("1")  # no number on the first page
    assert pages[1].strip().startswith("2")      # the second page's number at its top
    assert b"/FontFile2" in data                 # the font is embedded


def test_date_lines_follow_the_appendix():
    assert date_line(Letterhead("X", place="Lai Châu", day=date(2026, 2, 5))) == "Lai Châu, ngày 05 tháng 02 năm 2026"
    assert date_line(Letterhead("X", place="Lai Châu", day=date(2026, 11, 30))) == \
        "Lai Châu, ngày 30 tháng 11 năm 2026"
    assert "Liberation" in find_fonts()[""] or "DejaVu" in find_fonts()[""]
