"""The working-day calendar on known dates: Tết 2027, Quốc khánh 2026, 30/4 and 1/5, overrides."""
from datetime import date, datetime, timezone

import pytest

from ecabinet.bodies.workdays import (
    add_working_days,
    holiday_name,
    is_working_day,
    working_days_before,
    working_days_between,
)


def test_tet_2027_lunar_new_year_is_6_february():
    assert holiday_name(date(2027, 2, 6)) == "Tết Nguyên Đán"
    assert holiday_name(date(2027, 2, 5)) == "Giao thừa Tết Nguyên Đán"
    assert holiday_name(date(2027, 2, 6), language="en_US") == "Lunar New Year"


def test_tet_2027_is_five_working_days_off_thursday_to_next_wednesday():
    # New Year's Day falls on Saturday: its eve and four days are shifted off the weekend,
    # so Thursday 4 to Wednesday 10 February are all off, and work resumes on Thursday 11.
    assert [is_working_day(date(2027, 2, d)) for d in range(3, 12)] == [
        True, False, False, False, False, False, False, False, True]
    assert working_days_between(date(2027, 2, 3), date(2027, 2, 10)) == 0


def test_national_day_2026_and_the_day_before():
    assert holiday_name(date(2026, 9, 2)) == "Quốc khánh"
    assert holiday_name(date(2026, 9, 1)) == "Quốc khánh"
    assert not is_working_day(date(2026, 9, 2))   # Wednesday
    assert not is_working_day(date(2026, 9, 1))   # Tuesday
    assert is_working_day(date(2026, 9, 3))


def test_national_day_2026_bridge_and_its_make_up_saturday():
    # Monday 31 August 2026 is a bridge day off, worked on Saturday 22 August.
    assert not is_working_day(date(2026, 8, 31))
    assert is_working_day(date(2026, 8, 22))
    assert not is_working_day(date(2026, 8, 29))  # an ordinary Saturday


def test_reunification_day_and_labour_day():
    assert holiday_name(date(2026, 4, 30)) == "Ngày Chiến thắng"
    assert holiday_name(date(2026, 5, 1)) == "Ngày Quốc tế Lao động"
    assert not is_working_day(date(2026, 4, 30))  # Thursday
    assert not is_working_day(date(2026, 5, 1))   # Friday
    # 1 May 2027 is a Saturday: Monday 3 May is off instead.
    assert not is_working_day(date(2027, 5, 3))
    assert is_working_day(date(2027, 5, 4))


def test_hung_kings_day_from_the_lunar_calendar():
    assert holiday_name(date(2027, 4, 16)) == "Ngày Giỗ Tổ Hùng Vương"
    assert not is_working_day(date(2027, 4, 16))
    # 2026: 10/3 âm lịch is Sunday 26 April, observed on Monday 27 April.
    assert not is_working_day(date(2026, 4, 27))


def test_weekend_and_ordinary_days():
    assert not is_working_day(date(2026, 12, 5))  # Saturday
    assert not is_working_day(date(2026, 12, 6))  # Sunday
    assert is_working_day(date(2026, 12, 7))      # Monday
    assert holiday_name(date(2026, 12, 7)) is None


def test_overrides_make_a_saturday_a_working_day_and_a_wednesday_a_day_off():
    saturday, wednesday = date(2026, 12, 5), date(2026, 12, 9)
    overrides = {saturday: True, wednesday: False}
    assert is_working_day(saturday, overrides)
    assert not is_working_day(wednesday, overrides)
    # An override also wins over a public holiday.
    assert is_working_day(date(2027, 2, 10), {date(2027, 2, 10): True})
    # Friday 4 December + 2 working days: Saturday 5 (made up), Monday 7.
    assert add_working_days(date(2026, 12, 4), 2, overrides) == date(2026, 12, 7)
    # Monday 7 + 2 working days skips the Wednesday off: Tuesday 8, Thursday 10.
    assert add_working_days(date(2026, 12, 7), 2, overrides) == date(2026, 12, 10)
    assert working_days_between(date(2026, 12, 4), date(2026, 12, 11), overrides) == 5


def test_overrides_must_be_a_mapping():
    with pytest.raises(TypeError):
        add_working_days(date(2026, 12, 7), 1, [date(2026, 12, 8)])


def test_add_working_days_across_tet_2027():
    # A written poll sent on Wednesday 3 February 2027 with 5 working days:
    # Thursday 4 to Wednesday 10 are Tết, so 11, 12, 15, 16, 17 February.
    assert add_working_days(date(2027, 2, 3), 5) == date(2027, 2, 17)
    assert working_days_between(date(2027, 2, 3), date(2027, 2, 17)) == 5
    assert working_days_before(date(2027, 2, 17), 5) == date(2027, 2, 3)


def test_add_working_days_zero_and_from_a_day_off():
    assert add_working_days(date(2026, 12, 7), 0) == date(2026, 12, 7)
    assert add_working_days(date(2026, 12, 5), 0) == date(2026, 12, 7)   # Saturday -> Monday
    assert add_working_days(date(2026, 12, 5), 1) == date(2026, 12, 7)
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)   # Friday -> Monday
    assert add_working_days(date(2026, 12, 10), -3) == date(2026, 12, 7)


def test_working_days_before_a_monday_session():
    # Session on Monday 14 December 2026, documents 3 working days before: Wednesday 9.
    monday = date(2026, 12, 14)
    assert working_days_before(monday, 3) == date(2026, 12, 9)
    assert working_days_before(monday, 1) == date(2026, 12, 11)
    assert working_days_before(monday, 0) == monday
    assert working_days_between(date(2026, 12, 9), monday) == 3
    # Session on Monday 15 February 2027, right after Tết: Friday 12 (1), Thursday 11 (2),
    # then Tết from Wednesday 10 back to Thursday 4, so Wednesday 3 February (3).
    assert working_days_before(date(2027, 2, 15), 3) == date(2027, 2, 3)
    assert working_days_before(date(2027, 2, 15), 1) == date(2027, 2, 12)


def test_working_days_between_is_signed_and_excludes_the_start():
    assert working_days_between(date(2026, 12, 7), date(2026, 12, 7)) == 0
    assert working_days_between(date(2026, 12, 7), date(2026, 12, 14)) == 5
    assert working_days_between(date(2026, 12, 14), date(2026, 12, 7)) == -5


def test_datetimes_are_taken_in_vietnam_time():
    # 20:00 UTC on Friday 1 January 2027 is already Saturday 2 January in Hà Nội.
    late_utc = datetime(2027, 1, 1, 20, 0, tzinfo=timezone.utc)
    assert holiday_name(late_utc) is None
    assert add_working_days(late_utc, 0) == date(2027, 1, 4)
