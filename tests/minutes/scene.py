"""A real session for the minutes: every attendance state, a stand-in, a guest, two agenda items with
documents (one replaced during the session), and the floor given on each item."""
from types import SimpleNamespace

from ecabinet.documents import operations as documents
from ecabinet.extensions import db
from ecabinet.live import operations as live
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingStatus
from tests.factories import create_document, create_meeting, create_secretariat, create_user

ITEMS = ("Tờ trình về kế hoạch đầu tư công năm 2027", "Báo cáo tình hình kinh tế – xã hội tháng 11")


def build_session(*, end=True):
    """The session, ended (or still live with end=False), and everyone in it by name."""
    people = SimpleNamespace(
        office=create_secretariat(full_name="Lò Thị Văn Phòng"),
        chair=create_user(full_name="Trần Quốc Chủ", title="Chủ tịch UBND tỉnh"),
        secretary=create_user(full_name="Nguyễn Thị Thư", title="Chánh Văn phòng UBND tỉnh"),
        present=create_user(full_name="Lê Văn An", title="Phó Chủ tịch UBND tỉnh"),
        online=create_user(full_name="Phạm Thị Bình", title="Giám đốc Sở Tài chính"),
        excused=create_user(full_name="Đỗ Văn Cường", title="Giám đốc Sở Xây dựng"),
        replaced=create_user(full_name="Hoàng Văn Dũng", title="Giám đốc Sở Y tế"),
        absent=create_user(full_name="Vũ Thị Em", title="Giám đốc Sở Nội vụ"),
        stand_in=create_user(full_name="Bùi Văn Giang", title="Phó Giám đốc Sở Y tế"),
        guest=create_user(full_name="Đặng Thị Hạnh", title="Phóng viên Báo Lai Châu"),
    )
    office = people.office
    meeting = create_meeting("Phiên họp UBND tỉnh thường kỳ tháng 11 năm 2026", status=MeetingStatus.PUBLISHED,
                             actor=office, agenda=ITEMS, chair=people.chair, secretary=people.secretary,
                             members=[people.present, people.online, people.excused, people.replaced,
                                      people.absent], guests=[people.guest])
    first, second = meeting.agenda_items
    plan = create_document(meeting, actor=office, title="Tờ trình số 123/TTr-SKHĐT", agenda_item=first)
    report = create_document(meeting, actor=office, title="Báo cáo số 45/BC-UBND", agenda_item=second, kind="report")

    def place(user):
        return meeting.participant_for(user)

    live.check_in(place(people.chair), actor=people.chair)
    live.set_attendance(place(people.present), "present", actor=office)
    live.set_attendance(place(people.online), "present_online", actor=office)
    live.set_attendance(place(people.excused), "absent_excused", note="Đi công tác tại Hà Nội", actor=office)
    live.set_attendance(place(people.replaced), "substituted", stand_in=people.stand_in, actor=office)
    live.set_attendance(place(people.absent), "absent", actor=office)
    live.set_attendance(place(people.guest), "present", actor=office)
    meetings.change_status(meeting, MeetingStatus.LIVE, actor=office)
    used = plan.current
    documents.add_version(plan, documents.PreparedFile(used.sha256, used.size, used.page_count, "to-trinh-v2.pdf"),
                          actor=office, note="Bản sửa theo ý kiến Sở Tài chính")

    live.set_current_item(meeting, first, actor=people.chair)
    live.grant_floor(meeting, people.present, actor=people.chair)
    live.grant_floor(meeting, people.online, actor=people.chair)  # ends An's turn
    live.end_floor(meeting, actor=people.chair)
    live.grant_floor(meeting, people.present, actor=people.chair)  # An speaks a second time
    live.end_floor(meeting, actor=people.chair)
    live.set_current_item(meeting, second, actor=people.chair)
    live.grant_floor(meeting, people.stand_in, actor=people.chair)
    live.end_floor(meeting, actor=people.chair)
    if end:
        meetings.change_status(meeting, MeetingStatus.ENDED, actor=office)
    db.session.commit()
    return SimpleNamespace(meeting=meeting, items=(first, second), plan=plan, report=report, **vars(people))
