"""Dates, times and numbers written the Vietnamese way (ecabinet/core/formats.py), and the Jinja
filters that are the only way pages write them."""
from datetime import date, datetime, timezone

import pytest
from flask import render_template_string
from flask_babel import force_locale

from ecabinet.core import formats

# 23:30 UTC on Monday 30 November 2026 is 06:30 on Tuesday 1 December in Vietnam.
LATE_UTC = datetime(2026, 11, 30, 23, 30, 5, tzinfo=timezone.utc)


def test_dates_and_times_are_dd_mm_yyyy_and_24_hour_in_vietnam_time():
    assert formats.format_date(LATE_UTC) == "01/12/2026"
    assert formats.format_time(LATE_UTC) == "06:30"
    assert formats.format_time(LATE_UTC, seconds=True) == "06:30:05"
    assert formats.format_datetime(LATE_UTC) == "01/12/2026 06:30"
    afternoon = datetime(2026, 3, 5, 14, 5)  # naive: already local (what a form holds)
    assert formats.format_datetime(afternoon) == "05/03/2026 14:05"
    assert formats.format_date(date(2027, 1, 9)) == "09/01/2027"
    assert formats.format_date(None) == formats.format_datetime(None) == formats.format_time(None) == ""


def test_weekdays_and_official_dates():
    assert formats.weekday_name(LATE_UTC, "vi") == "Thứ Ba"
    assert formats.weekday_name(date(2026, 12, 6), "vi") == "Chủ nhật"
    assert formats.weekday_name(date(2026, 12, 6), "en") == "Sunday"
    assert formats.long_date(LATE_UTC, "vi") == "Thứ Ba, 01/12/2026"
    assert formats.long_date(LATE_UTC, "en") == "Tuesday, 01/12/2026"
    # Decree 30/2020: a leading zero for days below 10 and for January and February only.
    assert formats.official_date(LATE_UTC) == "ngày 01 tháng 12 năm 2026"
    assert formats.official_date(date(2027, 2, 3)) == "ngày 03 tháng 02 năm 2027"
    assert formats.official_date(date(2027, 3, 15)) == "ngày 15 tháng 3 năm 2027"
    assert formats.official_datetime(LATE_UTC) == "06 giờ 30 phút, ngày 01 tháng 12 năm 2026"


def test_numbers_use_the_separators_of_the_language():
    assert formats.format_number(1234.5, language="vi") == "1.234,5"
    assert formats.format_number(1234567, language="vi") == "1.234.567"
    assert formats.format_number(66.666, 1, "vi") == "66,7"
    assert formats.format_number(2, 1, "vi") == "2,0"
    assert formats.format_number(1234.5, language="en") == "1,234.5"


@pytest.mark.parametrize("language, expected", [
    ("vi", "01/12/2026 06:30|01/12/2026|06:30|Thứ Ba, 01/12/2026|ngày 01 tháng 12 năm 2026|1.234,5|Tháng 12"),
    ("en", "01/12/2026 06:30|01/12/2026|06:30|Tuesday, 01/12/2026|ngày 01 tháng 12 năm 2026|1,234.5|Dec"),
])
def test_the_template_filters_write_one_format_whatever_the_language(app, language, expected):
    template = ("{{ m|datetime }}|{{ m|date }}|{{ m|time }}|{{ m|long_date }}|{{ m|official_date }}"
                "|{{ n|number }}|{{ m|month_label }}")
    with app.test_request_context(), force_locale(language):
        assert render_template_string(template, m=LATE_UTC, n=1234.5) == expected


def test_a_filter_refuses_a_pattern_so_no_page_drifts_to_another_format(app):
    with app.test_request_context(), pytest.raises(TypeError):
        render_template_string('{{ m|date("MMM d, y") }}', m=LATE_UTC)
