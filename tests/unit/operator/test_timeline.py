"""The pseudonymous case timeline: facts, alerts and tasks of one person in time order."""

from datetime import date

from services.core.case import CaseStatus
from services.core.facts import FactKind
from services.core.records import AlertState
from services.core.tasks import TaskKind
from services.core.vocabulary import TaskStatus
from services.operator.projection import OperatorProjection
from tests.unit.operator.builders import (
    COUNTY,
    alert,
    at,
    case,
    days,
    disclosure,
    fact,
    status_fact,
)

DAY = at(date(2025, 3, 3), 9)


def view_of(*records: object) -> OperatorProjection:
    view = OperatorProjection()
    for record in records:
        view.apply(record)  # type: ignore[arg-type]
    return view


def test_facts_are_listed_in_time_order_with_their_source_organisation_kind() -> None:
    """Each fact shows when, what kind and which kind of organisation it came from."""
    c = case()
    view = view_of(
        fact(FactKind.REFERRAL_ACKNOWLEDGED, c, DAY + days(2), source=COUNTY),
        fact(FactKind.CASE_OPENED, c, DAY),
        fact(FactKind.REFERRAL_SUBMITTED, c, DAY + days(1)),
    )
    timeline = view.timeline("person-1", DAY + days(3))
    assert timeline is not None
    assert [(f.kind, f.source_org_kind) for f in timeline.facts] == [
        (FactKind.CASE_OPENED, "prison"),
        (FactKind.REFERRAL_SUBMITTED, "prison"),
        (FactKind.REFERRAL_ACKNOWLEDGED, "county"),
    ]
    assert (timeline.status, timeline.area) == (CaseStatus.IN_CUSTODY, COUNTY)


def test_a_repeated_fact_appears_once() -> None:
    """A redelivered fact (same fact id) is not listed twice."""
    record = fact(FactKind.CASE_OPENED, case(), DAY)
    timeline = view_of(record, record).timeline("person-1", DAY)
    assert timeline is not None
    assert len(timeline.facts) == 1


def test_alerts_show_their_state_and_how_long_they_were_open() -> None:
    """A resolved alert shows its open duration; an open one its age at `now`."""
    view = view_of(
        fact(FactKind.CASE_OPENED, case(), DAY),
        alert("a1", opened=DAY, resolved=DAY + days(2)),
        alert("a2", opened=DAY + days(3)),
        alert("other", opened=DAY, person_ref="person-2"),
    )
    timeline = view.timeline("person-1", DAY + days(4))
    assert timeline is not None
    assert [(a.alert_id, a.state, a.age_seconds) for a in timeline.alerts] == [
        ("a1", AlertState.RESOLVED, 2 * 86_400),
        ("a2", AlertState.OPEN, 86_400),
    ]


def test_tasks_show_kind_recipient_kind_and_status() -> None:
    """Tasks to the person's network appear with the recipient's kind and latest status."""
    view = view_of(
        fact(FactKind.CASE_OPENED, case(), DAY),
        disclosure("t1", TaskKind.RELEASE_PREPARATION, DAY + days(1)),
        status_fact(case(), "t1", TaskStatus.ACCEPTED, DAY + days(2)),
    )
    timeline = view.timeline("person-1", DAY + days(3))
    assert timeline is not None
    assert [(t.kind, t.recipient_org_kind, t.status) for t in timeline.tasks] == [
        (TaskKind.RELEASE_PREPARATION, "county", TaskStatus.ACCEPTED.value)
    ]


def test_a_person_known_only_from_an_alert_has_a_timeline() -> None:
    """A routing alert without any fact read yet still gives a timeline with that alert."""
    timeline = view_of(alert(opened=DAY, area=None)).timeline("person-1", DAY)
    assert timeline is not None
    assert (timeline.status, timeline.facts, len(timeline.alerts)) == (None, [], 1)


def test_an_unknown_person_has_no_timeline() -> None:
    """A reference the view has never seen gives None (the API answers 404)."""
    assert view_of(fact(FactKind.CASE_OPENED, case(), DAY)).timeline("nobody", DAY) is None
