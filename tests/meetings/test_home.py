""""Phiên họp của tôi" (/meetings) and GET /api/v1/meetings: which sessions a user sees, in
which section and order, and that dates are shown in Vietnam time."""
import re
from datetime import datetime, timedelta, timezone

from ecabinet.core.timeutil import LOCAL_TZ
from ecabinet.extensions import db
from ecabinet.meetings import operations
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.meetings.queries import split_upcoming
from tests.factories import create_meeting, create_secretariat, create_user

UPCOMING, PAST = "Sắp diễn ra", "Phiên họp đã qua"


def sections(html):
    """{section heading: [meeting ids in page order]} of the home page."""
    parts = re.split(r'<div class="section-title"><h2>(.*?)</h2>', html)
    return {parts[i]: [int(m) for m in re.findall(r'class="card meeting-card[^"]*" href="/meetings/(\d+)"',
                                                   parts[i + 1])]
            for i in range(1, len(parts), 2)}


def card(html, meeting_id):
    match = re.search(rf'<a class="card meeting-card[^"]*" href="/meetings/{meeting_id}">(.*?)</a>', html, re.S)
    assert match, f"no card for session {meeting_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


class Calendar:
    """A member's sessions around today, and sessions they must not see."""

    def __init__(self):
        self.secretariat = create_secretariat()
        self.member = create_user(full_name="Hoàng Thị Lan")
        chair = create_user(full_name="Chủ Tọa")

        def make(title, status, days, members=(self.member,)):
            return create_meeting(title, status=status, actor=self.secretariat, chair=chair, members=list(members),
                                  starts_in=timedelta(days=days)).id

        self.in_five_days = make("Sau năm ngày", MeetingStatus.PUBLISHED, 5)
        self.tomorrow = make("Ngày mai", MeetingStatus.PUBLISHED, 1)
        self.in_a_month = make("Tháng sau", MeetingStatus.PUBLISHED, 30)
        # Started two days ago and still running: upcoming, and first.
        self.live = make("Đang họp", MeetingStatus.LIVE, -2)
        self.ended = make("Đã họp tuần trước", MeetingStatus.ENDED, -7)
        self.archived = make("Đã lưu trữ", MeetingStatus.ARCHIVED, -40)
        self.missed = make("Đã công bố nhưng không họp", MeetingStatus.PUBLISHED, -3)
        # Ended ahead of its planned date (e.g. moved): finished, so past.
        self.ended_early = make("Kết thúc sớm", MeetingStatus.ENDED, 3)
        self.draft = make("Dự thảo có mời", MeetingStatus.DRAFT, 2)
        self.not_invited = make("Không được mời", MeetingStatus.PUBLISHED, 2, members=())
        self.not_invited_live = make("Không được mời, đang họp", MeetingStatus.LIVE, 0, members=())

    @property
    def member_upcoming(self):
        return [self.live, self.tomorrow, self.in_five_days, self.in_a_month]

    @property
    def member_past(self):
        # Newest first.
        return [self.ended_early, self.missed, self.ended, self.archived]


def test_a_member_sees_their_sessions_live_first_then_soonest_and_past_newest_first(login):
    cal = Calendar()
    html = login(cal.member).get("/meetings").get_data(as_text=True)
    assert sections(html) == {UPCOMING: cal.member_upcoming, PAST: cal.member_past}
    assert "meeting-card--live" in html.split(f'href="/meetings/{cal.live}"')[0].rsplit("<a ", 1)[-1]


def test_a_member_never_sees_drafts_or_sessions_they_are_not_in(login, bearer, app):
    cal = Calendar()
    html = login(cal.member).get("/meetings").get_data(as_text=True)
    shown = set(sum(sections(html).values(), []))
    for hidden in (cal.draft, cal.not_invited, cal.not_invited_live):
        assert hidden not in shown
        assert f'href="/meetings/{hidden}"' not in html
    listed = app.test_client().get("/api/v1/meetings", headers=bearer(cal.member)).get_json()["meetings"]
    assert {m["id"] for m in listed} == shown == set(cal.member_upcoming + cal.member_past)


def test_the_chair_also_sees_drafts_they_organise(login):
    cal = Calendar()
    chair = db.session.get(Meeting, cal.draft).participants[0].user
    shown = sections(login(chair).get("/meetings").get_data(as_text=True))
    assert cal.draft in shown[UPCOMING]


