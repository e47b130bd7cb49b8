"""The demo's documents: what the members of a provincial People's Committee (and of one of its
communes) read before a session — a socio-economic report, a submission on public investment, a
draft resolution with its price table, a planning submission, a disbursement report, a draft
decision with the working rules it issues, a commune's budget report and its forestry plan — each
with its own content, in the administrative layout of Decree 30/2020/NĐ-CP (core.official_pdf:
letterhead, "Số: …/BC-UBND", the place-and-date line, title, body, signature block, "Nơi nhận").

Plain data and pure functions: nothing here reads the database. Months and years follow the date of
the demo session, so the documents read as current whenever the demo is loaded. Every figure is
invented for the demonstration; the tables' totals and rates are computed, so they add up.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from ecabinet.core.official_pdf import (
    Heading, Letterhead, OfficialDocument, Paragraph, Signature, Table, find_fonts, render,
)

PROVINCE = "Ủy ban nhân dân tỉnh Lai Châu"
PROVINCE_COUNCIL = "Hội đồng nhân dân tỉnh Lai Châu"
PARENT = "UBND tỉnh Lai Châu"
PLACE = "Lai Châu"
COMMUNE = "Ủy ban nhân dân xã Tân Uyên"
COMMUNE_PLACE = "Tân Uyên"


def fonts_available():
    """Whether a serif font with every Vietnamese letter is installed (scripts/system-deps.sh)."""
    try:
        find_fonts()
    except RuntimeError:
        return False
    return True


def vn(number, decimals=0):
    """A number the Vietnamese way: 1.234.567 and 12,5."""
    text = f"{number:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _rate(part, whole):
    return vn(100 * part / whole, 1) if whole else "–"


@dataclass(frozen=True)
class Calendar:
    """The dates the documents speak of, from the demo session's day."""

    session_day: date

    @property
    def month(self):
        return self.session_day.month

    @property
    def year(self):
        return self.session_day.year

    @property
    def report_month(self):
        """The month just ended, that the monthly reports cover."""
        return 12 if self.month == 1 else self.month - 1

    @property
    def report_year(self):
        return self.year - 1 if self.month == 1 else self.year

    @property
    def plan_year(self):
        return self.year + 1

    def issued(self, days_before):
        """A working day `days_before` days (or a little more) before the session."""
        day = self.session_day - timedelta(days=days_before)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day


def _province_letterhead(number, day):
    return Letterhead(body_name=PROVINCE, number=number, place=PLACE, day=day)


def _department_letterhead(department, number, day):
    return Letterhead(body_name=department, parent_name=PARENT, number=number, place=PLACE, day=day)


def _text(*paragraphs):
    return [Paragraph(text) for text in paragraphs]


def _grounds(*paragraphs):
    return [Paragraph(text, italic=True) for text in paragraphs]


def _centre(text, bold=True, italic=False):
    return Paragraph(text, bold=bold, italic=italic, indent=False, align="C")


# -- 1. the monthly socio-economic report ----------------------------------------------------------


