"""The date and date-and-time fields (ecabinet/core/datefields.py): text boxes read as dd/mm/yyyy
and HH:MM whatever the browser's locale, refused with a message that says how to write them, and
shown again as typed."""
from datetime import date, datetime

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from ecabinet.core.datefields import (
    REQUIRED_DATE, REQUIRED_DATE_TIME, DateFormatError, VietnameseDateField, VietnameseDateTimeField, parse_date,
    parse_time,
)


class SessionForm(FlaskForm):
    class Meta:
        csrf = False

    starts_at = VietnameseDateTimeField("Bắt đầu", required_message=REQUIRED_DATE_TIME)
    ends_at = VietnameseDateTimeField("Kết thúc")
    day = VietnameseDateField("Ngày", required_message=REQUIRED_DATE)


def submit(app, language="vi", **data):
    with app.test_request_context(method="POST"), force_locale(language):
        form = SessionForm(formdata=MultiDict(data))
        form.validate()
        return form, {name: list(field.errors) for name, field in form._fields.items() if field.errors}, \
            str(form.starts_at()), str(form.day())


@pytest.mark.parametrize("text, expected", [
    ("01/12/2026", date(2026, 12, 1)), ("1/2/2027", date(2027, 2, 1)), ("01-12-2026", date(2026, 12, 1)),
    ("01.12.2026", date(2026, 12, 1)), (" 29/02/2028 ", date(2028, 2, 29)), ("2026-12-01", date(2026, 12, 1)),
])
def test_dates_are_read_day_first(app, text, expected):
    with app.test_request_context():
        assert parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("08:00", (8, 0)), ("8:05", (8, 5)), ("14.30", (14, 30)), ("8h30", (8, 30)), ("8h", (8, 0)),
    ("14 giờ 30", (14, 30)), ("23:59", (23, 59)), ("0:00", (0, 0)), ("9", (9, 0)),
])
def test_times_are_read_on_a_24_hour_clock(app, text, expected):
    with app.test_request_context():
        moment = parse_time(text)
        assert (moment.hour, moment.minute) == expected


@pytest.mark.parametrize("text", ["12/31/2026", "31/02/2026", "ngày mai", "2026/12/01", "1/12/26"])
def test_a_wrong_date_is_refused(app, text):
    with app.test_request_context(), pytest.raises(DateFormatError):
        parse_date(text)


@pytest.mark.parametrize("text", ["25:00", "8:75", "8 PM", "08:00 AM", "sáng"])
def test_a_wrong_time_is_refused(app, text):
    with app.test_request_context(), pytest.raises(DateFormatError):
        parse_time(text)


def test_a_good_form_gives_naive_local_datetimes_and_dates(app):
    form, errors, _html, _day = submit(app, **{"starts_at": "01/12/2026", "starts_at-time": "14:30",
                                               "ends_at": "01/12/2026", "ends_at-time": "17h", "day": "26/12/2026"})
    assert errors == {}
    assert form.starts_at.data == datetime(2026, 12, 1, 14, 30)
    assert form.ends_at.data == datetime(2026, 12, 1, 17, 0)
    assert form.day.data == date(2026, 12, 26)


def test_an_optional_date_and_time_may_stay_empty(app):
    form, errors, _html, _day = submit(app, **{"starts_at": "01/12/2026", "starts_at-time": "08:00",
                                               "ends_at": "", "ends_at-time": "", "day": "01/12/2026"})
    assert errors == {} and form.ends_at.data is None


def test_bad_input_is_refused_in_vietnamese_and_kept_as_typed(app):
    form, errors, html, day_html = submit(app, **{"starts_at": "12/31/2026", "starts_at-time": "8 PM",
                                                  "ends_at": "", "ends_at-time": "11:30", "day": "31/02/2027"})
    assert errors["starts_at"] == ["Không có tháng 31: hãy nhập ngày theo dạng dd/mm/yyyy."]
    assert errors["ends_at"] == ["Hãy nhập cả ngày, theo dạng dd/mm/yyyy."]
    assert errors["day"] == ["Ngày 31/02/2027 không tồn tại: tháng 2 năm 2027 không có ngày 31."]
    # What was typed comes back in the boxes, to be corrected rather than typed again.
    assert 'value="12/31/2026"' in html and 'value="8 PM"' in html and 'aria-invalid="true"' in html
    assert 'value="31/02/2027"' in day_html
    form, errors, html, _day = submit(app, **{"starts_at": "01/12/2026", "starts_at-time": "8 PM", "day": "1/1/2027"})
    assert errors["starts_at"] == ["Hãy nhập giờ theo dạng hh:mm (đồng hồ 24 giờ), ví dụ 14:30."]


def test_missing_required_dates_say_what_to_enter_in_each_language(app):
    _form, errors, _html, _day = submit(app, **{"starts_at": "", "starts_at-time": "", "day": ""})
    assert errors == {"starts_at": ["Hãy nhập ngày (dd/mm/yyyy) và giờ (hh:mm)."],
                      "day": ["Hãy nhập ngày theo dạng dd/mm/yyyy."]}
    _form, errors, _html, _day = submit(app, "en", **{"starts_at": "01/12/2026", "starts_at-time": "", "day": ""})
    assert errors == {"starts_at": ["Enter the time too, as hh:mm (for example 08:00)."],
                      "day": ["Enter the date as dd/mm/yyyy."]}


def test_the_boxes_are_text_boxes_with_a_picker_never_the_browsers_date_input(app):
    with app.test_request_context(), force_locale("vi"):
        form = SessionForm(formdata=None, data={"starts_at": datetime(2026, 12, 1, 8, 0)})
        html = str(form.starts_at())
    assert 'type="date' not in html and "datetime-local" not in html
    assert 'name="starts_at" id="starts_at" value="01/12/2026"' in html
    assert 'name="starts_at-time" id="starts_at-time" value="08:00"' in html
    assert 'placeholder="dd/mm/yyyy"' in html and "data-datepicker" in html and "Thứ Ba" in html
    assert 'aria-label="Bắt đầu: giờ (hh:mm, đồng hồ 24 giờ)"' in html
