"""Finnish working days and Helsinki local dates."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.core.calendar import (
    HELSINKI,
    add_working_days,
    end_of_local_day,
    finnish_holidays,
    is_working_day,
    local_date,
    overdue_from,
    start_of_local_day,
    working_days_between,
)


def test_ordinary_weekday_is_a_working_day() -> None:
    """A Wednesday without a holiday is a working day."""
    assert is_working_day(date(2025, 3, 12))


@pytest.mark.parametrize("day", [date(2025, 3, 15), date(2025, 3, 16)])
def test_weekend_is_not_a_working_day(day: date) -> None:
    """Saturdays and Sundays are not working days."""
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2025, 12, 24), date(2025, 12, 25), date(2025, 12, 26)])
def test_christmas_days_are_not_working_days(day: date) -> None:
    """Christmas Eve (de facto), Christmas Day and St Stephen's Day are days off."""
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2025, 6, 20), date(2026, 6, 19)])
def test_midsummer_eve_is_not_a_working_day(day: date) -> None:
    """Midsummer Eve (juhannusaatto), a Friday, is treated as a day off as the package lists it."""
    assert day.weekday() == 4
    assert not is_working_day(day)


def test_day_before_midsummer_eve_is_a_working_day() -> None:
    """The Thursday before Midsummer Eve is an ordinary working day."""
    assert is_working_day(date(2025, 6, 19))


@pytest.mark.parametrize("day", [date(2025, 4, 18), date(2025, 4, 21)])
def test_good_friday_and_easter_monday_are_not_working_days(day: date) -> None:
    """Easter's weekday holidays (Good Friday, Easter Monday) are days off."""
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2025, 1, 1), date(2025, 1, 6), date(2025, 5, 1), date(2025, 5, 29), date(2024, 12, 6)],
)
def test_other_weekday_holidays_are_not_working_days(day: date) -> None:
    """New Year, Epiphany, May Day, Ascension Day and Independence Day are days off."""
    assert not is_working_day(day)


def test_new_years_eve_is_a_working_day() -> None:
    """New Year's Eve is not a holiday: on a weekday it is a working day."""
    assert is_working_day(date(2025, 12, 31))


def test_holidays_are_cached_per_year() -> None:
    """The holiday set of a year is computed once."""
    assert finnish_holidays(2025) is finnish_holidays(2025)


def test_add_working_days_skips_the_weekend() -> None:
    """One working day after a Friday is the Monday."""
    assert add_working_days(date(2025, 3, 14), 1) == date(2025, 3, 17)


def test_add_working_days_skips_christmas() -> None:
    """One working day after 23 December 2025 is Monday 29 December."""
    assert add_working_days(date(2025, 12, 23), 1) == date(2025, 12, 29)


def test_add_working_days_crosses_the_year_boundary() -> None:
    """Three working days after New Year's Eve 2025 skip New Year and Epiphany."""
    assert add_working_days(date(2025, 12, 31), 3) == date(2026, 1, 7)


def test_add_working_days_skips_easter() -> None:
    """One working day after Maundy Thursday is the Tuesday after Easter."""
    assert add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 22)


def test_add_working_days_skips_midsummer_eve() -> None:
    """One working day after the Thursday before Midsummer is the Monday after."""
    assert add_working_days(date(2025, 6, 19), 1) == date(2025, 6, 23)


def test_add_zero_working_days_keeps_the_start() -> None:
    """Adding zero working days returns the start, even on a weekend."""
    assert add_working_days(date(2025, 3, 15), 0) == date(2025, 3, 15)


def test_add_working_days_from_a_weekend_start() -> None:
    """The first working day after a Saturday is the Monday."""
    assert add_working_days(date(2025, 3, 15), 1) == date(2025, 3, 17)


def test_add_negative_working_days_goes_back() -> None:
    """Minus one working day from a Monday is the previous Friday."""
    assert add_working_days(date(2025, 3, 17), -1) == date(2025, 3, 14)


def test_working_days_between_same_day_is_zero() -> None:
    """No working days lie between a day and itself."""
    assert working_days_between(date(2025, 3, 12), date(2025, 3, 12)) == 0


def test_working_days_between_counts_the_end_not_the_start() -> None:
    """Friday to Monday is one working day: the Monday."""
    assert working_days_between(date(2025, 3, 14), date(2025, 3, 17)) == 1


def test_working_days_between_over_christmas_and_new_year() -> None:
    """From 23 Dec 2025 to 7 Jan 2026 there are six working days."""
    assert working_days_between(date(2025, 12, 23), date(2026, 1, 7)) == 6


def test_working_days_between_reversed_is_negative() -> None:
    """An end before the start gives the negated count."""
    assert working_days_between(date(2025, 3, 17), date(2025, 3, 14)) == -1


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=60),
)
def test_working_days_between_inverts_add_working_days(start: date, days: int) -> None:
    """Counting the working days up to the Nth working day after a start gives N."""
    assert working_days_between(start, add_working_days(start, days)) == days


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=1, max_value=60),
)
def test_add_working_days_lands_on_a_working_day(start: date, days: int) -> None:
    """A positive number of working days always ends on a working day."""
    assert is_working_day(add_working_days(start, days))


def test_local_date_in_winter_is_utc_plus_two() -> None:
    """22:30 UTC on New Year's Eve is already New Year's Day in Helsinki."""
    assert local_date(datetime(2025, 12, 31, 22, 30, tzinfo=UTC)) == date(2026, 1, 1)


def test_local_date_in_summer_is_utc_plus_three() -> None:
    """21:30 UTC on 20 June is 00:30 on 21 June in Helsinki (summer time)."""
    assert local_date(datetime(2025, 6, 20, 21, 30, tzinfo=UTC)) == date(2025, 6, 21)


def test_local_date_rejects_naive_datetimes() -> None:
    """A naive datetime has no place on the timeline and is refused."""
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2025, 6, 20, 12, 0))  # noqa: DTZ001 - naive on purpose


def test_end_of_local_day_is_the_last_instant_in_helsinki() -> None:
    """The end of a local day is aware, on that day, and one microsecond before the next."""
    end = end_of_local_day(date(2025, 12, 24))
    assert end.tzinfo is HELSINKI
    assert local_date(end) == date(2025, 12, 24)
    assert end + timedelta(microseconds=1) == start_of_local_day(date(2025, 12, 25))


def test_end_of_local_day_on_dst_start_uses_summer_offset() -> None:
    """On the day summer time starts the day ends at UTC+3."""
    assert end_of_local_day(date(2025, 3, 30)).utcoffset() == timedelta(hours=3)


def test_overdue_from_is_midnight_after_the_deadline() -> None:
    """A deadline met by the end of a day is overdue from the next local midnight."""
    assert overdue_from(date(2025, 12, 31)) == datetime(2025, 12, 31, 22, 0, tzinfo=UTC)
