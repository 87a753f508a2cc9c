"""The alert trend: open at each day's end, opened and resolved per local day."""

from datetime import date, timedelta

from services.operator.figures import MIN_TREND_DAYS
from services.operator.projection import OperatorProjection
from services.operator.views import TrendDay
from tests.unit.operator.builders import alert, at, days

MONDAY = date(2025, 3, 3)


def trend_of(*alerts: object, now_day: date, max_days: int = 30) -> dict[date, TrendDay]:
    view = OperatorProjection()
    for record in alerts:
        view.apply(record)  # type: ignore[arg-type]
    return {d.day: d for d in view.summary(at(now_day, 12), trend_days=max_days).trend}


def test_trend_counts_open_at_day_end_and_opened_and_resolved_per_day() -> None:
    """One alert open Monday-Wednesday and one from Tuesday give 1, 2, 1, 1 open at day ends."""
    first = at(MONDAY, 9)
    trend = trend_of(
        alert("a", opened=first),
        alert("a", opened=first, resolved=at(MONDAY + timedelta(2), 10)),
        alert("b", opened=at(MONDAY + timedelta(1), 15)),
        now_day=MONDAY + timedelta(3),
    )
    rows = [trend[MONDAY + timedelta(n)] for n in range(4)]
    assert [(r.open, r.opened, r.resolved) for r in rows] == [
        (1, 1, 0),
        (2, 1, 0),
        (1, 0, 1),
        (1, 0, 0),
    ]
    assert trend[MONDAY - timedelta(1)].open == 0


def test_trend_covers_at_least_a_week() -> None:
    """With no alerts at all the trend still shows the last week, all zero."""
    trend = trend_of(now_day=MONDAY)
    assert len(trend) == MIN_TREND_DAYS
    assert max(trend) == MONDAY
    assert all(d.open == d.opened == d.resolved == 0 for d in trend.values())


def test_trend_keeps_older_open_alerts_in_its_first_day() -> None:
    """An alert opened before the window still counts as open on the window's first day."""
    trend = trend_of(alert(opened=at(MONDAY) - days(60)), now_day=MONDAY, max_days=30)
    assert len(trend) == 30
    assert trend[min(trend)].open == 1
    assert sum(d.opened for d in trend.values()) == 0


def test_trend_ignores_alerts_after_now() -> None:
    """An alert opened after `now` is not counted in any day yet."""
    trend = trend_of(alert(opened=at(MONDAY, 18)), now_day=MONDAY)
    assert trend[MONDAY].opened == 0
    assert trend[MONDAY].open == 0
