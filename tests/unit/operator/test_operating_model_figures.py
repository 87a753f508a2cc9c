"""The operator view's release-plan coverage per county and the dismissed alerts."""

from datetime import date

from services.core.case import ReleasePlan
from services.core.facts import FactKind
from services.core.records import AlertRule, AlertState
from services.core.vocabulary import DismissalReason, SentenceType
from services.operator.projection import OperatorProjection
from tests.unit.operator.builders import COUNTY, alert, at, case, fact

NOW = at(date(2025, 3, 20))
PLAN = ReleasePlan(plan_id="rp-1", agreed_at=at(date(2025, 2, 1)), agreed_with_client=True)


def test_release_plan_coverage_counts_long_sentences_with_a_plan() -> None:
    """Two long sentences, one with a plan; a short sentence does not count: coverage 0.5."""
    view = OperatorProjection()
    long_ = SentenceType.LONG_TERM
    view.apply(fact(FactKind.CASE_OPENED, case("p1", sentence_type=long_), at(date(2025, 1, 2))))
    planned = case("p2", sentence_type=long_, release_plan=PLAN)
    view.apply(fact(FactKind.RELEASE_PLAN_AGREED, planned, at(date(2025, 2, 1))))
    short = case("p3", sentence_type=SentenceType.SHORT_TERM)
    view.apply(fact(FactKind.CASE_OPENED, short, at(date(2025, 1, 2))))
    [county] = [c for c in view.summary(NOW).counties if c.area == COUNTY]
    assert (county.long_sentences, county.release_plans, county.release_plan_share) == (2, 1, 0.5)


def test_dismissed_alerts_are_counted_apart_from_open_ones() -> None:
    """A dismissed alert is not open; it is counted as dismissed, by rule and by county."""
    view = OperatorProjection()
    rule = AlertRule.NO_NAMED_WORKER_AT_RELEASE
    view.apply(alert("a-1", rule=rule, opened=at(date(2025, 3, 1))))
    dismissed = alert("a-1", rule=rule, opened=at(date(2025, 3, 1))).model_copy(
        update={
            "state": AlertState.DISMISSED,
            "resolved_at": at(date(2025, 3, 2)),
            "dismissal_reason": DismissalReason.NAMED_WORKER_NOT_NEEDED,
        }
    )
    view.apply(dismissed)
    summary = view.summary(NOW)
    assert summary.open_alerts == 0
    assert [(r.rule, r.count) for r in summary.dismissed_by_rule] == [(rule, 1)]
    [county] = [c for c in summary.counties if c.area == COUNTY]
    assert county.dismissed_alerts == 1
