"""How dates, times and numbers are written, everywhere: pages, e-mails, CSV files and PDFs.

Vietnamese administrations write dates as dd/mm/yyyy and times on a 24-hour clock, in the body's
local time (Vietnam has one zone), whatever the reader's browser or language; official documents
write "ngày 01 tháng 12 năm 2026" and weekdays as "Thứ Ba", "Chủ nhật". Numbers follow the
language of the page (1.234,5 in Vietnamese); official documents are Vietnamese.

Every value may be an aware datetime (stored in UTC, shown in local time), a naive datetime
(already local: what a form holds), a date, or None (formatted as "").
"""
from datetime import datetime

from babel.numbers import format_decimal

from ecabinet.core.timeutil import to_local

# Monday first, as datetime.weekday() counts. "Chủ nhật" is written with a small n in
# administrative text (CLDR's "Chủ Nhật" is not).
WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The short headers of a calendar grid (date picker), Monday first.
WEEKDAYS_SHORT_VI = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
WEEKDAYS_SHORT_EN = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


def current_language():
    """The page's language ("vi" or "en"); "vi" outside a request (CLI jobs, PDFs)."""
    try:
        from flask_babel import get_locale
        locale = get_locale()
    except Exception:  # noqa: BLE001 - outside an application or request context
        locale = None
    return locale.language if locale is not None else "vi"


def local(value):
    """The value in local time: aware datetimes are converted, naive ones and dates kept."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return to_local(value)
    return value


def format_date(value):
    """01/12/2026."""
    if value is None:
        return ""
    value = local(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_time(value, seconds=False):
    """08:30 (24-hour clock), or 08:30:05."""
    if value is None:
        return ""
    value = local(value)
    return f"{value:%H:%M:%S}" if seconds else f"{value:%H:%M}"


def format_datetime(value, seconds=False):
    """01/12/2026 08:30 (the time after the date, as in lists and e-mails)."""
    if value is None:
        return ""
    return f"{format_date(value)} {format_time(value, seconds)}"


def weekday_name(value, language=None):
    """Thứ Ba, Chủ nhật (or Tuesday, Sunday in English)."""
    if value is None:
        return ""
    names = WEEKDAYS_EN if (language or current_language()) == "en" else WEEKDAYS_VI
    return names[local(value).weekday()]


def long_date(value, language=None):
    """Thứ Ba, 01/12/2026: the date of a session in headers and cards."""
    if value is None:
        return ""
    return f"{weekday_name(value, language)}, {format_date(value)}"


def official_day_month(value):
    """Day and month as Decree 30/2020 (Appendix I) writes them: a leading zero for days below 10
    and for months below 3 (ngày 05, tháng 01, tháng 02, but tháng 3)."""
    value = local(value)
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"{value.day:02d}", month


def official_date(value):
    """ngày 01 tháng 12 năm 2026 (the place-and-date line and the body of official documents)."""
    if value is None:
        return ""
    day, month = official_day_month(value)
    return f"ngày {day} tháng {month} năm {local(value).year}"


def official_datetime(value):
    """08 giờ 30 phút, ngày 01 tháng 12 năm 2026 (minutes and reports)."""
    if value is None:
        return ""
    moment = local(value)
    return f"{moment:%H} giờ {moment:%M} phút, {official_date(moment)}"


def month_label(value, language=None):
    """The month of a date box: "Tháng 12" (or "Dec")."""
    if value is None:
        return ""
    month = local(value).month
    return MONTHS_EN[month - 1][:3] if (language or current_language()) == "en" else f"Tháng {month}"


def format_number(value, decimals=None, language=None):
    """1.234,5 in Vietnamese, 1,234.5 in English; `decimals` fixes the number of decimals."""
    if value is None:
        return ""
    language = language or current_language()
    pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="en" if language == "en" else "vi")


def date_picker_strings(language=None):
    """What the date picker (static/js/datepicker.js) writes: month names, weekday headers."""
    english = (language or current_language()) == "en"
    return {
        "months": list(MONTHS_EN) if english else [f"Tháng {n}" for n in range(1, 13)],
        "weekdays": list(WEEKDAYS_SHORT_EN if english else WEEKDAYS_SHORT_VI),
        "weekdays_long": list(WEEKDAYS_EN if english else WEEKDAYS_VI),
    }
