"""Documents go out before the session by the body's lead time in working days (3 for a regular
session, 1 for a special one by default); Tết, weekends and the administrator's days off are skipped.
Publishing later is allowed but warned about; a document added late is marked."""
from datetime import date, datetime, timedelta

from flask import g

from ecabinet.bodies import operations as bodies
from ecabinet.bodies.rules import WorkingRules
from ecabinet.core.db import utcnow
from ecabinet.core.timeutil import LOCAL_TZ
from ecabinet.extensions import db
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import MeetingKind
from ecabinet.meetings.queries import documents_due, sent_late
from tests.factories import create_document, create_secretariat


def _session(at, kind=MeetingKind.REGULAR):
    office = create_secretariat()
    meeting = meetings.create_meeting("Phiên họp UBND tỉnh", at, actor=office, kind=kind)
    meetings.add_agenda_item(meeting, "Tờ trình", actor=office)
    db.session.commit()
    return meeting, office


def test_three_working_days_before_a_session_after_tet(app):
    # Monday 15 February 2027; Tết is 4-10 February: Thu 11 and Fri 12 count, then Wed 3 February.
    meeting, _office = _session(datetime(2027, 2, 15, 8, 0, tzinfo=LOCAL_TZ))
    assert documents_due(meeting) == date(2027, 2, 3)
    special, _ = _session(datetime(2027, 2, 15, 8, 0, tzinfo=LOCAL_TZ), kind=MeetingKind.EXTRAORDINARY)
    assert documents_due(special) == date(2027, 2, 12)


def test_the_bodys_rules_and_the_calendar_move_the_due_date(app):
    meeting, _office = _session(datetime(2026, 12, 14, 8, 0, tzinfo=LOCAL_TZ))  # a Monday
    assert documents_due(meeting) == date(2026, 12, 9)
    bodies.update_rules(meeting.body, WorkingRules(lead_days_regular=5), actor=None)
    bodies.set_calendar_day(date(2026, 12, 9), working=False, note="Nghỉ bù")
    db.session.commit()
    db.session.expire_all()
    g.pop("documents_due", None)  # worked out once per request; this test is one long request
    # Five working days back from Monday 14 December, with Wednesday 9 December a day off:
    # 11, 10, 8, 7 and Friday 4 December.
    assert documents_due(meeting) == date(2026, 12, 4)


def test_publishing_late_is_allowed_but_warned_and_shown(app, login):
    meeting, office = _session(utcnow() + timedelta(days=1))
    page = login(office).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Công bố ngay bây giờ sẽ gửi tài liệu muộn" in page
    meetings.change_status(meeting, "published", actor=office)
    db.session.commit()
    page = login(office).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Tài liệu đã được gửi muộn" in page


def test_a_document_added_inside_the_lead_time_is_marked_late(app, login, bearer):
    meeting, office = _session(utcnow() + timedelta(days=1))
    document = create_document(meeting, actor=office, title="Tờ trình bổ sung")
    assert sent_late(meeting, document.current.uploaded_at)
    listed = login(office).get(f"/api/v1/meetings/{meeting.id}/documents").get_json()["documents"]
    assert [d["late"] for d in listed] == [True]
    on_time, office2 = _session(utcnow() + timedelta(days=30))
    create_document(on_time, actor=office2, title="Báo cáo")
    assert [d["late"] for d in login(office2).get(f"/api/v1/meetings/{on_time.id}/documents")
            .get_json()["documents"]] == [False]


def test_the_tablets_list_marks_a_late_document(app):
    from ecabinet.documents.events import document_facts

    meeting, office = _session(utcnow() + timedelta(days=1))
    create_document(meeting, actor=office, title="Tờ trình bổ sung")
    [fact] = document_facts(meeting)
    assert fact.late is True
    on_time, office2 = _session(utcnow() + timedelta(days=30))
    create_document(on_time, actor=office2, title="Báo cáo")
    assert [f.late for f in document_facts(on_time)] == [False]