def test_the_secretariat_sees_every_session(login, bearer, app):
    cal = Calendar()
    other_secretariat = create_secretariat()
    # Every session in the database (other suites may have left some behind: compare with all of them).
    every = {m.id for m in db.session.query(Meeting)}
    live = {m.id for m in db.session.query(Meeting).filter(Meeting.status == MeetingStatus.LIVE)}
    mine = set(cal.member_upcoming + cal.member_past) | {cal.draft, cal.not_invited, cal.not_invited_live}
    assert mine <= every and {cal.live, cal.not_invited_live} <= live
    for user in (cal.secretariat, other_secretariat):
        shown = sections(login(user).get("/meetings").get_data(as_text=True))
        assert sorted(shown[UPCOMING] + shown[PAST]) == sorted(every)
        assert set(shown[UPCOMING][:len(live)]) == live  # live sessions first
        assert cal.draft in shown[UPCOMING] and cal.archived in shown[PAST]
        listed = app.test_client().get("/api/v1/meetings", headers=bearer(user)).get_json()["meetings"]
        assert {m["id"] for m in listed} == every
        # The API lists newest first.
        starts = [m["starts_at"] for m in listed]
        assert starts == sorted(starts, reverse=True)


def test_a_new_user_sees_empty_sections(login, bearer, app):
    Calendar()
    newcomer = create_user()
    html = login(newcomer).get("/meetings").get_data(as_text=True)
    assert sections(html) == {UPCOMING: [], PAST: []}
    assert "Chưa có phiên họp sắp tới" in html and "Chưa có phiên họp nào đã qua." in html
    assert app.test_client().get("/api/v1/meetings", headers=bearer(newcomer)).get_json() == {"meetings": []}


def test_a_session_leaves_the_upcoming_list_when_it_ends(login, bearer, app):
    cal = Calendar()
    operations.change_status(db.session.get(Meeting, cal.live), MeetingStatus.ENDED, actor=cal.secretariat)
    db.session.commit()
    shown = sections(login(cal.member).get("/meetings").get_data(as_text=True))
    assert shown[UPCOMING] == [cal.tomorrow, cal.in_five_days, cal.in_a_month]
    assert cal.live in shown[PAST]


def test_dates_on_the_home_page_are_vietnam_time(login):
    secretariat = create_secretariat()
    member = create_user()
    # 20:30 UTC on 4 December is 03:30 on 5 December in Vietnam.
    meeting = operations.create_meeting("Phiên họp sáng sớm", datetime(2030, 12, 4, 20, 30, tzinfo=timezone.utc),
                                        ends_at=datetime(2030, 12, 5, 4, 30, tzinfo=timezone.utc),
                                        actor=secretariat)
    operations.add_agenda_item(meeting, "Tờ trình", actor=secretariat)
    operations.invite_participant(meeting, member, "member", actor=secretariat)
    operations.change_status(meeting, MeetingStatus.PUBLISHED, actor=secretariat)
    db.session.commit()
    html = login(member).get("/meetings").get_data(as_text=True)
    text = card(html, meeting.id)
    assert "05/12/2030" in text and "03:30 – 11:30" in text
    assert "04/12/2030" not in text and "20:30" not in text
    assert re.search(r'<div class="datebox__day">5</div>', html)
    show = login(member).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "03:30 – 11:30" in show and "20:30" not in show


def test_split_upcoming_counts_today_as_upcoming_in_vietnam_time():
    """Pure: with a fixed `now` — a session earlier today (Vietnam date) is still upcoming, yesterday's is past."""
    now = datetime(2030, 12, 5, 2, 0, tzinfo=timezone.utc)  # 09:00 in Vietnam
    at = lambda h, m=0, day=5: datetime(2030, 12, day, h, m, tzinfo=LOCAL_TZ)  # noqa: E731
    today_early = Meeting(id=1, status=MeetingStatus.PUBLISHED, starts_at=at(0, 30))  # 17:30 UTC on the 4th
    yesterday_late = Meeting(id=2, status=MeetingStatus.PUBLISHED, starts_at=at(23, 30, day=4))
    later = Meeting(id=3, status=MeetingStatus.PUBLISHED, starts_at=at(14))
    live_old = Meeting(id=4, status=MeetingStatus.LIVE, starts_at=at(8, day=1))
    ended_future = Meeting(id=5, status=MeetingStatus.ENDED, starts_at=at(8, day=9))
    upcoming, past = split_upcoming([yesterday_late, later, today_early, ended_future, live_old], now)
    assert [m.id for m in upcoming] == [4, 1, 3]
    assert [m.id for m in past] == [5, 2]  # newest first, whatever order they came in
