"""Date and date-and-time form fields written the Vietnamese way, whatever the browser's locale.

A browser's own `<input type="date">` and `datetime-local` show mm/dd/yyyy and AM/PM under an
English (US) locale, so these fields are text inputs: a date as dd/mm/yyyy (with the small date
picker of static/js/datepicker.js) and a time as HH:MM on a 24-hour clock. The server parses what
was typed, refuses it with a clear message next to the field, and shows it again as it was typed.
The data are naive local datetimes and dates, as WTForms' own fields gave them.

The messages live here, not in the WTForms translations: "Enter the date as dd/mm/yyyy" says more
than a generic "Not a valid datetime value".
"""
import json
import re
from datetime import date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms.fields import Field
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from ecabinet.core.formats import date_picker_strings, format_date, format_time

# 1/12/2026, 01-12-2026, 01.12.2026; ISO 2026-12-01 too (what an older form or a script posts).
_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# 8:30, 08:30, 8.30, 8h30, 8h, 8 giờ 30 (phút): the ways a Vietnamese clerk writes a time.
_TIME = re.compile(r"^(\d{1,2})\s*(?::|\.|h|g|giờ)\s*(\d{2})?\s*(?:phút|p)?$", re.IGNORECASE)
_TIME_HOUR_ONLY = re.compile(r"^(\d{1,2})$")


class DateFormatError(ValueError):
    """What was typed is not a date or a time; the message says how to write it."""


def parse_date(text):
    """The date in `text` (dd/mm/yyyy, or ISO yyyy-mm-dd); DateFormatError with a message."""
    text = (text or "").strip()
    match = _DAY_FIRST.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            raise DateFormatError(_("Enter the date as dd/mm/yyyy, for example 01/12/2026."))
        year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        raise DateFormatError(_("There is no month %(month)d: enter the date as dd/mm/yyyy.", month=month))
    try:
        return date(year, month, day)
    except ValueError:
        raise DateFormatError(_("%(date)s does not exist: month %(month)d of %(year)d has no day %(day)d.",
                                date=f"{day:02d}/{month:02d}/{year}", month=month, year=year, day=day)) from None


def parse_time(text):
    """The time in `text` (HH:MM on a 24-hour clock; 8h30 and 8:30 too); DateFormatError."""
    text = (text or "").strip()
    match = _TIME.match(text) or _TIME_HOUR_ONLY.match(text)
    if not match:
        raise DateFormatError(_("Enter the time as hh:mm on a 24-hour clock, for example 14:30."))
    hour = int(match.group(1))
    minute = int(match.group(2) or 0) if match.re is _TIME else 0
    if hour > 23 or minute > 59:
        raise DateFormatError(_("%(time)s is not a time of day: hours go from 00 to 23 and minutes from 00 to 59.",
                                time=text))
    return time(hour, minute)


def _split_iso(text):
    """"2026-12-01T08:00" or "01/12/2026 08:00" typed or posted in the date box: (date, time)."""
    for separator in ("T", " "):
        if separator in text.strip():
            head, _sep, tail = text.strip().partition(separator)
            return head, tail
    return text, ""


def _picker_attributes(field):
    """The data the date picker reads: its texts in the page's language."""
    strings = date_picker_strings()
    strings.update({
        "open": _("Choose a date"), "previous": _("Previous month"), "next": _("Next month"),
        "close": _("Close"), "today": _("Today"),
        # The grid's title: "Tháng 12 năm 2026", "December 2026".
        "month_year": _("%(month)s %(year)s", month="%(month)s", year="%(year)s"),
    })
    return json.dumps(strings, ensure_ascii=False)


def _input(name, field_id, value, kwargs, *, kind):
    """One text input; the field macro's own attributes (placeholder, class…) pass through."""
    attributes = {"class": "input", **kwargs}
    if kind == "date":
        attributes.update({"inputmode": "numeric", "autocomplete": "off", "placeholder": _("dd/mm/yyyy"),
                           "pattern": r"\d{1,2}/\d{1,2}/\d{4}", "maxlength": "10", "size": "10"})
    else:
        attributes.update({"inputmode": "numeric", "autocomplete": "off", "placeholder": _("hh:mm"),
                           "maxlength": "14", "size": "5"})
    attributes.update({"type": "text", "name": name, "id": field_id, "value": value})
    html = " ".join(f'{key}="{escape(val)}"' for key, val in attributes.items() if val is not None and val is not False)
    return f"<input {html}>"


