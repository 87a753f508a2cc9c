"""How long a closed case's state is kept: the decision to forget it, pure.

A closed case's state stays in the compacted tables (referral `persons`, handover `issued`,
followup `state` and `due`) for `closed_case_retention` after its closing: late events from
senders (an inbound topic keeps a month, and a replay after an outage comes later still) then
still meet the closed case and are refused as `case_closed` instead of opening a new one. After
that the organisations' own record systems hold the history, and the service forgets the case
the way it forgets an erased person (`services.core.records.Erasure`, reason `retention`).
"""

from datetime import datetime, timedelta

from services.core.case import CaseState, CaseStatus

DEFAULT_CLOSED_CASE_RETENTION_DAYS = 90
"""Three times the inbound topics' 30 days: late and replayed events still find the case."""


def purge_at(case: CaseState | None, retention: timedelta) -> datetime | None:
    """When a closed case's state is to be forgotten; None while the case is not closed."""
    if case is None or case.status != CaseStatus.CLOSED or case.closed_at is None:
        return None
    return case.closed_at + retention


def purge_due(case: CaseState | None, now: datetime, retention: timedelta) -> bool:
    """Whether the case was closed for longer than the retention at `now`."""
    at = purge_at(case, retention)
    return at is not None and at <= now


def next_wake(
    next_due: datetime | None, case: CaseState | None, retention: timedelta
) -> datetime | None:
    """The due index entry: the earlier of the rules' next instant and the purge."""
    candidates = [t for t in (next_due, purge_at(case, retention)) if t is not None]
    return min(candidates) if candidates else None
