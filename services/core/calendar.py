"""Finnish working days and local dates in Europe/Helsinki.

A working day is a weekday (Monday to Friday) that is not a Finnish holiday in the national
public-holiday list of the `holidays` package (`holidays.country_holidays("FI")`, category
`public`; the Åland subdivision's own days are not applied).

Midsummer Eve (juhannusaatto, the Friday between 19 and 25 June) and Christmas Eve
(jouluaatto) are not statutory public holidays, but they are de facto days off: public
offices, banks and the wellbeing services counties' social services are closed. The `holidays`
package lists both in its `public` category (following the Bank of Finland's bank holidays),
and we keep that: they do not count as working days. Days the package does not list (New
Year's Eve, May Day Eve) are working days when they fall on a weekday.

Dates that matter to people (release days, review dates, deadlines) are local dates in
Europe/Helsinki; instants are timezone-aware datetimes.
"""

from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays

HELSINKI = ZoneInfo("Europe/Helsinki")
_SATURDAY = 5
_REMEMBERED = 1 << 14
"""How many recent answers each cached conversion keeps: deadlines repeat the same few days."""


@cache
def finnish_holidays(year: int) -> frozenset[date]:
    """The Finnish holidays of one year that are not working days (cached per year)."""
    return frozenset(holidays.country_holidays("FI", years=year).keys())


def is_working_day(d: date) -> bool:
    """True for Monday to Friday unless the day is a Finnish holiday."""
    return d.weekday() < _SATURDAY and d not in finnish_holidays(d.year)


@lru_cache(maxsize=_REMEMBERED)
def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (before it when `days` is negative).

    `start` itself is never counted, whether or not it is a working day; `days == 0` gives
    `start` unchanged. So a deadline "within 3 working days of a Friday submission" is
    `add_working_days(friday, 3)`: the following Wednesday when no holiday intervenes.
    """
    step = timedelta(days=1 if days >= 0 else -1)
    remaining = abs(days)
    current = start
    while remaining:
        current += step
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """The number of working days after `start` up to and including `end`.

    Negative (the count between `end` and `start`, negated) when `end` is before `start`.
    For `n >= 0`, `working_days_between(d, add_working_days(d, n)) == n`.
    """
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


@lru_cache(maxsize=_REMEMBERED)
def local_date(instant: datetime) -> date:
    """The calendar date in Helsinki at `instant` (which must be timezone-aware)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("local_date needs a timezone-aware instant")
    return instant.astimezone(HELSINKI).date()


@lru_cache(maxsize=_REMEMBERED)
def start_of_local_day(d: date) -> datetime:
    """Midnight at the start of `d` in Helsinki (Finnish DST never skips midnight)."""
    return datetime.combine(d, time.min, tzinfo=HELSINKI)


@lru_cache(maxsize=_REMEMBERED)
def end_of_local_day(d: date) -> datetime:
    """The last representable instant of `d` in Helsinki (23:59:59.999999 local time)."""
    return datetime.combine(d, time.max, tzinfo=HELSINKI)


@lru_cache(maxsize=_REMEMBERED)
def overdue_from(deadline: date) -> datetime:
    """The first instant after a deadline that is met by the end of the local day `deadline`."""
    return start_of_local_day(deadline + timedelta(days=1))
