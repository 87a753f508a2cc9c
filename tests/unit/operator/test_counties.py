"""Per-county figures: referrals acknowledged in time, first contact after release, vacancies."""

from datetime import date, datetime

from services.core.case import CaseState, CaseStatus
from services.core.facts import CaseFact, FactKind
from services.operator.projection import OperatorProjection
from services.operator.views import CountyFigures
from tests.unit.operator.builders import (
    COUNTY,
    OTHER_COUNTY,
    alert,
    at,
    case,
    days,
    fact,
    referral,
    vacancy,
)

FRIDAY = date(2025, 3, 7)


def figures(*facts: CaseFact, now: datetime) -> dict[str | None, CountyFigures]:
    view = OperatorProjection()
    for record in facts:
        view.apply(record)
    return {c.area: c for c in view.summary(now).counties}


def acknowledged(person: str, area: str, submitted: datetime, ack: datetime | None) -> CaseFact:
    c = case(person, responsible_area=area, referrals=[referral(submitted, ack)])
    kind = FactKind.REFERRAL_ACKNOWLEDGED if ack else FactKind.REFERRAL_SUBMITTED
    return fact(kind, c, ack or submitted)


def test_weekend_days_do_not_count_towards_the_acknowledgement_deadline() -> None:
    """Submitted on a Friday, 3 working days: Wednesday is in time, Thursday is late."""
    rows = figures(
        acknowledged("p1", OTHER_COUNTY, at(FRIDAY, 15), at(date(2025, 3, 12), 16)),
        acknowledged("p2", OTHER_COUNTY, at(FRIDAY, 15), at(date(2025, 3, 13), 9)),
        now=at(date(2025, 3, 20)),
    )
    county = rows[OTHER_COUNTY]
    assert (county.referrals_in_time, county.referrals_late, county.ack_working_days) == (1, 1, 3)
    assert county.ack_in_time_share == 0.5


def test_finnish_holidays_do_not_count_towards_the_acknowledgement_deadline() -> None:
    """Submitted 23 Dec: Christmas Eve to St Stephen's Day and the weekend do not count,
    so 31 Dec is in time and 2 Jan (after New Year's Day) is late."""
    submitted = at(date(2025, 12, 23), 10)
    rows = figures(
        acknowledged("p1", OTHER_COUNTY, submitted, at(date(2025, 12, 31), 15)),
        acknowledged("p2", OTHER_COUNTY, submitted, at(date(2026, 1, 2), 9)),
        now=at(date(2026, 1, 20)),
    )
    county = rows[OTHER_COUNTY]
    assert (county.referrals_in_time, county.referrals_late) == (1, 1)


def test_the_county_own_service_level_sets_the_deadline() -> None:
    """County 13 agreed 2 working days: a Friday referral acknowledged on Wednesday is late."""
    rows = figures(
        acknowledged("p1", COUNTY, at(FRIDAY, 15), at(date(2025, 3, 12), 16)),
        now=at(date(2025, 3, 20)),
    )
    county = rows[COUNTY]
    assert (county.ack_working_days, county.referrals_late, county.ack_in_time_share) == (2, 1, 0.0)


def test_unacknowledged_referral_is_pending_until_its_deadline_then_late() -> None:
    """Within the deadline an open referral is pending (no share yet); after it, it is late."""
    record = acknowledged("p1", OTHER_COUNTY, at(FRIDAY, 15), None)
    before = figures(record, now=at(date(2025, 3, 12), 23))[OTHER_COUNTY]
    after = figures(record, now=at(date(2025, 3, 13), 0, 30))[OTHER_COUNTY]
    assert (before.referrals_pending, before.referrals_late, before.ack_in_time_share) == (
        1,
        0,
        None,
    )
    assert (after.referrals_pending, after.referrals_late, after.ack_in_time_share) == (0, 1, 0.0)


def released_case(person: str, when: datetime) -> CaseState:
    return case(person, status=CaseStatus.RELEASED, released_at=when)


