"""The closed-case retention decision: when a closed case's state is forgotten."""

from datetime import date

from services.core.case import CaseStatus
from services.followup.retention import next_wake, purge_at, purge_due
from tests.unit.followup.builders import at, case, days

CLOSED = at(date(2026, 1, 10))
RETENTION = days(90)


def test_a_closed_case_is_purged_once_the_retention_has_passed() -> None:
    """At closing plus the retention the state is due to be forgotten."""
    assert purge_due(
        case(status=CaseStatus.CLOSED, closed_at=CLOSED), CLOSED + RETENTION, RETENTION
    )


def test_a_closed_case_is_kept_within_the_retention() -> None:
    """A day before the retention ends the state stays."""
    closed = case(status=CaseStatus.CLOSED, closed_at=CLOSED)
    assert not purge_due(closed, CLOSED + RETENTION - days(1), RETENTION)


def test_an_open_case_is_never_purged() -> None:
    """A case that is not closed has no purge time, however old."""
    assert purge_at(case(), RETENTION) is None
    assert not purge_due(case(), CLOSED + days(10_000), RETENTION)


def test_no_state_nothing_to_purge() -> None:
    """Without a case there is nothing to decide."""
    assert not purge_due(None, CLOSED, RETENTION)


def test_the_due_index_wakes_for_the_purge_when_no_rule_is_due() -> None:
    """A closed case with no rule pending is woken at its purge time."""
    closed = case(status=CaseStatus.CLOSED, closed_at=CLOSED)
    assert next_wake(None, closed, RETENTION) == CLOSED + RETENTION


def test_the_due_index_keeps_an_earlier_rule_instant() -> None:
    """A rule due before the purge is woken first."""
    closed = case(status=CaseStatus.CLOSED, closed_at=CLOSED)
    assert next_wake(CLOSED + days(1), closed, RETENTION) == CLOSED + days(1)
