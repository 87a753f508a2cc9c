"""The worklist an operator works through: severity then age, filters, counts and history."""

from datetime import date

from services.core.escalation import escalation_task_id
from services.core.records import ActionKind, ActionRecord, AlertRule, Severity
from services.core.tasks import TaskKind
from services.core.vocabulary import DismissalReason
from services.operator.projection import UNROUTED, OperatorProjection
from services.operator.views import NO_TASK_YET, TASK_ISSUED
from tests.unit.operator.builders import COUNTY, OTHER_COUNTY, alert, at, days, disclosure

NOW = at(date(2025, 6, 30))


def projection(*records: object) -> OperatorProjection:
    view = OperatorProjection()
    for record in records:
        view.apply(record)  # type: ignore[arg-type]
    return view


def action(
    action_id: str, kind: ActionKind, *, alert_id: str = "a-old", event_id: str = "e-1"
) -> ActionRecord:
    return ActionRecord(
        action_id=action_id,
        action=kind,
        person_ref="person-1",
        case_id="case-person-1",
        by_org="operators",
        by_ref="op-1a2b3c",
        at=NOW - days(1),
        event_id=event_id,
        rule="referral_not_acknowledged",
        alert_id=alert_id,
        reason=DismissalReason.NO_EVIDENT_NEED if kind == ActionKind.DISMISSED else None,
        county=COUNTY if kind != ActionKind.DISMISSED else None,
    )


def test_worklist_puts_critical_first_then_the_oldest() -> None:
    """A newer critical alert comes before an older warning; within a severity, oldest first."""
    view = projection(
        alert("a-old", opened=NOW - days(30)),
        alert("a-new", opened=NOW - days(2)),
        alert("a-crit", opened=NOW - days(1), severity=Severity.CRITICAL),
    )
    assert [a.alert_id for a in view.worklist(NOW).alerts] == ["a-crit", "a-old", "a-new"]


def test_worklist_filters_by_minimum_age_in_days() -> None:
    """`min_age_days=7` keeps only alerts open seven whole days or more."""
    view = projection(alert("a-old", opened=NOW - days(30)), alert("a-new", opened=NOW - days(2)))
    assert [a.alert_id for a in view.worklist(NOW, min_age_days=7).alerts] == ["a-old"]


def test_worklist_filters_by_maximum_age_in_days() -> None:
    """`max_age_days=7` keeps only alerts open at most seven whole days."""
    view = projection(alert("a-old", opened=NOW - days(30)), alert("a-new", opened=NOW - days(2)))
    assert [a.alert_id for a in view.worklist(NOW, max_age_days=7).alerts] == ["a-new"]


def test_worklist_filters_by_county() -> None:
    """Only the county's alerts are listed."""
    view = projection(
        alert("a-13", opened=NOW - days(3)),
        alert("a-04", opened=NOW - days(3), area=OTHER_COUNTY, person_ref="person-2"),
    )
    assert [a.alert_id for a in view.worklist(NOW, area=OTHER_COUNTY).alerts] == ["a-04"]


def test_worklist_filters_by_rule() -> None:
    """Only the rule's alerts are listed."""
    view = projection(
        alert("a-ack", opened=NOW - days(3)),
        alert("a-plan", opened=NOW - days(3), rule=AlertRule.NO_CLIENT_PLAN),
    )
    listed = view.worklist(NOW, rule=AlertRule.NO_CLIENT_PLAN).alerts
    assert [a.alert_id for a in listed] == ["a-plan"]


def test_a_routing_problem_may_be_routed_but_not_escalated() -> None:
    """Without a county the operator names one; escalation needs a responsible county."""
    view = projection(
        alert("a-route", opened=NOW - days(3), rule=AlertRule.ROUTING_PROBLEM, area=None)
    )
    row = view.worklist(NOW, area=UNROUTED).alerts[0]
    assert (row.may_route, row.may_escalate, row.may_dismiss) == (True, False, False)


def test_an_alert_with_a_county_may_be_escalated_and_dismissed() -> None:
    """A referral not acknowledged by a responsible county can be escalated or dismissed."""
    row = projection(alert("a-old", opened=NOW - days(3))).worklist(NOW).alerts[0]
    assert (row.may_route, row.may_escalate, row.may_dismiss) == (False, True, True)


def test_worklist_counts_escalated_and_dismissed_actions() -> None:
    """Each accepted action on the audit topic counts once, even when its record is read twice."""
    view = projection(
        action("x-1", ActionKind.ESCALATED),
        action("x-1", ActionKind.ESCALATED),
        action("x-2", ActionKind.ESCALATED, event_id="e-2"),
        action("x-3", ActionKind.DISMISSED),
    )
    work = view.worklist(NOW)
    assert (work.escalated, work.dismissed, work.counties_named) == (2, 1, 0)


def test_worklist_counts_escalations_per_alert() -> None:
    """The alert's row says how often it was escalated."""
    view = projection(alert("a-old", opened=NOW - days(30)), action("x-1", ActionKind.ESCALATED))
    assert view.worklist(NOW).alerts[0].escalations == 1


def test_an_escalation_shows_its_task_once_disclosed() -> None:
    """The history marks an escalation `task_issued` once its disclosure record is read."""
    task_id = escalation_task_id("case-person-1", COUNTY, "e-1")
    view = projection(
        action("x-1", ActionKind.ESCALATED),
        disclosure(task_id, TaskKind.PATH_ESCALATION, NOW - days(1)),
    )
    assert view.worklist(NOW).actions[0].task == TASK_ISSUED


def test_an_escalation_without_its_task_shows_none_yet() -> None:
    """Until a disclosure record of its task is read, the escalation has no task."""
    assert projection(action("x-1", ActionKind.ESCALATED)).worklist(NOW).actions[0].task == (
        NO_TASK_YET
    )


def test_history_shows_the_operator_reference_and_kind_not_a_name() -> None:
    """The history names the acting organisation's kind and pseudonymous reference."""
    entry = projection(action("x-3", ActionKind.DISMISSED)).worklist(NOW).actions[0]
    assert (entry.by_org_kind, entry.by_ref, entry.reason) == (
        "operator",
        "op-1a2b3c",
        DismissalReason.NO_EVIDENT_NEED,
    )
