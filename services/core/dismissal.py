"""When a dismissed alert stays closed: until its `until` date, and only while its cause is the
one it was dismissed for (a new release date is a new cause)."""

from datetime import date

from services.core.case import CaseState, Dismissal


def alert_cause(case: CaseState) -> str:
    """What the release-bound alerts are about: the release day as it stands, and whether the
    person is out. A dismissal made for one cause does not cover another."""
    day = case.release_date or case.expected_release
    return f"{day.isoformat() if day else '-'}:{case.status.value}"


def dismissal_holds(dismissal: Dismissal, case: CaseState, today: date) -> bool:
    if dismissal.until is not None and today > dismissal.until:
        return False
    return dismissal.cause is None or dismissal.cause == alert_cause(case)


def dismissed(rule: str, case: CaseState, today: date) -> Dismissal | None:
    """The latest dismissal of `rule` on the case that still holds, if any."""
    for dismissal in reversed(case.dismissals):
        if dismissal.rule == rule:
            return dismissal if dismissal_holds(dismissal, case, today) else None
    return None