class DateInput:
    """dd/mm/yyyy in a text box, with the date picker."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("data-datepicker", _picker_attributes(field))
        if field.errors:
            kwargs.setdefault("aria-invalid", "true")
        return Markup(f'<span class="date-input">{_input(field.name, field.id, field._value(), kwargs, kind="date")}'
                      "</span>")


class DateTimeInput:
    """Two boxes side by side: the date (dd/mm/yyyy, with the picker) and the time (HH:MM). The
    field's label names the date box; the time box says what it is to a screen reader."""

    def __call__(self, field, **kwargs):
        invalid = {"aria-invalid": "true"} if field.errors else {}
        date_box = _input(field.name, field.id, field.typed_date(), {
            **kwargs, **invalid, "data-datepicker": _picker_attributes(field),
            "aria-describedby": kwargs.get("aria-describedby")}, kind="date")
        time_label = _("%(field)s: time (hh:mm, 24-hour clock)", field=field.label.text)
        time_box = _input(field.time_name, f"{field.id}-time", field.typed_time(), {
            **invalid, "aria-label": time_label, "title": time_label}, kind="time")
        at = escape(_("at"))  # 01/12/2026 "lúc" 08:00
        return Markup(f'<span class="datetime-input"><span class="date-input">{date_box}</span>'
                      f'<span class="datetime-input__at" aria-hidden="true">{at}</span>{time_box}</span>')


class VietnameseDateField(Field):
    """A date typed as dd/mm/yyyy. data: a `date` or None."""

    widget = DateInput()

    def __init__(self, label=None, validators=None, required_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data).strip()  # as typed, refused or not
        return format_date(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        try:
            self.data = parse_date(_split_iso(text)[0])
        except DateFormatError as error:
            raise ValueError(str(error)) from None

    def pre_validate(self, form):
        if self.required_message and not self.process_errors and self.data is None:
            raise StopValidation(str(self.required_message))


class VietnameseDateTimeField(Field):
    """A date (dd/mm/yyyy) and a time (HH:MM, 24-hour clock) in two boxes. data: a naive local
    `datetime` or None. With `required_message`, both must be given; without, both may be empty."""

    widget = DateTimeInput()

    def __init__(self, label=None, validators=None, required_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self._typed = None  # (date text, time text) as submitted

    @property
    def time_name(self):
        return f"{self.name}-time"

    def process(self, formdata, data=unset_value, extra_filters=None):
        # Two inputs: remember both as typed, then let WTForms call process_formdata.
        self._typed = None
        if formdata is not None and (self.name in formdata or self.time_name in formdata):
            self._typed = (formdata.get(self.name, ""), formdata.get(self.time_name, ""))
        super().process(formdata, data=data, extra_filters=extra_filters)

    def typed_date(self):
        if self._typed is not None:
            return self._typed[0]
        return format_date(self.data) if self.data else ""

    def typed_time(self):
        if self._typed is not None:
            return self._typed[1]
        return format_time(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        if self._typed is None:
            self.data = None
            return
        day_text, time_text = self._typed
        # Optional() looks at raw_data[0]: a time alone is not "nothing typed".
        self.raw_data = [f"{day_text} {time_text}".strip()]
        self._parse(day_text, time_text)

    def _parse(self, day_text, time_text):
        self.data = None
        day_text, time_text = (day_text or "").strip(), (time_text or "").strip()
        if not time_text:
            day_text, time_text = _split_iso(day_text)  # "01/12/2026 08:00" in one box, or ISO
            time_text = time_text.strip()
        if not day_text and not time_text:
            return
        if not day_text:
            raise ValueError(_("Enter the date too, as dd/mm/yyyy."))
        try:
            day = parse_date(day_text)
            if not time_text:
                raise DateFormatError(_("Enter the time too, as hh:mm (for example 08:00)."))
            self.data = datetime.combine(day, parse_time(time_text))
        except DateFormatError as error:
            raise ValueError(str(error)) from None

    def pre_validate(self, form):
        if self.required_message and not self.process_errors and self.data is None:
            raise StopValidation(str(self.required_message))


REQUIRED_DATE = _l("Enter the date as dd/mm/yyyy.")
REQUIRED_DATE_TIME = _l("Enter the date (dd/mm/yyyy) and the time (hh:mm).")
