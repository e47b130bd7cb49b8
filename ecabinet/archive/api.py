"""GET /api/v1/meetings/<id>/archive.zip: the whole session in one ZIP, streamed."""
from flask import Blueprint, Response
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts.auth import login_required
from ecabinet.archive import operations
from ecabinet.archive.access import archive_available, can_download_archive
from ecabinet.archive.package import Entry, stream_zip
from ecabinet.core.db import utcnow
from ecabinet.core.errors import InvalidState
from ecabinet.core.timeutil import to_local
from ecabinet.meetings.loaders import load_meeting

bp = Blueprint("archive_api", __name__, url_prefix="/api/v1/meetings/<int:meeting_id>")

BOM = "\ufeff"  # spreadsheet programs read the Vietnamese CSV as UTF-8 with it


def _entries(meeting, user):
    from ecabinet.documents.book import meeting_book

    entries = []
    minutes = operations.signed_minutes(meeting)
    if minutes is not None:
        entries.append(Entry("bien-ban-da-ky.pdf", "Biên bản phiên họp, bản đã ký số", data=minutes, compress=False))
    notice = operations.signed_notice(meeting)
    if notice is not None:
        entries.append(Entry("thong-bao-ket-luan-da-ky.pdf", "Thông báo kết luận, bản đã ký số", data=notice,
                             compress=False))
    book = meeting_book(meeting, user)
    if book is not None:
        entries.append(Entry("tap-tai-lieu.pdf", "Tập tài liệu phiên họp", path=book, compress=False))
    entries.append(Entry("bieu-quyet.csv", "Kết quả biểu quyết",
                         data=(BOM + operations.ballots_csv(meeting, user)).encode()))
    entries.append(Entry("diem-danh.csv", "Thành phần tham dự và điểm danh",
                         data=(BOM + operations.attendance_csv(meeting)).encode()))
    return entries


def _readme(facts, moment, files):
    """README.txt in Vietnamese: what the archive holds and how to check it. `facts`: plain values."""
    lines = [
        f"LƯU TRỮ PHIÊN HỌP: {facts['title']}",
        f"Cơ quan: {facts['body']}",
        f"Thời gian họp: {to_local(facts['starts_at']):%H:%M ngày %d/%m/%Y}",
        f"Tạo lúc {moment:%H:%M ngày %d/%m/%Y} cho {facts['reader']}.",
        "",
        "Tệp trong gói này:",
    ]
    lines += [f"- {f['name']}: {f['description']} ({f['size']} byte)" for f in files]
    names = {f["name"] for f in files}
    missing = [text for name, text in (("bien-ban-da-ky.pdf", "biên bản đã ký số"),
                                       ("thong-bao-ket-luan-da-ky.pdf", "thông báo kết luận đã ký số"),
                                       ("tap-tai-lieu.pdf", "tập tài liệu")) if name not in names]
    if missing:
        lines += ["", "Chưa có (nên không có trong gói): " + "; ".join(missing) + "."]
    lines += [
        "",
        "Kiểm tra tính toàn vẹn:",
        "- manifest.json liệt kê từng tệp với kích thước và mã băm SHA-256;",
        "- SHA256SUMS cùng các mã băm đó, kiểm tra bằng lệnh: sha256sum -c SHA256SUMS",
        "- chữ ký số của biên bản và thông báo kiểm tra tại trang “Kiểm tra chữ ký số” của E-Cabinet",
        "  hoặc bằng phần mềm đọc PDF hỗ trợ chữ ký số.",
        "",
        "Tập tài liệu chỉ gồm các tài liệu người tải được phép xem; tài liệu mật có dấu tên người tải.",
        "Tệp CSV mã hóa UTF-8, mở được bằng các phần mềm bảng tính.",
        "",
    ]
    return "\n".join(lines)


@bp.route("/archive.zip", methods=["GET"])
@login_required
def archive_zip(meeting_id):
    """The session's archive (ended or archived sessions): 409 session_not_ended before."""
    meeting = load_meeting(meeting_id, can_download_archive)
    if not archive_available(meeting):
        raise InvalidState(_("The archive of a session can be downloaded once it has ended."),
                           code="session_not_ended")
    user = current_user._get_current_object()
    moment = to_local(utcnow())
    entries = _entries(meeting, user)
    # Everything from the database is read now: the stream runs after the request has returned.
    facts = {"title": meeting.title, "body": meeting.body.name, "starts_at": meeting.starts_at,
             "reader": user.full_name}
    header = {"meeting": {"id": meeting.id, "title": meeting.title, "body": meeting.body.name,
                          "status": meeting.status.value, "starts_at": meeting.starts_at.isoformat()},
              "generated_at": moment.isoformat(), "generated_for": user.full_name}
    response = Response(stream_zip(entries, moment=moment, manifest_header=header, readme=lambda files: _readme(facts, moment, files)),
                        mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="luu-tru-phien-hop-{meeting.id}.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response

