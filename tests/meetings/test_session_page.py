"""The session page as each role reads it: the status in words that mean something to them, one way
into the meeting room, the secretariat's tools in one menu, and every document under its item."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from ecabinet.core.timeutil import LOCAL_TZ
from ecabinet.meetings.models import MeetingStatus
from ecabinet.meetings.queries import attendee_status
from tests.factories import Cast, create_document, create_meeting


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _main(response):
    html = response.get_data(as_text=True)
    return html[html.index('<main'):]


NOW = datetime(2026, 12, 7, 9, 30, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize("status, starts, expected", [
    (MeetingStatus.PUBLISHED, NOW + timedelta(days=3), "upcoming"),
    (MeetingStatus.PUBLISHED, NOW.replace(hour=14), "today"),
    (MeetingStatus.PUBLISHED, NOW.replace(hour=7), "today"),  # its hour passed: still today's session
    (MeetingStatus.PUBLISHED, NOW - timedelta(days=2), "overdue"),
    (MeetingStatus.LIVE, NOW - timedelta(hours=1), "live"),
    (MeetingStatus.ENDED, NOW - timedelta(hours=3), "ended"),
    (MeetingStatus.ARCHIVED, NOW - timedelta(days=30), "ended"),
])
def test_attendee_words_follow_the_day_and_the_lifecycle(app, status, starts, expected):
    class Session:
        pass

    session = Session()
    session.status, session.starts_at = status, starts
    assert attendee_status(session, NOW)[0] == expected


def test_the_day_is_vietnams_not_the_servers(app):
    """At 03:00 in Hà Nội (20:00 UTC the day before), a session at 23:30 that day is today's."""
    class Session:
        status = MeetingStatus.PUBLISHED
        starts_at = datetime(2026, 12, 7, 23, 30, tzinfo=LOCAL_TZ)

    assert attendee_status(Session, datetime(2026, 12, 6, 20, 0, tzinfo=timezone.utc))[0] == "today"


@pytest.fixture
def cast(app):
    cast = Cast(status=MeetingStatus.PUBLISHED)
    item = cast.meeting.agenda_items[0]
    # The item's own document (its title) and an appendix; one document tied to no item.
    create_document(cast.meeting, actor=cast.secretariat, title=item.title, agenda_item=item)
    create_document(cast.meeting, actor=cast.secretariat, title="Phụ lục danh mục dự án", agenda_item=item,
                    kind="other")
    create_document(cast.meeting, actor=cast.secretariat, title="Giấy mời họp", kind="other")
    return cast


def test_a_member_reads_upcoming_and_one_way_into_the_room(login, cast):
    page = _main(login(cast.member).get(f"/meetings/{cast.meeting.id}"))
    text = _text(page)
    assert 'class="badge badge--upcoming"' in page and "Sắp diễn ra" in text
    assert "Đã công bố" not in text and 'class="lifecycle"' not in page  # the workflow is the secretariat's
    assert page.count('data-test="enter-room"') == 1
    assert f'href="/meetings/{cast.meeting.id}/live"' in page  # the tablet
    assert "Quản lý" not in text and "menu__button" not in page


def test_the_secretariat_reads_the_workflow_and_finds_its_tools_in_one_menu(login, cast):
    page = _main(login(cast.secretariat).get(f"/meetings/{cast.meeting.id}"))
    text = _text(page)
    assert 'class="badge badge--published"' in page and 'class="lifecycle"' in page
    header = page[:page.index('class="layout-2col"')]
    enter = re.findall(r'<a class="btn[^"]*" href="([^"]+)" data-test="enter-room"', header)
    assert enter == [f"/meetings/{cast.meeting.id}/live/console"]
    # In the header: the next step, the room, and one "Manage" menu holding the rest.
    visible = re.sub(r'<details class="menu.*?</details>', "", header, flags=re.S)
    assert re.findall(r'class="btn[ "]', visible).__len__() <= 3
    menu = re.search(r'<details class="menu menu--end">.*?</details>', header, flags=re.S).group(0)
    for entry in ("Sửa thông tin phiên họp", "Mở giao diện máy tính bảng của thành viên",
                  "Liên kết màn hình trình chiếu", "Thu hồi công bố"):
        assert entry in _text(menu), entry
    # An agenda row: a drag handle and one menu, not five icons.
    row = re.search(r'<li class="agenda-item".*?</li>', page, flags=re.S).group(0)
    assert row.count('class="icon-btn') == 2
    assert "Quản lý" in text
    steps = re.search(r'<ol class="lifecycle">(.*?)</ol>', page, flags=re.S).group(1)
    assert re.findall(r'<li class="([^"]*)">([^<]+)</li>', steps) == [
        ("is-done", "Dự thảo"), ("is-current", "Đã công bố"), ("", "Đang họp"), ("", "Đã kết thúc"), ("", "Đã lưu trữ")]


def test_each_document_is_listed_once_under_its_item(login, cast):
    page = _main(login(cast.member).get(f"/meetings/{cast.meeting.id}"))
    item = cast.meeting.agenda_items[0]
    block = re.search(r'<li class="agenda-item".*?</ul>', page, flags=re.S).group(0)
    assert "Phụ lục danh mục dự án" in block
    # The item's own document is named by its kind under the item: its title is on the page once.
    assert _text(page).count(item.title) == 1
    assert re.search(r'class="doc-row__title"[^>]*>Tờ trình</a>', block)
    # What belongs to no item follows the agenda.
    after = page[page.index('class="doc-loose"'):]
    assert "Giấy mời họp" in after and "Giấy mời họp" not in page[:page.index('class="doc-loose"')]
    assert page.count('class="doc-row"') == 3


def test_a_session_that_ended_reads_ended_to_members(login, app):
    cast = Cast(status=MeetingStatus.PUBLISHED)
    ended = create_meeting("Phiên họp đã xong", status=MeetingStatus.ENDED, actor=cast.secretariat, chair=cast.chair,
                           members=[cast.member])
    home = login(cast.member).get("/meetings").get_data(as_text=True)
    card = re.search(rf'<a class="card meeting-card[^"]*" href="/meetings/{ended.id}">.*?</a>', home, re.S).group(0)
    assert "badge--ended" in card and "Đã kết thúc" in _text(card)
    upcoming = re.search(rf'href="/meetings/{cast.meeting.id}">.*?</a>', home, re.S).group(0)
    assert "Sắp diễn ra" in _text(upcoming)
