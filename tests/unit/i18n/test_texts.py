"""Dates, numbers, ages, code texts and county names as each language writes them."""

from datetime import UTC, date, datetime

import pytest

from services.core import reference
from services.i18n.labels import DEAD_LETTER_REASONS, RULES
from services.i18n.texts import texts

WINTER = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
SUMMER = datetime(2026, 6, 7, 11, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "shown"),
    [("fi", "7.12.2026 klo 14.00"), ("sv", "7.12.2026 kl. 14.00"), ("en", "7 Dec 2026 at 14:00")],
)
def test_an_instant_is_written_in_helsinki_time(language: str, shown: str) -> None:
    """Winter time is UTC+2 and each language writes date and time its own way."""
    assert texts(language).instant(WINTER) == shown


def test_summer_time_is_utc_plus_three() -> None:
    """In June Helsinki is three hours ahead of UTC."""
    assert texts("fi").instant(SUMMER) == "7.6.2026 klo 14.05"


def test_days_numbers_and_shares_follow_the_language() -> None:
    """Finnish and Swedish use a decimal comma and a spaced percent sign; English does not."""
    fi, sv, en = texts("fi"), texts("sv"), texts("en")
    assert fi.day(date(2026, 3, 2)) == sv.day(date(2026, 3, 2)) == "2.3.2026"
    assert fi.number(12.5) == sv.number(12.5) == "12,5"
    assert en.number(12.5) == "12.5"
    assert fi.percent(0.873).replace("\xa0", " ") == "87 %"
    assert en.percent(0.873) == "87%"


def test_ages_use_the_languages_units() -> None:
    """Days and hours are `pv`/`t` in Finnish, `d`/`h` in Swedish and English."""
    seconds = 2 * 86_400 + 7 * 3_600 + 300
    assert texts("fi").age(seconds) == "2 pv 7 t"
    assert texts("sv").age(seconds) == "2 d 7 h"
    assert texts("fi").age(3_900) == "1 t 5 min"


def test_rule_and_reason_texts_are_translated() -> None:
    """A rule and a dead-letter reason read in Finnish and Swedish; an unknown code shows as is."""
    assert texts("fi").label(RULES, "no_named_worker_at_release") == "Ei omatyöntekijää vapautuessa"
    assert (
        texts("sv").label(RULES, "no_named_worker_at_release")
        == "Ingen egen kontaktperson vid frigivningen"
    )
    assert texts("fi").label(DEAD_LETTER_REASONS, "invalid_identity_code") == (
        "Virheellinen henkilötunnus"
    )
    assert texts("fi").label(RULES, "not_a_rule_yet") == "not_a_rule_yet"


def test_county_names_follow_the_language() -> None:
    """Swedish readers get the Swedish name; Finnish and English readers the Finnish one."""
    assert texts("fi").county("county-03") == "Länsi-Uudenmaan hyvinvointialue"
    assert texts("sv").county("county-03") == "Västra Nylands välfärdsområde"
    assert texts("en").county("county-03") == "Länsi-Uudenmaan hyvinvointialue"
    assert texts("sv").county("90") == "Helsingfors stad"
    assert texts("sv").county(None) == "Inget välfärdsområde (styrningen oklar)"


def test_every_county_has_both_names() -> None:
    """The reference data name all 21 wellbeing services counties and Helsinki in both languages."""
    names = reference.area_names()
    assert sorted(names) == [f"{n:02d}" for n in range(1, 22)] + ["90"]
    for area, name in names.items():
        assert name.sv, area
        assert name.fi != name.sv, area
        assert name.sv.endswith("välfärdsområde") or area == "90", area
