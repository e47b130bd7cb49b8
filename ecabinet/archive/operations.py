"""Rules of archiving: what must hold before a session is archived, and what its archive holds."""
import csv
import io

from flask_babel import force_locale
from flask_babel import gettext as _

from ecabinet.core.errors import InvalidState
from ecabinet.core.timeutil import to_local
from ecabinet.meetings.models import ATTENDANCE_LABELS, ROLE_LABELS
from ecabinet.meetings.queries import participants_in_protocol_order
from ecabinet.minutes import operations as minutes_operations
from ecabinet.minutes import signatures as minutes_signatures
from ecabinet.notices import operations as notices


def check_ready_for_archive(meeting):
    """Registered with meetings.operations.archive_check: a session whose minutes were begun is archived
    only once they are final and signed by all their signers (archiving freezes them for good). A
    session without minutes (kept on paper) may be archived as it is."""
    minutes = minutes_operations.get_minutes(meeting)
    if minutes is None:
        return
    if not minutes.is_final or notices.missing_minutes_signers(meeting):
        raise InvalidState(_("The minutes must be finalised and signed by all their signers before the session is "
                             "archived."), code="minutes_not_signed")


def signed_minutes(meeting):
    """The newest signed copy of the minutes (bytes), or None."""
    return minutes_signatures.latest_signed_pdf(minutes_operations.get_minutes(meeting))


def signed_notice(meeting):
    notice = notices.get_notice(meeting)
    return notice.pdf if notice is not None and notice.is_issued else None


ATTENDANCE_HEADER = ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Vai trò", "Tình trạng tham dự", "Ghi chú",
                     "Thời điểm điểm danh", "Dự họp thay cho")


def attendance_csv(meeting):
    """The session's participants in protocol order with their attendance as recorded (Vietnamese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ATTENDANCE_HEADER)
    with force_locale("vi"):
        for number, p in enumerate(participants_in_protocol_order(meeting), start=1):
            writer.writerow([number, p.user.full_name, p.user.title or "", p.user.unit_name or "",
                             str(ROLE_LABELS[p.role]), str(ATTENDANCE_LABELS[p.attendance]), p.attendance_note or "",
                             to_local(p.checked_in_at).strftime("%d/%m/%Y %H:%M") if p.checked_in_at else "",
                             p.delegate_for.full_name if p.delegate_for else ""])
    return out.getvalue()


def ballots_csv(meeting, user):
    """The ballots the user may see, one row each, as voting.export writes them."""
    from ecabinet.voting import access as voting_access
    from ecabinet.voting.export import meeting_csv
    from ecabinet.voting.payloads import ballots_of

    return meeting_csv(meeting, [b for b in ballots_of(meeting.id) if voting_access.can_view_ballot(user, b)])