def test_days_to_first_contact_is_the_median_from_release_to_the_county_first_event() -> None:
    """Release to the county's first event after it: 3 days and 1 day give a median of 2."""
    first, second = released_case("p1", at(FRIDAY, 10)), released_case("p2", at(FRIDAY, 10))
    rows = figures(
        fact(FactKind.RELEASED, first, at(FRIDAY, 10)),
        fact(FactKind.CONTACT_PERSON_ASSIGNED, first, at(FRIDAY, 11)),
        fact(FactKind.ASSESSMENT_STARTED, first, at(FRIDAY, 10) + days(3), source=COUNTY),
        fact(FactKind.PLAN_AGREED, first, at(FRIDAY, 10) + days(5), source=COUNTY),
        fact(FactKind.RELEASED, second, at(FRIDAY, 10)),
        fact(FactKind.ASSESSMENT_STARTED, second, at(FRIDAY, 10) + days(1), source=COUNTY),
        now=at(date(2025, 3, 20)),
    )
    county = rows[COUNTY]
    assert (county.released, county.first_contacts, county.awaiting_first_contact) == (2, 2, 0)
    assert county.median_days_to_first_contact == 2.0


def test_events_from_other_organisations_or_before_release_are_not_a_first_contact() -> None:
    """A county event before release, and prison or other-county events after, do not count."""
    c = released_case("p1", at(FRIDAY, 10))
    rows = figures(
        fact(FactKind.ASSESSMENT_STARTED, case("p1"), at(FRIDAY, 9), source=COUNTY),
        fact(FactKind.RELEASED, c, at(FRIDAY, 10)),
        fact(FactKind.CONTACT_PERSON_ASSIGNED, c, at(FRIDAY, 12)),
        fact(FactKind.TASK_STATUS_CHANGED, c, at(FRIDAY, 13), source=OTHER_COUNTY),
        now=at(date(2025, 3, 20)),
    )
    county = rows[COUNTY]
    assert (county.released, county.first_contacts, county.awaiting_first_contact) == (1, 0, 1)
    assert county.median_days_to_first_contact is None


def test_open_vacancies_come_from_the_latest_case_snapshot() -> None:
    """Two vacancies, then one filled: the county has one open vacancy."""
    two = case("p1", vacancies=[vacancy(at(FRIDAY)), vacancy(at(FRIDAY, 13))])
    one = case("p1", vacancies=[vacancy(at(FRIDAY))])
    rows = figures(
        fact(FactKind.CONTACT_PERSON_ENDED, two, at(FRIDAY, 13)),
        fact(FactKind.CONTACT_PERSON_ASSIGNED, one, at(FRIDAY, 15), source=COUNTY),
        now=at(date(2025, 3, 10)),
    )
    assert rows[COUNTY].open_vacancies == 1


def test_closed_cases_are_not_counted_as_cases_or_vacancies() -> None:
    """A closed case leaves the county's case and vacancy counts."""
    closed = case("p2", status=CaseStatus.CLOSED, vacancies=[vacancy(at(FRIDAY))])
    rows = figures(
        fact(FactKind.CASE_OPENED, case("p1"), at(FRIDAY)),
        fact(FactKind.CASE_CLOSED, closed, at(FRIDAY, 14), source=COUNTY),
        now=at(date(2025, 3, 10)),
    )
    assert (rows[COUNTY].cases, rows[COUNTY].open_vacancies) == (1, 0)


def test_a_county_with_only_an_open_alert_has_a_row() -> None:
    """Open alerts are counted per county, also for a county with no case in the view."""
    view = OperatorProjection()
    view.apply(alert(opened=at(FRIDAY), area=OTHER_COUNTY))
    rows = {c.area: c for c in view.summary(at(date(2025, 3, 10))).counties}
    assert (rows[OTHER_COUNTY].open_alerts, rows[OTHER_COUNTY].cases) == (1, 0)
    assert rows[OTHER_COUNTY].area_name == "Vantaan ja Keravan hyvinvointialue"
