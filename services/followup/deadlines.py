"""Deadlines: pure functions of a case (and the service levels) giving the instant a rule trips.

Conventions, so every rule reads the same way:

- "within N working days of X": met by the end of the local day `add_working_days(day of X, N)`;
  overdue from midnight after it (`overdue_from`).
- "within N days after X": the same with calendar days.
- "N days before release": in force from midnight at the start of the local day
  `release day - N` (on that day we are N days before release).
- "N days without any event": exactly `N * 24h` after the last event.

A rule is in breach at `now` when `now >= instant`.
"""

from datetime import date, datetime, timedelta

from services.core.calendar import add_working_days, local_date, overdue_from, start_of_local_day
from services.core.case import (
    CaseState,
    ClientPlan,
    Consent,
    CooperationRequest,
    Referral,
    Vacancy,
)
from services.core.vocabulary import ReleaseType
from services.followup.levels import ServiceLevels


def release_day(case: CaseState) -> date | None:
    """The local day of release: the actual one once released, else the decided or expected."""
    if case.released_at is not None:
        return local_date(case.released_at)
    return case.release_date or case.expected_release


def release_instant(case: CaseState) -> datetime | None:
    """When release happened, or midnight at the start of the planned release day."""
    if case.released_at is not None:
        return case.released_at
    day = release_day(case)
    return None if day is None else start_of_local_day(day)


def release_near_at(case: CaseState, levels: ServiceLevels) -> datetime | None:
    """From when release counts as near (`release_near_days` before the release day)."""
    day = release_day(case)
    return None if day is None else start_of_local_day(day - timedelta(levels.release_near_days))


def assessment_due_at(case: CaseState, levels: ServiceLevels) -> datetime | None:
    """From when a not-started assessment is late (`assessment_lead_days` before release)."""
    day = release_day(case)
    if day is None:
        return None
    return start_of_local_day(day - timedelta(levels.assessment_lead_days))


def referral_ack_overdue_at(referral: Referral, case: CaseState, levels: ServiceLevels) -> datetime:
    """When an unacknowledged referral becomes late: after N working days of its submission,
    or at release if that comes first and the referral was made before release."""
    deadline = add_working_days(local_date(referral.submitted_at), levels.referral_ack_working_days)
    overdue = overdue_from(deadline)
    released = release_instant(case)
    if released is not None and referral.submitted_at < released < overdue:
        return released
    return overdue


def client_plan_overdue_at(case: CaseState, levels: ServiceLevels) -> datetime | None:
    """When a missing client plan becomes late: after `client_plan_days` from release."""
    if case.released_at is None:
        return None
    return overdue_from(local_date(case.released_at) + timedelta(levels.client_plan_days))


def vacancy_overdue_at(vacancy: Vacancy, levels: ServiceLevels) -> datetime:
    """When a vacant contact post becomes late: after N working days of vacancy."""
    since = local_date(vacancy.since)
    return overdue_from(add_working_days(since, levels.contact_vacancy_working_days))


def task_accept_overdue_at(received_at: datetime, levels: ServiceLevels) -> datetime:
    """When a received, unaccepted task becomes late: after N working days of receipt."""
    return overdue_from(add_working_days(local_date(received_at), levels.task_accept_working_days))


def plan_review_overdue_at(plan: ClientPlan) -> datetime:
    """When an unreviewed plan becomes overdue: after its review date."""
    return overdue_from(plan.review_date)


def plan_review_window_start(plan: ClientPlan, levels: ServiceLevels) -> date:
    """The first day a review counts for the current review date, and the reminder day."""
    return plan.review_date - timedelta(levels.plan_review_lead_days)


def plan_reviewed(plan: ClientPlan, levels: ServiceLevels) -> bool:
    """True when the plan was reviewed for its current review date.

    A review counts from the day the reminder goes (`plan_review_lead_days` before the review
    date) so that answering the reminder early is not later reported as overdue.
    """
    if plan.reviewed_at is None:
        return False
    return local_date(plan.reviewed_at) >= plan_review_window_start(plan, levels)


def contact_lost_at(last_event_at: datetime, levels: ServiceLevels) -> datetime:
    """When contact counts as lost: `contact_lost_days` after the last event."""
    return last_event_at + timedelta(days=levels.contact_lost_days)


def consent_lapsed_at(consent: Consent) -> datetime:
    """When a consent no longer covers anything: at withdrawal, or after its last valid day."""
    expiry = overdue_from(consent.valid_until)
    if consent.withdrawn_at is not None and consent.withdrawn_at < expiry:
        return consent.withdrawn_at
    return expiry


def checkpoint_at(released_at: datetime, days_after: int) -> datetime:
    """Midnight starting the day `days_after` days after the release day."""
    return start_of_local_day(local_date(released_at) + timedelta(days_after))


def release_plan_due_at(case: CaseState, levels: ServiceLevels) -> datetime | None:
    """A long sentence's release plan is late from the start of the day N working days before
    release."""
    day = release_day(case)
    if day is None:
        return None
    return start_of_local_day(add_working_days(day, -levels.release_plan_lead_working_days))


def invitation_overdue_at(request: CooperationRequest, levels: ServiceLevels) -> datetime:
    """The request's answer date has passed (or N working days from the request)."""
    deadline = request.respond_by or add_working_days(
        local_date(request.requested_at), levels.invitation_answer_working_days
    )
    return overdue_from(deadline)


def unplanned_release(case: CaseState) -> bool:
    """Custody ended with no time to plan: a remand ended, or a release nobody knew of before
    its day (no expected release, the date decided on the day or never)."""
    if case.released_at is None:
        return False
    if case.release_type == ReleaseType.REMAND_ENDED:
        return True
    if case.expected_release is not None:
        return False
    decided = case.release_date_decided_at
    return decided is None or local_date(decided) >= local_date(case.released_at)
