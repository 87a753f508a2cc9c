"""Figures computed from the projection's tracks at `now`: the alert trend and county figures.

"In time" for a referral follows the followup service's convention: acknowledged by the end of
the local day `add_working_days(submission day, referral_ack_working_days)` of the responsible
county's service levels (weekends and Finnish holidays do not count).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from services.core.calendar import add_working_days, local_date
from services.core.case import CaseStatus
from services.core.organisations import Registry
from services.core.records import Alert, AlertState, is_about_org
from services.followup.levels import LevelsConfig
from services.operator.tracks import PersonTrack, ReferralTrack
from services.operator.views import CountyFigures, TrendDay

NO_AREA_NAME = "No county (routing unresolved)"
MIN_TREND_DAYS = 7
SECONDS_PER_DAY = 86_400


def area_name(registry: Registry, area: str | None) -> str:
    """The county's name from the organisation registry (its code when unknown)."""
    if area is None:
        return NO_AREA_NAME
    org = registry.get(area)
    return org.name if org is not None else area


def is_open(alert: Alert) -> bool:
    return alert.state == AlertState.OPEN


def age_seconds(since: datetime, until: datetime) -> int:
    """Whole seconds from `since` to `until`; never negative."""
    return max(0, int((until - since).total_seconds()))


def _resolved_day(alert: Alert) -> date:
    return local_date(alert.resolved_at or alert.opened_at)


def trend(alerts: Iterable[Alert], now: datetime, max_days: int = 30) -> list[TrendDay]:
    """Per local day up to today: alerts open at its end, opened on it, resolved on it.

    Covers the days since the first alert opened, at least `MIN_TREND_DAYS` and at most
    `max_days`. Alerts opened after `now` are not counted yet.
    """
    today = local_date(now)
    seen = [a for a in alerts if a.opened_at <= now]
    opened = Counter(local_date(a.opened_at) for a in seen)
    resolved = Counter(
        _resolved_day(a) for a in seen if not is_open(a) and (a.resolved_at or a.opened_at) <= now
    )
    first = min(opened, default=today)
    start = max(today - timedelta(max_days - 1), min(first, today - timedelta(MIN_TREND_DAYS - 1)))
    open_count = sum(n for d, n in opened.items() if d < start) - sum(
        n for d, n in resolved.items() if d < start
    )
    days: list[TrendDay] = []
    day = start
    while day <= today:
        open_count += opened[day] - resolved[day]
        days.append(TrendDay(day=day, open=open_count, opened=opened[day], resolved=resolved[day]))
        day += timedelta(days=1)
    return days


@dataclass
class _Tally:
    cases: int = 0
    open_alerts: int = 0
    in_time: int = 0
    late: int = 0
    pending: int = 0
    released: int = 0
    awaiting: int = 0
    open_vacancies: int = 0
    long_sentences: int = 0
    release_plans: int = 0
    dismissed_alerts: int = 0
    contact_days: list[float] = field(default_factory=list)


def _count_referral(tally: _Tally, referral: ReferralTrack, ack_days: int, today: date) -> None:
    deadline = add_working_days(local_date(referral.submitted_at), ack_days)
    if referral.acknowledged_at is not None:
        if local_date(referral.acknowledged_at) <= deadline:
            tally.in_time += 1
        else:
            tally.late += 1
    elif today > deadline:
        tally.late += 1
    else:
        tally.pending += 1


def _count_person(tally: _Tally, person: PersonTrack, ack_days: int, today: date) -> None:
    for referral in person.referrals:
        _count_referral(tally, referral, ack_days, today)
    if person.status == CaseStatus.CLOSED:
        return
    tally.cases += 1
    tally.open_vacancies += person.open_vacancies
    if person.long_sentence:
        tally.long_sentences += 1
        tally.release_plans += person.release_plan
    if person.released_at is not None:
        tally.released += 1
        if person.first_contact_at is None:
            tally.awaiting += 1
    if person.released_at is not None and person.first_contact_at is not None:
        seconds = (person.first_contact_at - person.released_at).total_seconds()
        tally.contact_days.append(seconds / SECONDS_PER_DAY)


def county_figures(
    people: Iterable[PersonTrack],
    alerts: Iterable[Alert],
    levels: LevelsConfig,
    registry: Registry,
    now: datetime,
) -> list[CountyFigures]:
    """One row per county with a case or an open alert, in county code order; alerts about an
    organisation rather than a case are no county's."""
    today = local_date(now)
    tallies: dict[str | None, _Tally] = {}
    for person in people:
        ack_days = levels.for_area(person.area).referral_ack_working_days
        _count_person(tallies.setdefault(person.area, _Tally()), person, ack_days, today)
    for alert in alerts:
        if is_about_org(alert):
            continue
        if is_open(alert):
            tallies.setdefault(alert.area, _Tally()).open_alerts += 1
        elif alert.state == AlertState.DISMISSED:
            tallies.setdefault(alert.area, _Tally()).dismissed_alerts += 1
    return [
        _figures(area, tallies[area], levels, registry)
        for area in sorted(tallies, key=lambda a: (a is None, a or ""))
    ]


def _figures(
    area: str | None, tally: _Tally, levels: LevelsConfig, registry: Registry
) -> CountyFigures:
    decided = tally.in_time + tally.late
    return CountyFigures(
        area=area,
        area_name=area_name(registry, area),
        cases=tally.cases,
        open_alerts=tally.open_alerts,
        ack_working_days=levels.for_area(area).referral_ack_working_days,
        referrals_in_time=tally.in_time,
        referrals_late=tally.late,
        referrals_pending=tally.pending,
        ack_in_time_share=round(tally.in_time / decided, 4) if decided else None,
        released=tally.released,
        first_contacts=len(tally.contact_days),
        awaiting_first_contact=tally.awaiting,
        median_days_to_first_contact=(
            round(median(tally.contact_days), 1) if tally.contact_days else None
        ),
        open_vacancies=tally.open_vacancies,
        long_sentences=tally.long_sentences,
        release_plans=tally.release_plans,
        release_plan_share=(
            round(tally.release_plans / tally.long_sentences, 4) if tally.long_sentences else None
        ),
        dismissed_alerts=tally.dismissed_alerts,
    )
