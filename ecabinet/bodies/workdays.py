"""Working days in Vietnam: weekends, public holidays (lunar ones included) and an admin's overrides.

Pure functions, no database and no Flask: the caller passes the admin's overrides as a
mapping ``date -> bool`` (True: a make-up working day, e.g. a Saturday worked in exchange
for a bridge day; False: an extra day off). An override always wins over the calendar.

The public holidays come from the ``holidays`` package (country "VN"). What it gives, checked
with holidays 0.109 against the Labour Code 2019, art. 112 (and art. 111 for weekly rest):

- Tết Dương lịch (1 January), 1 day.
- Tết Âm lịch, 5 days: the library takes lunar New Year's Eve and the first four days of
  the year (2026: 16-20 February; 2027: 5-9 February) and, where one of them falls on a
  weekend, moves it to a weekday next to the run ("29 Tết" before it, "Mùng năm/sáu" after
  it): 2027 gives 4-10 February (lunar New Year's Day is Saturday 6 February 2027).
- Giỗ Tổ Hùng Vương (10/3 âm lịch), from the lunar calendar: 26 April 2026 (a Sunday,
  with Monday 27 April off in its place), 16 April 2027.
- 30/4 and 1/5, each moved to the next working day when it falls on a weekend
  (1 May 2027 is a Saturday: Monday 3 May 2027 is off).
- Quốc khánh, 2 days: 2/9 and the day before or after it by the rule the Government has
  applied since 2021 (2026: 1-2 September; 2027: 2-3 September).
- The swaps the Government has already announced, as a day off *and* the weekend day worked
  in exchange (2025: Friday 2 May off, Saturday 26 April worked; 2026: Monday 31 August off,
  Saturday 22 August worked). The worked weekend days come from the library's
  ``weekend_workdays`` and count here as working days.
- Ngày Văn hóa Việt Nam (24 November), from 2026, which the library takes from Resolution
  80-NQ/TW. It is not in art. 112 of the Labour Code 2019: if a province does not observe
  it, an admin override (True) makes it a working day.

What it lacks, and the admin adds as overrides:

- The exact Tết days of each year. The law fixes five days and lets the Prime Minister
  choose them; the yearly decision (and any bridge day with a make-up Saturday for 30/4,
  2/9 or New Year) is published some months ahead and reaches the library only in a later
  release. Until then the library's days are its own estimate, and future years' swaps are
  missing entirely.
- Local days off (a province's own anniversary) and any day a body decides not to work.

Conventions (the same for every function): a *working day* is a weekday that is not a public
holiday, or any day the overrides or the library's make-up days say is worked; counts move
one working day at a time and never count the starting day itself, so
``add_working_days(a, n) == b`` and ``working_days_before(b, n) == a`` and
``working_days_between(a, b) == n`` agree whenever a and b are working days.
"""
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache

import holidays

from ecabinet.core.timeutil import to_local

COUNTRY = "VN"
ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=128)
def _year_calendar(year, language="vi"):
    """The public holidays ({date: name}) and the make-up weekend working days of one year."""
    # The language is always given: without it the library follows the server's locale.
    # The neighbouring years too: a swap decided for one year may move a day of the next
    # (the 2015 New Year bridge was worked on 27 December 2014).
    calendar = holidays.country_holidays(COUNTRY, years=(year - 1, year, year + 1), language=language)
    days_off = {day: name for day, name in calendar.items() if day.year == year}
    made_up = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return days_off, made_up


def _as_date(day):
    """A date; an aware datetime is taken in Vietnam time."""
    if isinstance(day, datetime):
        return (to_local(day) if day.tzinfo else day).date()
    return day


def public_holidays(year, language="vi"):
    """[(date, name)] of the year's public holidays, in date order, for the calendar page."""
    return sorted(_year_calendar(year, language)[0].items())


def holiday_name(day, language="vi"):
    """The library's name of the public holiday on `day` ("vi" or "en_US"), or None."""
    day = _as_date(day)
    return _year_calendar(day.year, language)[0].get(day)


def is_working_day(day, overrides=None):
    """Whether `day` is a working day: the admin's override, else weekday and not a public holiday."""
    day = _as_date(day)
    if overrides and day in overrides:
        return bool(overrides[day])
    days_off, made_up = _year_calendar(day.year)
    if day in made_up:
        return True
    return day.weekday() < 5 and day not in days_off


def _step(day, direction, overrides):
    """The next (direction=1) or previous (direction=-1) working day, not counting `day`."""
    day += direction * ONE_DAY
    while not is_working_day(day, overrides):
        day += direction * ONE_DAY
    return day


def add_working_days(start, n, overrides=None):
    """The date n working days after `start` (n=0: start if it is a working day, else the next one).

    `start` itself is never counted: a poll sent on Friday with a 5-working-day deadline is due
    the Friday after (holidays skipped). A negative n counts backwards, as working_days_before.
    """
    start = _as_date(start)
    _check_overrides(overrides)
    if n < 0:
        return working_days_before(start, -n, overrides)
    if n == 0:
        return start if is_working_day(start, overrides) else _step(start, 1, overrides)
    day = start
    for _ in range(n):
        day = _step(day, 1, overrides)
    return day


def working_days_before(day, n, overrides=None):
    """The latest date that is n working days before `day` (n=0: day if working, else the one before).

    Counts back from `day` without counting it: for a session on Monday and a lead time of
    3 working days, documents go out by the Wednesday before (Friday 1, Thursday 2,
    Wednesday 3). This is the inverse of add_working_days: add_working_days(result, n) == day
    whenever `day` is a working day.
    """
    day = _as_date(day)
    _check_overrides(overrides)
    if n < 0:
        return add_working_days(day, -n, overrides)
    if n == 0:
        return day if is_working_day(day, overrides) else _step(day, -1, overrides)
    for _ in range(n):
        day = _step(day, -1, overrides)
    return day


def working_days_between(a, b, overrides=None):
    """The number of working days d with a < d <= b (negative when b is before a).

    So working_days_between(sent_on, session_day) is how many working days the documents had,
    and working_days_between(a, add_working_days(a, n)) == n when a is a working day.
    """
    a, b = _as_date(a), _as_date(b)
    _check_overrides(overrides)
    if b < a:
        return -working_days_between(b, a, overrides)
    count, day = 0, a + ONE_DAY
    while day <= b:
        count += is_working_day(day, overrides)
        day += ONE_DAY
    return count


def _check_overrides(overrides):
    # A list of dates would silently mean "every key is truthy": refuse it early.
    if overrides is not None and not isinstance(overrides, Mapping):
        raise TypeError("overrides must be a mapping of date -> bool")
