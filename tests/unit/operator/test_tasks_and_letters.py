"""Tasks by kind and status (from disclosures and status facts) and dead letters by reason."""

from datetime import date

from services.core.envelopes import Tick
from services.core.tasks import TaskKind
from services.core.vocabulary import TaskStatus
from services.operator.projection import OperatorProjection
from services.operator.views import ISSUED
from tests.unit.operator.builders import (
    COUNTY,
    NGO,
    at,
    case,
    days,
    dead_letter,
    disclosure,
    status_fact,
)

DAY = at(date(2025, 3, 3), 9)


def view_of(*records: object) -> OperatorProjection:
    view = OperatorProjection()
    for record in records:
        view.apply(record)  # type: ignore[arg-type]
    return view


def task_counts(view: OperatorProjection) -> set[tuple[TaskKind, str, int]]:
    return {(t.kind, t.status, t.count) for t in view.summary(DAY + days(5)).tasks}


def test_task_without_a_reported_status_counts_as_issued() -> None:
    """A disclosed task whose recipient reported nothing yet is counted as issued."""
    view = view_of(disclosure("t1", TaskKind.RELEASE_PREPARATION, DAY))
    assert task_counts(view) == {(TaskKind.RELEASE_PREPARATION, ISSUED, 1)}


def test_the_latest_reported_status_wins() -> None:
    """Received then accepted counts as accepted; an older report arriving late changes nothing."""
    c = case()
    view = view_of(
        disclosure("t1", TaskKind.RELEASED, DAY),
        status_fact(c, "t1", TaskStatus.RECEIVED, DAY + days(0.1)),
        status_fact(c, "t1", TaskStatus.ACCEPTED, DAY + days(1)),
        status_fact(c, "t1", TaskStatus.RECEIVED, DAY + days(0.5)),
    )
    assert task_counts(view) == {(TaskKind.RELEASED, TaskStatus.ACCEPTED.value, 1)}


def test_a_status_reported_before_the_disclosure_is_read_still_counts() -> None:
    """The status fact and the disclosure come from different topics, in either order."""
    view = view_of(
        status_fact(case(), "t1", TaskStatus.COMPLETED, DAY + days(1)),
        disclosure("t1", TaskKind.FOLLOWUP_CHECK, DAY),
    )
    assert task_counts(view) == {(TaskKind.FOLLOWUP_CHECK, TaskStatus.COMPLETED.value, 1)}


def test_a_repeated_disclosure_counts_once() -> None:
    """Exactly one disclosure per task: a redelivered record is the same task."""
    record = disclosure("t1", TaskKind.RELEASED, DAY)
    view = view_of(record, record)
    summary = view.summary(DAY)
    assert summary.tasks_total == 1
    assert task_counts(view) == {(TaskKind.RELEASED, ISSUED, 1)}


def test_tasks_are_counted_by_kind_and_recipient() -> None:
    """Tasks issued per kind and recipient organisation, with the recipient's kind."""
    view = view_of(
        disclosure("t1", TaskKind.RELEASED, DAY),
        disclosure("t2", TaskKind.RELEASED, DAY, person_ref="person-2"),
        disclosure("t3", TaskKind.RELEASED, DAY, recipient=NGO),
    )
    rows = {
        (r.kind, r.recipient_org, r.recipient_kind, r.count)
        for r in view.summary(DAY).tasks_by_recipient
    }
    assert rows == {
        (TaskKind.RELEASED, COUNTY, "county", 2),
        (TaskKind.RELEASED, NGO, "ngo", 1),
    }


def test_dead_letters_are_counted_by_stage_and_reason_once_each() -> None:
    """Dead letters count per stage and reason; a redelivered dead letter counts once."""
    view = view_of(
        dead_letter("d1", "unknown_fingerprint", DAY),
        dead_letter("d1", "unknown_fingerprint", DAY),
        dead_letter("d2", "unknown_fingerprint", DAY),
        dead_letter("d3", "invalid_record", DAY, stage="handover"),
    )
    summary = view.summary(DAY)
    assert summary.dead_letters_total == 3
    assert {(d.stage, d.reason, d.count) for d in summary.dead_letters} == {
        ("referral", "unknown_fingerprint", 2),
        ("handover", "invalid_record", 1),
    }


def test_records_the_view_does_not_read_are_ignored() -> None:
    """A record of another type is refused and changes nothing."""
    view = OperatorProjection()
    assert not view.apply(Tick(person_ref="*", now=DAY))
    assert view.summary(DAY).tasks_total == 0