def socio_economic_report(cal):
    m, y, nxt = cal.report_month, cal.report_year, cal.month
    indicators = [
        ("Giá trị sản xuất công nghiệp (giá so sánh)", "tỷ đồng", 1482, 14016, 109.7),
        ("Sản lượng điện sản xuất", "triệu kWh", 1135, 11842, 106.3),
        ("Tổng mức bán lẻ hàng hóa, doanh thu dịch vụ", "tỷ đồng", 1058, 10271, 111.2),
        ("Khách du lịch", "nghìn lượt", 146, 1318, 114.5),
        ("Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 268, 2846, 104.1),
        ("Giải ngân vốn đầu tư công", "tỷ đồng", 412, 3126, 108.9),
        ("Sản lượng chè búp tươi", "nghìn tấn", 5.2, 58.4, 103.6),
    ]
    rows = [[name, unit, vn(month, 1 if month < 100 else 0), vn(total, 1 if total < 100 else 0), vn(rate, 1)]
            for name, unit, month, total, rate in indicators]
    blocks = _text(
        f"Thực hiện Quy chế làm việc của Ủy ban nhân dân tỉnh, trên cơ sở báo cáo của các sở, ban, ngành và "
        f"Ủy ban nhân dân các xã, phường, Ủy ban nhân dân tỉnh báo cáo tình hình kinh tế – xã hội tháng {m}, "
        f"lũy kế {m} tháng năm {y} và nhiệm vụ, giải pháp trọng tâm tháng {nxt} như sau:")
    blocks += [Heading(f"I. TÌNH HÌNH KINH TẾ – XÃ HỘI THÁNG {m}"),
               Heading("1. Sản xuất nông, lâm nghiệp")]
    blocks += _text(
        "Toàn tỉnh đã gieo trồng 3.215 ha cây vụ Đông, đạt 96,4% kế hoạch; thu hoạch lúa Mùa cơ bản hoàn "
        "thành, năng suất bình quân ước đạt 48,6 tạ/ha, tăng 1,2 tạ/ha so với cùng kỳ. Diện tích chè đạt "
        "10.870 ha; sản lượng chè búp tươi lũy kế ước đạt 58.400 tấn. Cây mắc ca, quế và sâm Lai Châu được "
        "chăm sóc theo quy trình; vùng trồng sâm tập trung tại các xã vùng cao tiếp tục được mở rộng.",
        "Công tác quản lý, bảo vệ rừng được duy trì; tỷ lệ che phủ rừng ước đạt 51,3%. Trong tháng không "
        "xảy ra cháy rừng. Dịch bệnh trên gia súc, gia cầm được kiểm soát; đàn trâu, bò được tiêm phòng "
        "vắc-xin lở mồm long móng và tụ huyết trùng trước mùa rét đạt 92%.")
    blocks.append(Heading("2. Công nghiệp, xây dựng và đầu tư"))
    blocks += _text(
        f"Giá trị sản xuất công nghiệp tháng {m} ước đạt 1.482 tỷ đồng, tăng 9,7% so với cùng kỳ; sản lượng "
        f"điện sản xuất ước đạt 1.135 triệu kWh, chủ yếu từ các nhà máy thủy điện trên sông Đà và sông Nậm "
        f"Na. Giải ngân vốn đầu tư công lũy kế đạt 3.126 tỷ đồng, bằng 71,8% kế hoạch vốn giao. Một số dự án "
        f"giao thông trọng điểm còn vướng mắc về giải phóng mặt bằng và nguồn vật liệu đất đắp.",
        "Trong tháng cấp mới giấy chứng nhận đăng ký đầu tư cho 02 dự án với tổng vốn đăng ký 1.260 tỷ đồng; "
        "thành lập mới 38 doanh nghiệp, nâng tổng số doanh nghiệp đang hoạt động lên 1.894 doanh nghiệp.")
    blocks.append(Heading("3. Thương mại, dịch vụ, du lịch và giá cả"))
    blocks += _text(
        f"Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng tháng {m} ước đạt 1.058 tỷ đồng, tăng 11,2% "
        f"so với cùng kỳ. Khách du lịch đến tỉnh ước đạt 146 nghìn lượt, trong đó khách quốc tế 9,8 nghìn "
        f"lượt; doanh thu du lịch ước đạt 412 tỷ đồng. Chỉ số giá tiêu dùng tăng 0,28% so với tháng trước, "
        f"chủ yếu do giá lương thực và vật liệu xây dựng tăng theo mùa.")
    blocks += [Heading("4. Một số chỉ tiêu chủ yếu"),
               Table(["Chỉ tiêu", "Đơn vị", f"Tháng {m}", f"Lũy kế {m} tháng", "So cùng kỳ (%)"], rows,
                     widths=[38, 14, 14, 17, 17], align=["L", "C", "R", "R", "R"]),
               Heading("5. Thu, chi ngân sách nhà nước")]
    blocks += _text(
        "Tổng thu ngân sách nhà nước trên địa bàn lũy kế ước đạt 2.846 tỷ đồng, bằng 88,9% dự toán Trung "
        "ương giao và 84,7% dự toán Hội đồng nhân dân tỉnh giao; thu nội địa tăng 4,1% so với cùng kỳ. Chi "
        "ngân sách địa phương bảo đảm các nhiệm vụ chi thường xuyên, chi an sinh xã hội và chi đầu tư phát "
        "triển theo dự toán; không để phát sinh nợ lương, phụ cấp.")
    blocks.append(Heading("6. Văn hóa – xã hội"))
    blocks += _text(
        f"Năm học {y}–{y + 1} toàn tỉnh có 612 trường học với hơn 150 nghìn học sinh; tỷ lệ trẻ em 5 tuổi ra "
        f"lớp đạt 99,8%. Ngành y tế duy trì khám, chữa bệnh cho 1,2 nghìn lượt người mỗi ngày tại các cơ sở "
        f"công lập; tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ đạt 95,6%.",
        "Các chế độ, chính sách đối với người có công, bảo trợ xã hội được chi trả đầy đủ, kịp thời qua tài "
        "khoản; 1.146 hộ đã được hỗ trợ xóa nhà tạm, nhà dột nát. Chương trình mục tiêu quốc gia phát triển "
        "kinh tế – xã hội vùng đồng bào dân tộc thiểu số và miền núi được triển khai đúng tiến độ.")
    blocks.append(Heading("7. Quốc phòng, an ninh và cải cách hành chính"))
    blocks += _text(
        "Quốc phòng được củng cố; an ninh chính trị, trật tự an toàn xã hội được giữ vững; tình hình biên "
        "giới ổn định. Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng và trước hạn đạt 99,2%; 100% hồ sơ "
        "được tiếp nhận, giải quyết trên Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh.")
    blocks.append(Heading("II. ĐÁNH GIÁ CHUNG"))
    blocks += _text(
        "Tình hình kinh tế – xã hội trong tháng tiếp tục chuyển biến tích cực; nhiều chỉ tiêu tăng so với cùng "
        "kỳ. Tuy nhiên, tiến độ giải ngân vốn đầu tư công ở một số chủ đầu tư còn chậm; thu ngân sách từ "
        "tiền sử dụng đất đạt thấp; thời tiết rét đậm, rét hại có nguy cơ ảnh hưởng tới sản xuất vụ Đông "
        "Xuân và sức khỏe của nhân dân vùng cao.")
    blocks.append(Heading(f"III. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM THÁNG {nxt}"))
    blocks += _text(
        "1. Tập trung chỉ đạo gieo trồng cây vụ Đông; chủ động phương án phòng, chống rét cho cây trồng, vật "
        "nuôi; tăng cường tuần tra, phòng cháy, chữa cháy rừng trong mùa khô.",
        "2. Đẩy nhanh giải ngân vốn đầu tư công; các chủ đầu tư có tỷ lệ giải ngân dưới mức bình quân của "
        "tỉnh báo cáo nguyên nhân, đề xuất giải pháp trước ngày 15.",
        "3. Quyết liệt các giải pháp thu ngân sách, chống thất thu; chuẩn bị dự toán ngân sách năm "
        f"{cal.plan_year} trình Hội đồng nhân dân tỉnh.",
        "4. Chăm lo đời sống nhân dân, nhất là người nghèo, học sinh bán trú vùng cao trong mùa rét; chuẩn bị "
        "chu đáo các điều kiện để nhân dân đón Tết.",
        "5. Giữ vững quốc phòng, an ninh; nâng cao chất lượng giải quyết thủ tục hành chính trực tuyến.")
    return OfficialDocument(
        letterhead=_province_letterhead("Số: 358/BC-UBND", cal.issued(7)),
        title="BÁO CÁO",
        subtitle=f"Tình hình kinh tế – xã hội tháng {m}\nvà nhiệm vụ, giải pháp trọng tâm tháng {nxt} năm {cal.year}",
        blocks=blocks,
        signatures=[Signature(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                              name="Trần Thị Thu Hà")],
        recipients=["Văn phòng Chính phủ (b/c);", "Bộ Tài chính (b/c);", "TT. Tỉnh ủy; TT. HĐND tỉnh (b/c);",
                    "Chủ tịch, các PCT UBND tỉnh;", "Các sở, ban, ngành tỉnh;", "UBND các xã, phường;",
                    "Lưu: VT, TH."],
        metadata_title=f"Báo cáo tình hình kinh tế – xã hội tháng {m} năm {y}")


# -- 2. the submission on public investment ---------------------------------------------------------


def investment_submission(cal):
    plan = cal.plan_year
    sectors = [
        ("Giao thông", 4820, 1030),
        ("Nông nghiệp, thủy lợi, ứng phó với biến đổi khí hậu", 2150, 455),
        ("Giáo dục và đào tạo, giáo dục nghề nghiệp", 1380, 310),
        ("Y tế, dân số và gia đình", 960, 214),
        ("Văn hóa, thể thao và du lịch", 540, 118),
        ("Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số", 620, 146),
        ("Quốc phòng, an ninh", 710, 152),
        ("Hạ tầng các xã, phường (phân cấp)", 1850, 392),
        ("Vốn đối ứng các chương trình mục tiêu quốc gia", 830, 178),
        ("Dự phòng (10%)", 1540, 0),
    ]
    total_mid = sum(s[1] for s in sectors)
    total_year = sum(s[2] for s in sectors)
    rows = [[str(i), name, vn(mid), vn(year) if year else "–", _rate(mid, total_mid)]
            for i, (name, mid, year) in enumerate(sectors, start=1)]
    rows.append(["", "Tổng cộng", vn(total_mid), vn(total_year), "100,0"])
    blocks = [_centre("Kính gửi: Ủy ban nhân dân tỉnh Lai Châu.", bold=False)]
    blocks += _text(
        "Căn cứ Luật Đầu tư công ngày 29 tháng 11 năm 2024;",
        "Căn cứ Nghị quyết của Hội đồng nhân dân tỉnh về Kế hoạch đầu tư công trung hạn giai đoạn 2026–2030;",
        f"Căn cứ văn bản của Bộ Tài chính thông báo dự kiến kế hoạch vốn đầu tư nguồn ngân sách trung ương "
        f"năm {plan};",
        "Sở Tài chính kính trình Ủy ban nhân dân tỉnh xem xét, thống nhất các nội dung sau:")
    blocks.append(Heading("I. SỰ CẦN THIẾT"))
    blocks += _text(
        "Sau khi sắp xếp đơn vị hành chính cấp xã và tổ chức chính quyền địa phương hai cấp, nhiều dự án do "
        "cấp huyện trước đây làm chủ đầu tư được chuyển giao cho các ban quản lý dự án của tỉnh và Ủy ban "
        "nhân dân các xã, phường. Một số dự án trọng điểm về giao thông kết nối và hạ tầng cửa khẩu cần bổ "
        "sung vốn để hoàn thành đúng tiến độ; đồng thời nguồn thu tiền sử dụng đất dự kiến thấp hơn kế "
        "hoạch. Vì vậy, cần điều chỉnh Kế hoạch đầu tư công trung hạn và dự kiến kế hoạch năm "
        f"{plan} phù hợp với khả năng cân đối nguồn vốn.")
    blocks.append(Heading("II. NGUYÊN TẮC PHÂN BỔ"))
    blocks += _text(
        "a) Ưu tiên bố trí đủ vốn để thanh toán nợ đọng xây dựng cơ bản (nếu có), vốn đối ứng các dự án ODA "
        "và các chương trình mục tiêu quốc gia; các dự án chuyển tiếp hoàn thành trong năm.",
        "b) Chỉ bố trí vốn khởi công mới cho các dự án đã đủ thủ tục đầu tư, có khả năng giải ngân ngay, "
        "tập trung cho các dự án có tính kết nối, lan tỏa.",
        "c) Không dàn trải; mỗi dự án khởi công mới được bố trí ít nhất 30% tổng mức đầu tư trong năm đầu.",
        "d) Dành 10% tổng vốn trung hạn làm dự phòng theo quy định của Luật Đầu tư công.")
    blocks += [Heading("III. DỰ KIẾN PHƯƠNG ÁN PHÂN BỔ (đơn vị: tỷ đồng)"),
               Table(["TT", "Ngành, lĩnh vực", "Trung hạn 2026–2030", f"Năm {plan}", "Tỷ lệ (%)"], rows,
                     widths=[7, 45, 18, 14, 12], align=["C", "L", "R", "R", "R"])]
    blocks += _text(
        f"Tổng vốn năm {plan} dự kiến {vn(total_year)} tỷ đồng, trong đó ngân sách trung ương 2.140 tỷ đồng, "
        f"ngân sách địa phương {vn(total_year - 2140)} tỷ đồng (bao gồm thu tiền sử dụng đất 310 tỷ đồng và "
        f"xổ số kiến thiết 42 tỷ đồng). Danh mục chi tiết các dự án tại Phụ lục kèm theo.")
    blocks.append(Heading("IV. ĐỀ XUẤT, KIẾN NGHỊ"))
    blocks += _text(
        f"1. Ủy ban nhân dân tỉnh thống nhất phương án trên để trình Hội đồng nhân dân tỉnh tại kỳ họp cuối "
        f"năm {cal.year}.",
        "2. Giao các chủ đầu tư hoàn thiện thủ tục đầu tư các dự án khởi công mới trước ngày 31 tháng 12; "
        "dự án nào không đủ thủ tục sẽ điều chuyển vốn cho dự án khác có khả năng giải ngân.",
        "Sở Tài chính kính trình Ủy ban nhân dân tỉnh xem xét, quyết định./.")
    return OfficialDocument(
        letterhead=_department_letterhead("Sở Tài chính", "Số: 412/TTr-STC", cal.issued(9)),
        title="TỜ TRÌNH",
        subtitle=f"Về việc điều chỉnh Kế hoạch đầu tư công trung hạn giai đoạn 2026–2030 "
                 f"và dự kiến Kế hoạch đầu tư công năm {plan}",
        blocks=blocks,
        signatures=[Signature(["GIÁM ĐỐC"], name="Hoàng Thị Lan")],
        recipients=["Như trên;", "Chủ tịch, các PCT UBND tỉnh;", "Văn phòng UBND tỉnh;", "Lưu: VT, QLĐT."])


# -- 3. the draft resolution on medical service prices ---------------------------------------------


def health_prices_draft(cal):
    prices = [
        ("Khám bệnh tại bệnh viện hạng I", "lượt", 50600),
        ("Khám bệnh tại bệnh viện hạng II", "lượt", 45000),
        ("Khám bệnh tại bệnh viện hạng III, trung tâm y tế khu vực", "lượt", 39800),
        ("Khám bệnh tại trạm y tế xã, phường", "lượt", 35600),
        ("Ngày giường bệnh nội khoa (bệnh viện hạng II)", "ngày", 218000),
        ("Ngày giường hồi sức tích cực (bệnh viện hạng I)", "ngày", 765000),
        ("Siêu âm ổ bụng", "lần", 53200),
        ("Chụp X-quang số hóa 1 phim", "lần", 69100),
        ("Chụp cắt lớp vi tính 64 dãy, không thuốc cản quang", "lần", 632000),
        ("Điện tim thường", "lần", 39600),
        ("Tổng phân tích tế bào máu ngoại vi (máy đếm laser)", "lần", 46200),
        ("Nội soi thực quản – dạ dày – tá tràng", "lần", 256000),
    ]
    rows = [[str(i), name, unit, vn(price)] for i, (name, unit, price) in enumerate(prices, start=1)]
    blocks = [_centre("(Dự thảo lần 2, trình phiên họp Ủy ban nhân dân tỉnh)", bold=False, italic=True),
              _centre("HỘI ĐỒNG NHÂN DÂN TỈNH LAI CHÂU"), _centre("KHÓA XVI, KỲ HỌP THỨ …")]
    blocks += _grounds(
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
        "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 19 tháng 02 năm 2025;",
        "Căn cứ Luật Khám bệnh, chữa bệnh ngày 09 tháng 01 năm 2023;",
        "Căn cứ Luật Giá ngày 19 tháng 6 năm 2023;",
        "Xét Tờ trình của Ủy ban nhân dân tỉnh về việc ban hành Nghị quyết quy định giá dịch vụ khám bệnh, "
        "chữa bệnh; Báo cáo thẩm tra của Ban Văn hóa – Xã hội Hội đồng nhân dân tỉnh; ý kiến thảo luận của "
        "đại biểu Hội đồng nhân dân tỉnh tại kỳ họp.")
    blocks.append(_centre("QUYẾT NGHỊ:"))
    blocks += [Heading("Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng")]
    blocks += _text(
        "1. Nghị quyết này quy định giá dịch vụ khám bệnh, chữa bệnh không thuộc phạm vi thanh toán của Quỹ "
        "bảo hiểm y tế mà không phải là dịch vụ khám bệnh, chữa bệnh theo yêu cầu, tại các cơ sở khám bệnh, "
        "chữa bệnh của Nhà nước thuộc phạm vi quản lý của tỉnh Lai Châu.",
        "2. Nghị quyết này áp dụng đối với các cơ sở khám bệnh, chữa bệnh của Nhà nước; người bệnh chưa tham "
        "gia bảo hiểm y tế hoặc sử dụng dịch vụ ngoài phạm vi được hưởng; các cơ quan, tổ chức, cá nhân có "
        "liên quan.")
    blocks += [Heading("Điều 2. Giá dịch vụ khám bệnh, chữa bệnh"),
               Paragraph("Giá một số dịch vụ chủ yếu như sau (danh mục đầy đủ tại Phụ lục kèm theo):"),
               Table(["TT", "Dịch vụ", "Đơn vị", "Mức giá (đồng)"], rows, widths=[7, 55, 13, 20],
                     align=["C", "L", "C", "R"])]
    blocks += _text(
        "Mức giá trên bao gồm chi phí trực tiếp và tiền lương; chưa bao gồm thuốc, máu, vật tư y tế thanh "
        "toán riêng theo thực tế sử dụng.")
    blocks.append(Heading("Điều 3. Tổ chức thực hiện"))
    blocks += _text(
        "1. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết; chỉ đạo các cơ sở khám bệnh, chữa bệnh "
        "niêm yết công khai giá dịch vụ tại nơi tiếp đón người bệnh.",
        "2. Thường trực Hội đồng nhân dân tỉnh, các Ban, các Tổ đại biểu và đại biểu Hội đồng nhân dân tỉnh "
        "giám sát việc thực hiện Nghị quyết.",
        "Nghị quyết này đã được Hội đồng nhân dân tỉnh Lai Châu khóa XVI, kỳ họp thứ … thông qua ngày … "
        "tháng … năm … và có hiệu lực từ ngày … tháng … năm …/.")
    return OfficialDocument(
        letterhead=Letterhead(body_name=PROVINCE_COUNCIL, number=f"Số:         /{cal.year}/NQ-HĐND", place=PLACE),
        title="NGHỊ QUYẾT",
        subtitle="Quy định giá dịch vụ khám bệnh, chữa bệnh không thuộc phạm vi thanh toán "
                 "của Quỹ bảo hiểm y tế tại các cơ sở khám bệnh, chữa bệnh của Nhà nước "
                 "trên địa bàn tỉnh Lai Châu",
        blocks=blocks,
        signatures=[Signature(["CHỦ TỊCH"])],
        recipients=["Ủy ban Thường vụ Quốc hội;", "Chính phủ;", "Bộ Y tế; Bộ Tài chính; Bộ Tư pháp;",
                    "TT. Tỉnh ủy; TT. HĐND tỉnh; UBND tỉnh;", "Đại biểu HĐND tỉnh;",
                    "Các sở, ban, ngành tỉnh;", "Lưu: VT."],
        metadata_title="Dự thảo Nghị quyết quy định giá dịch vụ khám bệnh, chữa bệnh")


# -- 4. the planning submission (confidential in the demo) -----------------------------------------


def urban_plan_submission(cal):
    land = [
        ("Đất dân dụng (ở, công cộng, cây xanh, giao thông đô thị)", 1186, 1642, 2215),
        ("Đất cơ quan, trụ sở", 94, 108, 121),
        ("Đất thương mại, dịch vụ, du lịch", 63, 148, 262),
        ("Đất công nghiệp, kho tàng", 41, 96, 138),
        ("Đất hạ tầng kỹ thuật đầu mối", 72, 104, 133),
        ("Đất an ninh, quốc phòng", 118, 118, 126),
        ("Đất nông nghiệp, lâm nghiệp, mặt nước và đất khác", 7726, 7084, 6305),
    ]
    total = [sum(row[i] for row in land) for i in (1, 2, 3)]
    rows = [[str(i), name, vn(a), vn(b), vn(c)] for i, (name, a, b, c) in enumerate(land, start=1)]
    rows.append(["", "Tổng diện tích lập quy hoạch", *(vn(t) for t in total)])
    blocks = [_centre("Kính gửi: Ủy ban nhân dân tỉnh Lai Châu.", bold=False)]
    blocks += _text(
        "Căn cứ Luật Quy hoạch đô thị và nông thôn ngày 26 tháng 11 năm 2024;",
        "Căn cứ Quy hoạch tỉnh Lai Châu thời kỳ 2021–2030, tầm nhìn đến năm 2050 đã được Thủ tướng Chính phủ "
        "phê duyệt;",
        "Căn cứ Báo cáo thẩm định của Hội đồng thẩm định và ý kiến của các sở, ngành, Ủy ban nhân dân các "
        "phường Tân Phong, Đoàn Kết và các xã có liên quan;",
        "Sở Xây dựng kính trình Ủy ban nhân dân tỉnh xem xét, phê duyệt Đồ án điều chỉnh Quy hoạch chung đô "
        "thị trung tâm tỉnh Lai Châu đến năm 2045 với các nội dung chính sau:")
    blocks.append(Heading("I. SỰ CẦN THIẾT ĐIỀU CHỈNH"))
    blocks += _text(
        "Quy hoạch chung hiện hành được lập trước khi sắp xếp đơn vị hành chính; ranh giới, chức năng và quy "
        "mô dân số của đô thị trung tâm đã thay đổi. Nhu cầu quỹ đất cho các khu đô thị mới, dịch vụ du lịch "
        "và hạ tầng kết nối với cao tốc, cửa khẩu đòi hỏi phải điều chỉnh để làm cơ sở lập quy hoạch phân "
        "khu, thu hút đầu tư.")
    blocks.append(Heading("II. NỘI DUNG CHÍNH CỦA ĐỒ ÁN"))
    blocks += _text(
        f"1. Phạm vi lập quy hoạch: toàn bộ địa giới hành chính các phường Tân Phong, Đoàn Kết và một phần các "
        f"xã lân cận, tổng diện tích khoảng {vn(total[0])} ha.",
        "2. Tính chất: là trung tâm hành chính – chính trị, kinh tế, văn hóa của tỉnh; đô thị du lịch, dịch vụ "
        "vùng cao biên giới; có vị trí quan trọng về quốc phòng, an ninh.",
        "3. Quy mô dân số: đến năm 2030 khoảng 85.000 người; đến năm 2045 khoảng 120.000 người.",
        "4. Cơ cấu sử dụng đất (đơn vị: ha):")
    blocks.append(Table(["TT", "Loại đất", "Hiện trạng", "Năm 2030", "Năm 2045"], rows,
                        widths=[7, 49, 14, 14, 14], align=["C", "L", "R", "R", "R"]))
    blocks += _text(
        "5. Định hướng không gian: giữ trục cảnh quan trung tâm và hành lang xanh dọc suối Nậm Lò; phát triển "
        "khu đô thị mới phía Tây Nam gắn với hồ điều hòa; khu dịch vụ, du lịch phía Bắc kết nối với các điểm "
        "du lịch cộng đồng; bố trí khu công nghiệp, kho vận gắn với tuyến đường tránh đô thị.",
        "6. Hạ tầng kỹ thuật: hoàn thiện mạng lưới đường trục chính, cấp nước 180 lít/người/ngày đến năm "
        "2045; thu gom, xử lý 100% nước thải sinh hoạt khu vực nội thị; cải tạo hệ thống thoát nước chống "
        "ngập cục bộ trong mùa mưa.")
    blocks.append(Heading("III. Ý KIẾN THAM VẤN VÀ THẨM ĐỊNH"))
    blocks += _text(
        "Đồ án đã được lấy ý kiến cộng đồng dân cư, các cơ quan, tổ chức có liên quan; đã tiếp thu, giải "
        "trình đầy đủ. Hội đồng thẩm định thống nhất đồ án đủ điều kiện trình phê duyệt; các nội dung liên "
        "quan đến quốc phòng, an ninh đã được Bộ Chỉ huy Quân sự tỉnh và Công an tỉnh cho ý kiến.")
    blocks.append(Heading("IV. KIẾN NGHỊ"))
    blocks += _text(
        "Sở Xây dựng kính đề nghị Ủy ban nhân dân tỉnh xem xét, phê duyệt Đồ án; giao Sở Xây dựng và Ủy ban "
        "nhân dân các phường tổ chức công bố công khai quy hoạch trong thời hạn 15 ngày kể từ ngày được phê "
        "duyệt./.")
    return OfficialDocument(
        letterhead=_department_letterhead("Sở Xây dựng", "Số: 287/TTr-SXD", cal.issued(8)),
        title="TỜ TRÌNH",
        subtitle="Đề nghị phê duyệt Đồ án điều chỉnh Quy hoạch chung đô thị trung tâm tỉnh Lai Châu đến năm 2045",
        blocks=blocks,
        signatures=[Signature(["GIÁM ĐỐC"], name="Vũ Đức Thắng")],
        recipients=["Như trên;", "Chủ tịch, các PCT UBND tỉnh;", "Sở Tài chính; Sở Nông nghiệp và Môi trường;",
                    "UBND các phường Tân Phong, Đoàn Kết;", "Lưu: VT, QHKT."])


# -- 5. the disbursement report --------------------------------------------------------------------


def disbursement_report(cal):
    m, y = cal.report_month, cal.report_year
    investors = [
        ("Ban QLDA đầu tư xây dựng các công trình giao thông", 1420, 1038),
        ("Ban QLDA đầu tư xây dựng các công trình dân dụng và công nghiệp", 786, 602),
        ("Ban QLDA đầu tư xây dựng các công trình nông nghiệp", 512, 331),
        ("Sở Y tế", 164, 121),
        ("Sở Giáo dục và Đào tạo", 238, 187),
        ("Bộ Chỉ huy Quân sự tỉnh; Công an tỉnh", 196, 170),
        ("Ủy ban nhân dân các xã, phường", 1038, 677),
    ]
    plan = sum(i[1] for i in investors)
    paid = sum(i[2] for i in investors)
    rows = [[str(n), name, vn(a), vn(b), _rate(b, a)] for n, (name, a, b) in enumerate(investors, start=1)]
    rows.append(["", "Tổng cộng", vn(plan), vn(paid), _rate(paid, plan)])
    slow = [name for name, a, b in investors if b / a < paid / plan]
    blocks = _text(
        f"Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về đẩy nhanh tiến độ giải ngân vốn đầu tư công năm {y}, "
        f"Sở Tài chính báo cáo kết quả giải ngân đến hết tháng {m} như sau:")
    blocks.append(Heading("I. KẾT QUẢ GIẢI NGÂN"))
    blocks += _text(
        f"Tổng kế hoạch vốn năm {y} đã giao chi tiết là {vn(plan)} tỷ đồng. Giá trị giải ngân đến hết tháng {m} "
        f"là {vn(paid)} tỷ đồng, đạt {_rate(paid, plan)}% kế hoạch, cao hơn cùng kỳ năm trước 6,3 điểm phần "
        f"trăm. Kết quả theo chủ đầu tư (đơn vị: tỷ đồng):")
    blocks.append(Table(["TT", "Chủ đầu tư", "Kế hoạch vốn", "Đã giải ngân", "Tỷ lệ (%)"], rows,
                        widths=[7, 51, 14, 14, 12], align=["C", "L", "R", "R", "R"]))
    blocks += _text(
        f"Có {len(slow)} chủ đầu tư giải ngân dưới mức bình quân của tỉnh: " + "; ".join(slow) + ".")
    blocks.append(Heading("II. KHÓ KHĂN, VƯỚNG MẮC"))
    blocks += _text(
        "1. Giải phóng mặt bằng một số dự án giao thông còn chậm do chưa thống nhất được đơn giá bồi thường "
        "tài sản trên đất và vị trí tái định cư.",
        "2. Sau khi chuyển giao dự án từ cấp huyện (cũ) về các xã, phường, một số chủ đầu tư mới còn lúng "
        "túng trong hoàn thiện hồ sơ thanh toán; nguồn nhân lực quản lý dự án ở cấp xã còn mỏng.",
        "3. Giá vật liệu đất đắp, cát xây dựng tăng; một số mỏ chưa được cấp phép khai thác kịp thời.")
    blocks.append(Heading("III. ĐỀ XUẤT"))
    blocks += _text(
        "1. Ủy ban nhân dân tỉnh chỉ đạo các chủ đầu tư giải ngân dưới mức bình quân xây dựng kế hoạch giải "
        "ngân chi tiết đến từng tuần; người đứng đầu chịu trách nhiệm về kết quả giải ngân.",
        "2. Điều chuyển vốn của các dự án không có khả năng giải ngân hết trong năm sang các dự án có khối "
        "lượng hoàn thành, nhu cầu bổ sung vốn.",
        "3. Thành lập các tổ công tác của tỉnh hỗ trợ Ủy ban nhân dân các xã, phường tháo gỡ vướng mắc về "
        "giải phóng mặt bằng và thủ tục thanh toán.")
    return OfficialDocument(
        letterhead=_department_letterhead("Sở Tài chính", "Số: 1956/BC-STC", cal.issued(6)),
        title="BÁO CÁO",
        subtitle=f"Kết quả giải ngân vốn đầu tư công {m} tháng năm {y}",
        blocks=blocks,
        signatures=[Signature(["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], name="Cao Thị Bích Ngọc")],
        recipients=["UBND tỉnh (b/c);", "Chủ tịch, các PCT UBND tỉnh (b/c);", "Các chủ đầu tư;",
                    "Kho bạc Nhà nước khu vực;", "Lưu: VT, QLĐT."])


# -- 6. the draft decision and the working rules it issues -----------------------------------------


def working_rules_decision(cal):
    blocks = [_centre("(Dự thảo)", bold=False, italic=True), _centre("ỦY BAN NHÂN DÂN TỈNH LAI CHÂU")]
    blocks += _grounds(
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
        "Căn cứ Nghị định của Chính phủ ban hành Quy chế làm việc mẫu của Ủy ban nhân dân tỉnh, thành phố "
        "trực thuộc trung ương;",
        "Theo đề nghị của Giám đốc Sở Nội vụ.")
    blocks.append(_centre("QUYẾT ĐỊNH:"))
    blocks += [Paragraph("Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân tỉnh Lai "
                         "Châu nhiệm kỳ 2026–2031.", bold=False),
               Paragraph("Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký và thay thế Quy chế làm việc "
                         "của Ủy ban nhân dân tỉnh nhiệm kỳ 2021–2026."),
               Paragraph("Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh; Thủ trưởng các sở, ban, ngành tỉnh; Chủ "
                         "tịch Ủy ban nhân dân các xã, phường và các tổ chức, cá nhân có liên quan chịu trách "
                         "nhiệm thi hành Quyết định này./.")]
    return OfficialDocument(
        letterhead=Letterhead(body_name=PROVINCE, number="Số:         /QĐ-UBND", place=PLACE),
        title="QUYẾT ĐỊNH",
        subtitle="Ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh Lai Châu nhiệm kỳ 2026–2031",
        blocks=blocks,
        signatures=[Signature(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], name="Nguyễn Văn Hùng")],
        recipients=["Văn phòng Chính phủ;", "Bộ Nội vụ;", "TT. Tỉnh ủy; TT. HĐND tỉnh;",
                    "Chủ tịch, các PCT UBND tỉnh;", "Như Điều 3;", "Lưu: VT, NC."],
        metadata_title="Dự thảo Quyết định ban hành Quy chế làm việc của UBND tỉnh")


def working_rules(cal):
    """The regulation attached to the draft decision: the rules of the body's sessions, ballots and
    written polls — what E-Cabinet applies (the body's working rules)."""
    blocks = [_centre(f"(Ban hành kèm theo Quyết định số        /QĐ-UBND ngày      tháng      năm {cal.year} "
                      "của Ủy ban nhân dân tỉnh)", bold=False, italic=True),
              _centre("Chương I\nQUY ĐỊNH CHUNG")]
    blocks += [Heading("Điều 1. Phạm vi, đối tượng điều chỉnh")]
    blocks += _text(
        "1. Quy chế này quy định về nguyên tắc, chế độ trách nhiệm, lề lối làm việc, trình tự giải quyết công "
        "việc và quan hệ công tác của Ủy ban nhân dân tỉnh.",
        "2. Thành viên Ủy ban nhân dân tỉnh, các sở, ban, ngành, Ủy ban nhân dân các xã, phường và các cơ "
        "quan, tổ chức, cá nhân có quan hệ làm việc với Ủy ban nhân dân tỉnh chịu sự điều chỉnh của Quy chế.")
    blocks += [Heading("Điều 2. Nguyên tắc làm việc")]
    blocks += _text(
        "1. Ủy ban nhân dân tỉnh làm việc theo chế độ tập thể kết hợp với trách nhiệm của Chủ tịch và của "
        "từng thành viên; mỗi việc chỉ giao một cơ quan, đơn vị, một người chủ trì và chịu trách nhiệm chính.",
        "2. Giải quyết công việc đúng thẩm quyền, trình tự, thủ tục và thời hạn; bảo đảm công khai, minh "
        "bạch; đẩy mạnh xử lý văn bản, hồ sơ công việc trên môi trường điện tử.")
    blocks.append(_centre("Chương II\nPHIÊN HỌP ỦY BAN NHÂN DÂN TỈNH"))
    blocks += [Heading("Điều 3. Phiên họp thường kỳ và phiên họp chuyên đề")]
    blocks += _text(
        "1. Ủy ban nhân dân tỉnh họp thường kỳ mỗi tháng một lần; họp chuyên đề hoặc họp để giải quyết công "
        "việc phát sinh đột xuất theo quyết định của Chủ tịch hoặc theo yêu cầu của ít nhất một phần ba tổng "
        "số thành viên.",
        "2. Phiên họp được tổ chức tại phòng họp không giấy, bằng hình thức trực tiếp hoặc kết hợp trực "
        "tuyến; tài liệu phiên họp được cung cấp trên hệ thống điện tử.")
    blocks += [Heading("Điều 4. Chuẩn bị và gửi tài liệu")]
    blocks += _text(
        "Văn phòng Ủy ban nhân dân tỉnh gửi giấy mời và tài liệu phiên họp đến các thành viên chậm nhất 03 "
        "ngày làm việc trước phiên họp thường kỳ và 01 ngày trước phiên họp chuyên đề, trừ trường hợp đột "
        "xuất. Tài liệu mật được quản lý, khai thác theo quy định về bảo vệ bí mật nhà nước.")
    blocks += [Heading("Điều 5. Điều kiện tiến hành phiên họp")]
    blocks += _text(
        "Phiên họp chỉ được tiến hành khi có ít nhất hai phần ba tổng số thành viên Ủy ban nhân dân tỉnh "
        "tham dự. Thành viên vắng mặt phải báo cáo Chủ tịch và được cử người dự họp thay khi được Chủ tịch "
        "đồng ý; người dự họp thay không có quyền biểu quyết, trừ trường hợp Chủ tọa cho phép.")
    blocks += [Heading("Điều 6. Biểu quyết tại phiên họp")]
    blocks += _text(
        "1. Các quyết định của Ủy ban nhân dân tỉnh phải được quá nửa tổng số thành viên biểu quyết tán "
        "thành. Khi số phiếu tán thành và không tán thành ngang nhau thì quyết định theo ý kiến mà Chủ tịch "
        "đã biểu quyết; trường hợp bỏ phiếu kín thì Chủ tọa nêu ý kiến quyết định trước khi kết thúc biểu "
        "quyết.",
        "2. Việc biểu quyết được thực hiện công khai hoặc bỏ phiếu kín theo quyết định của Chủ tọa; kết quả "
        "biểu quyết được ghi vào biên bản phiên họp.")
    blocks += [Heading("Điều 7. Lấy ý kiến thành viên bằng phiếu")]
    blocks += _text(
        "1. Trường hợp không tổ chức phiên họp, Chủ tịch quyết định lấy ý kiến các thành viên bằng phiếu. "
        "Thời hạn trả lời là 05 ngày làm việc kể từ ngày gửi phiếu; quá thời hạn mà thành viên không trả lời "
        "thì không được tính là đồng ý.",
        "2. Văn phòng Ủy ban nhân dân tỉnh tổng hợp kết quả, báo cáo Chủ tịch; trường hợp quá nửa tổng số "
        "thành viên đồng ý thì Văn phòng hoàn thiện văn bản trình Chủ tịch ký ban hành.")
    blocks.append(_centre("Chương III\nĐIỀU KHOẢN THI HÀNH"))
    blocks += [Heading("Điều 8. Trách nhiệm thi hành")]
    blocks += _text(
        "Các thành viên Ủy ban nhân dân tỉnh, Thủ trưởng các sở, ban, ngành, Chủ tịch Ủy ban nhân dân các "
        "xã, phường chịu trách nhiệm thực hiện Quy chế này. Trong quá trình thực hiện, nếu có vướng mắc, "
        "các cơ quan, đơn vị phản ánh về Văn phòng Ủy ban nhân dân tỉnh để tổng hợp, báo cáo Ủy ban nhân dân "
        "tỉnh xem xét, sửa đổi, bổ sung cho phù hợp./.")
    return OfficialDocument(
        letterhead=Letterhead(body_name=PROVINCE, number=""),
        title="QUY CHẾ",
        subtitle="Làm việc của Ủy ban nhân dân tỉnh Lai Châu nhiệm kỳ 2026–2031",
        blocks=blocks,
        metadata_title="Dự thảo Quy chế làm việc của UBND tỉnh Lai Châu nhiệm kỳ 2026–2031")


# -- 7 and 8. the commune's budget report and forestry plan ----------------------------------------


def commune_budget_report(cal):
    m, y = cal.report_month, cal.report_year
    sources = [
        ("Thuế công thương nghiệp ngoài quốc doanh", 1850, 1732),
        ("Lệ phí trước bạ", 640, 598),
        ("Thuế sử dụng đất phi nông nghiệp", 95, 88),
        ("Tiền sử dụng đất", 4200, 2310),
        ("Phí, lệ phí", 310, 296),
        ("Thu khác ngân sách", 180, 214),
    ]
    plan = sum(s[1] for s in sources)
    done = sum(s[2] for s in sources)
    rows = [[str(i), name, vn(a), vn(b), _rate(b, a)] for i, (name, a, b) in enumerate(sources, start=1)]
    rows.append(["", "Tổng thu ngân sách trên địa bàn xã", vn(plan), vn(done), _rate(done, plan)])
    blocks = _text(
        f"Ủy ban nhân dân xã báo cáo tình hình thu ngân sách nhà nước trên địa bàn {m} tháng năm {y} và "
        f"nhiệm vụ, giải pháp những tháng cuối năm như sau:")
    blocks.append(Heading(f"I. KẾT QUẢ THU NGÂN SÁCH {m} THÁNG"))
    blocks += _text(
        f"Tổng thu ngân sách nhà nước trên địa bàn xã ước đạt {vn(done)} triệu đồng, bằng {_rate(done, plan)}% "
        f"dự toán Hội đồng nhân dân xã giao. Kết quả theo từng nguồn thu (đơn vị: triệu đồng):")
    blocks.append(Table(["TT", "Nội dung", "Dự toán", "Ước thực hiện", "Tỷ lệ (%)"], rows,
                        widths=[7, 49, 14, 16, 12], align=["C", "L", "R", "R", "R"]))
    blocks += _text(
        "Các khoản thu từ thuế, phí cơ bản đạt và vượt tiến độ. Thu tiền sử dụng đất mới đạt "
        f"{_rate(2310, 4200)}% dự toán do hai khu đất đấu giá tại bản Nà Pầu và trung tâm xã chưa hoàn thành "
        "thủ tục; thu khác vượt dự toán nhờ thu hồi các khoản chi sai từ các năm trước.")
    blocks.append(Heading("II. NHIỆM VỤ, GIẢI PHÁP NHỮNG THÁNG CUỐI NĂM"))
    blocks += _text(
        "1. Phối hợp với Thuế cơ sở rà soát, khai thác các nguồn thu còn tiềm năng từ hộ kinh doanh dịch vụ "
        "du lịch cộng đồng, vận tải; đôn đốc thu nợ đọng thuế.",
        "2. Hoàn thiện hồ sơ, tổ chức đấu giá quyền sử dụng đất hai khu đất đã có quy hoạch trong tháng; "
        "công khai kết quả trên cổng thông tin điện tử của xã.",
        "3. Điều hành chi ngân sách chặt chẽ, tiết kiệm; ưu tiên chi an sinh xã hội, hỗ trợ hộ nghèo đón "
        "Tết và phòng, chống rét cho học sinh bán trú.")
    return OfficialDocument(
        letterhead=Letterhead(body_name=COMMUNE, number="Số: 96/BC-UBND", place=COMMUNE_PLACE, day=cal.issued(5)),
        title="BÁO CÁO",
        subtitle=f"Tình hình thu ngân sách nhà nước trên địa bàn xã {m} tháng năm {y}",
        blocks=blocks,
        signatures=[Signature(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], name="Tẩn Thị Mây")],
        recipients=["TT. Đảng ủy, TT. HĐND xã (b/c);", "Chủ tịch, các PCT UBND xã;", "Thuế cơ sở;",
                    "Lưu: VT, KT."])


def commune_forest_plan(cal):
    plan_year = cal.plan_year
    villages = [("Bản Nà Pầu", 42, 310, 18), ("Bản Phiêng Phát", 36, 285, 15), ("Bản Hô Ta", 58, 402, 22),
                ("Bản Tà Mít", 47, 366, 20), ("Bản Pắc Ta", 29, 214, 12), ("Bản Nậm Cần", 51, 378, 21)]
    totals = [sum(v[i] for v in villages) for i in (1, 2, 3)]
    rows = [[str(i), name, vn(a), vn(b), vn(c)] for i, (name, a, b, c) in enumerate(villages, start=1)]
    rows.append(["", "Toàn xã", *(vn(t) for t in totals)])
    blocks = [Heading("I. MỤC ĐÍCH, YÊU CẦU")]
    blocks += _text(
        "1. Nâng cao tỷ lệ che phủ rừng, bảo vệ nguồn nước đầu nguồn và đa dạng sinh học; tạo việc làm, tăng "
        "thu nhập cho người dân từ trồng, chăm sóc và bảo vệ rừng.",
        "2. Trồng rừng đúng quy hoạch, đúng đối tượng đất; lựa chọn cây bản địa, cây có giá trị kinh tế (quế, "
        "sơn tra, mắc ca) phù hợp điều kiện lập địa; gắn trách nhiệm của từng bản, từng hộ nhận khoán.")
    blocks.append(Heading(f"II. CHỈ TIÊU NĂM {plan_year}"))
    blocks += _text(
        f"Trồng mới {vn(totals[0])} ha rừng; khoanh nuôi, bảo vệ {vn(totals[1])} ha rừng hiện có; giao khoán "
        f"bảo vệ rừng cho {vn(totals[2])} nhóm hộ. Phân bổ theo bản như sau:")
    blocks.append(Table(["TT", "Bản", "Trồng mới (ha)", "Bảo vệ rừng (ha)", "Nhóm hộ nhận khoán"], rows,
                        widths=[7, 33, 18, 20, 20], align=["C", "L", "R", "R", "R"]))
    blocks.append(Heading("III. GIẢI PHÁP THỰC HIỆN"))
    blocks += _text(
        "1. Tuyên truyền, vận động nhân dân tham gia trồng rừng; lồng ghép nội dung bảo vệ rừng vào hương ước, "
        "quy ước của bản.",
        "2. Chuẩn bị cây giống đạt tiêu chuẩn tại vườn ươm của xã từ tháng 01; tổ chức trồng tập trung trong "
        "tháng 6 và tháng 7, khi thời tiết thuận lợi.",
        "3. Kinh phí thực hiện từ nguồn chi trả dịch vụ môi trường rừng, vốn Chương trình mục tiêu quốc gia "
        "và nguồn xã hội hóa; quản lý, thanh toán công khai đến từng hộ.")
    blocks.append(Heading("IV. TỔ CHỨC THỰC HIỆN"))
    blocks += _text(
        "Phòng Kinh tế chủ trì, phối hợp với Hạt Kiểm lâm khu vực hướng dẫn kỹ thuật, nghiệm thu diện tích "
        "trồng; Trưởng các bản tổ chức thực hiện và báo cáo kết quả hằng quý về Ủy ban nhân dân xã./.")
    return OfficialDocument(
        letterhead=Letterhead(body_name=COMMUNE, number="Số: 58/KH-UBND", place=COMMUNE_PLACE, day=cal.issued(6)),
        title="KẾ HOẠCH",
        subtitle=f"Trồng rừng và bảo vệ rừng năm {plan_year}",
        blocks=blocks,
        signatures=[Signature(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], name="Lò Văn Thanh")],
        recipients=["Sở Nông nghiệp và Môi trường (b/c);", "Hạt Kiểm lâm khu vực;", "Các bản trên địa bàn xã;",
                    "Lưu: VT, KT."])


# The demo's documents by key; TITLES: how the app lists each (without its kind, which the kind
# badge already says: "Báo cáo", "Tờ trình", "Dự thảo"), with its number as offices cite it.
TITLES = {
    "socio_economic_report": lambda c: f"Tình hình kinh tế – xã hội tháng {c.report_month}, nhiệm vụ và giải pháp "
                                       f"trọng tâm tháng {c.month} (số 358/BC-UBND)",
    "investment_submission": lambda c: f"Điều chỉnh kế hoạch đầu tư công trung hạn 2026–2030 và dự kiến năm "
                                       f"{c.plan_year} (số 412/TTr-STC)",
    "health_prices_draft": lambda c: "Nghị quyết của HĐND tỉnh quy định giá dịch vụ khám bệnh, chữa bệnh",
    "urban_plan_submission": lambda c: "Phê duyệt điều chỉnh Quy hoạch chung đô thị trung tâm tỉnh đến năm 2045 "
                                       "(số 287/TTr-SXD)",
    "disbursement_report": lambda c: f"Kết quả giải ngân vốn đầu tư công {c.report_month} tháng năm {c.report_year} "
                                     "(số 1956/BC-STC)",
    "working_rules_decision": lambda c: "Quyết định ban hành Quy chế làm việc của UBND tỉnh nhiệm kỳ 2026–2031",
    "working_rules": lambda c: "Quy chế làm việc của UBND tỉnh nhiệm kỳ 2026–2031 (kèm theo Quyết định)",
    "commune_budget_report": lambda c: f"Thu ngân sách nhà nước trên địa bàn xã {c.report_month} tháng năm "
                                       f"{c.report_year} (số 96/BC-UBND)",
    "commune_forest_plan": lambda c: f"Kế hoạch trồng rừng và bảo vệ rừng năm {c.plan_year} (số 58/KH-UBND)",
}

BUILDERS = {
    "socio_economic_report": socio_economic_report,
    "investment_submission": investment_submission,
    "health_prices_draft": health_prices_draft,
    "urban_plan_submission": urban_plan_submission,
    "disbursement_report": disbursement_report,
    "working_rules_decision": working_rules_decision,
    "working_rules": working_rules,
    "commune_budget_report": commune_budget_report,
    "commune_forest_plan": commune_forest_plan,
}


def document_pdf(key, session_day):
    """The PDF (bytes) of the demo document `key`, dated for a session on `session_day`."""
    return render(BUILDERS[key](Calendar(session_day)))


def document_title(key, session_day):
    return TITLES[key](Calendar(session_day))
