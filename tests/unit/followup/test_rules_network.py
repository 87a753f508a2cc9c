"""Alert rules about the network: vacancies, task acceptance, plan reviews, consent, routing."""

from datetime import date

from services.core.calendar import start_of_local_day
from services.core.facts import FactKind
from services.core.records import AlertRule, Severity
from services.core.vocabulary import ContactRole, TaskStatus
from services.followup.state import FollowupState
from tests.unit.followup.builders import (
    COUNTY,
    apply,
    at,
    case,
    consent,
    named_worker,
    opened,
    plan,
    resolved,
    start,
    tick,
    vacancy,
)

MONDAY = date(2025, 3, 10)
THURSDAY = date(2025, 3, 13)
REVIEW = date(2025, 9, 1)


def _vacant(day: date, role: ContactRole = ContactRole.NAMED_WORKER) -> FollowupState:
    c = case(vacancies=[vacancy(at(day), role)])
    return start(c, at(day)).state


def test_vacancy_not_late_within_five_working_days() -> None:
    """A post vacant since Monday is within the limit through the next Monday."""
    outcome = tick(_vacant(MONDAY), at(date(2025, 3, 17), 23))
    assert opened(outcome, AlertRule.CONTACT_VACANCY) == []


def test_vacancy_alert_opens_after_five_working_days() -> None:
    """A named-worker post vacant past five working days opens a critical alert."""
    [alert] = opened(
        tick(_vacant(MONDAY), start_of_local_day(date(2025, 3, 18))), AlertRule.CONTACT_VACANCY
    )
    assert (alert.subject, alert.severity) == ("named_worker:county-13", Severity.CRITICAL)


def test_vacancy_limit_skips_christmas_and_new_year() -> None:
    """Vacant from 22 Dec 2025, the post is late only from Saturday 3 January 2026."""
    state = _vacant(date(2025, 12, 22))
    assert opened(tick(state, at(date(2026, 1, 2), 23)), AlertRule.CONTACT_VACANCY) == []
    assert opened(tick(state, start_of_local_day(date(2026, 1, 3))), AlertRule.CONTACT_VACANCY)


def test_prison_case_worker_vacancy_is_a_warning() -> None:
    """A vacancy in a role other than the named worker is a warning."""
    state = _vacant(MONDAY, ContactRole.PRISON_CASE_WORKER)
    [alert] = opened(tick(state, at(date(2025, 3, 20))), AlertRule.CONTACT_VACANCY)
    assert alert.severity == Severity.WARNING


def test_vacancy_alert_resolves_when_successor_assigned() -> None:
    """Assigning a new named worker removes the vacancy and clears the alert."""
    now = at(date(2025, 3, 20))
    state = tick(_vacant(MONDAY), now).state
    filled = case(contacts=[named_worker(now, "worker-county-13-b")])
    outcome = apply(state, FactKind.CONTACT_PERSON_ASSIGNED, filled, now)
    assert resolved(outcome, AlertRule.CONTACT_VACANCY)


def _received(day: date, task_id: str = "task-1") -> FollowupState:
    c = case(task_statuses={task_id: TaskStatus.RECEIVED})
    state = start(case(), at(day, 8)).state
    return apply(
        state,
        FactKind.TASK_STATUS_CHANGED,
        c,
        at(day),
        task_id=task_id,
        task_status=TaskStatus.RECEIVED,
    ).state


def test_task_not_late_within_two_working_days() -> None:
    """A task received on Thursday may be accepted through Monday."""
    outcome = tick(_received(THURSDAY), at(date(2025, 3, 17), 23))
    assert opened(outcome, AlertRule.TASK_NOT_ACCEPTED) == []


def test_task_alert_opens_after_two_working_days() -> None:
    """A task received on Thursday and unaccepted on Tuesday opens an alert about it."""
    [alert] = opened(
        tick(_received(THURSDAY), start_of_local_day(date(2025, 3, 18))),
        AlertRule.TASK_NOT_ACCEPTED,
    )
    assert alert.subject == "task-1"


def test_task_deadline_skips_easter() -> None:
    """A task received on Maundy Thursday 2025 may be accepted through the next Wednesday."""
    state = _received(date(2025, 4, 17))
    assert opened(tick(state, at(date(2025, 4, 23), 23)), AlertRule.TASK_NOT_ACCEPTED) == []
    assert opened(tick(state, start_of_local_day(date(2025, 4, 24))), AlertRule.TASK_NOT_ACCEPTED)


def test_task_accepted_in_time_never_alerts() -> None:
    """A task accepted before its deadline raises nothing later."""
    now = at(date(2025, 3, 14))
    accepted = case(task_statuses={"task-1": TaskStatus.ACCEPTED})
    state = apply(_received(THURSDAY), FactKind.TASK_STATUS_CHANGED, accepted, now).state
    assert opened(tick(state, at(date(2025, 4, 1))), AlertRule.TASK_NOT_ACCEPTED) == []


def test_task_alert_resolves_when_work_starts() -> None:
    """Reaching in_progress counts as accepted and clears the alert."""
    now = at(date(2025, 3, 19))
    state = tick(_received(THURSDAY), now).state
    working = case(task_statuses={"task-1": TaskStatus.IN_PROGRESS})
    outcome = apply(state, FactKind.TASK_STATUS_CHANGED, working, now)
    assert resolved(outcome, AlertRule.TASK_NOT_ACCEPTED)


def test_task_seen_received_in_a_case_snapshot_counts_as_issued() -> None:
    """A received task first seen in the case of an unrelated fact has a deadline too."""
    c = case(task_statuses={"task-9": TaskStatus.RECEIVED})
    state = start(c, at(THURSDAY)).state
    assert opened(tick(state, at(date(2025, 3, 18))), AlertRule.TASK_NOT_ACCEPTED)


def test_task_first_seen_accepted_has_no_deadline() -> None:
    """A task first seen already accepted is never reported as not accepted."""
    state = start(case(task_statuses={"task-1": TaskStatus.ACCEPTED}), at(THURSDAY)).state
    assert opened(tick(state, at(date(2025, 5, 1))), AlertRule.TASK_NOT_ACCEPTED) == []


def test_rejected_task_counts_as_not_accepted() -> None:
    """A task rejected by its recipient is reported at the acceptance deadline."""
    rejected = case(task_statuses={"task-1": TaskStatus.REJECTED})
    state = apply(
        _received(THURSDAY), FactKind.TASK_STATUS_CHANGED, rejected, at(date(2025, 3, 14))
    ).state
    assert opened(tick(state, at(date(2025, 3, 18))), AlertRule.TASK_NOT_ACCEPTED)


def _with_plan(reviewed: date | None = None) -> FollowupState:
    agreed = at(date(2025, 6, 1))
    p = plan(agreed, REVIEW, reviewed=at(reviewed) if reviewed else None)
    return start(case(plan=p), agreed).state


def test_plan_review_not_overdue_on_the_review_date() -> None:
    """On the review date itself the review is not yet overdue."""
    assert opened(tick(_with_plan(), at(REVIEW, 23)), AlertRule.PLAN_REVIEW_OVERDUE) == []


def test_plan_review_overdue_after_the_review_date() -> None:
    """From the day after the review date an unreviewed plan is overdue."""
    outcome = tick(_with_plan(), start_of_local_day(date(2025, 9, 2)))
    assert opened(outcome, AlertRule.PLAN_REVIEW_OVERDUE)


def test_plan_reviewed_early_in_the_reminder_window_counts() -> None:
    """A review four days before the review date (after the reminder) satisfies it."""
    state = _with_plan(reviewed=date(2025, 8, 28))
    assert opened(tick(state, at(date(2025, 9, 10))), AlertRule.PLAN_REVIEW_OVERDUE) == []


def test_plan_reviewed_long_before_does_not_count() -> None:
    """A review before the reminder window does not cover the coming review date."""
    state = _with_plan(reviewed=date(2025, 7, 1))
    assert opened(tick(state, at(date(2025, 9, 2))), AlertRule.PLAN_REVIEW_OVERDUE)


def test_plan_review_alert_resolves_when_reviewed() -> None:
    """Recording the review clears the overdue alert."""
    now = at(date(2025, 9, 3))
    state = tick(_with_plan(), now).state
    p = plan(at(date(2025, 6, 1)), date(2026, 3, 1), reviewed=now)
    outcome = apply(state, FactKind.PLAN_REVIEWED, case(plan=p), now)
    assert resolved(outcome, AlertRule.PLAN_REVIEW_OVERDUE)


def _consented(*, tasks: dict[str, TaskStatus]) -> FollowupState:
    given = at(date(2025, 6, 1))
    c = case(
        plan=plan(given, date(2026, 1, 1)),
        consents=[consent(date(2025, 6, 1), date(2025, 8, 31))],
        task_statuses=tasks,
    )
    return start(c, given).state


def test_consent_lapse_waits_for_expiry() -> None:
    """On its last valid day the consent still covers the network."""
    state = _consented(tasks={"task-1": TaskStatus.ACCEPTED})
    assert opened(tick(state, at(date(2025, 8, 31), 23)), AlertRule.CONSENT_LAPSED) == []


def test_consent_expiry_with_open_tasks_opens_alert() -> None:
    """A consent covering the network expiring while a task is open opens an alert about it."""
    state = _consented(tasks={"task-1": TaskStatus.ACCEPTED})
    [alert] = opened(tick(state, start_of_local_day(date(2025, 9, 1))), AlertRule.CONSENT_LAPSED)
    assert alert.subject == "consent-1"


def test_consent_withdrawal_with_open_tasks_opens_alert() -> None:
    """Withdrawing the network's consent while a task is open opens the alert at once."""
    state = _consented(tasks={"task-1": TaskStatus.RECEIVED})
    now = at(date(2025, 7, 1))
    withdrawn = state.case.model_copy(
        update={
            "consents": [c.model_copy(update={"withdrawn_at": now}) for c in state.case.consents]
        }
    )
    outcome = apply(state, FactKind.CONSENT_WITHDRAWN, withdrawn, now, consent_id="consent-1")
    assert opened(outcome, AlertRule.CONSENT_LAPSED)


def test_consent_lapse_without_open_tasks_opens_nothing() -> None:
    """A consent expiring when every task is completed or rejected raises nothing."""
    tasks = {"task-1": TaskStatus.COMPLETED, "task-2": TaskStatus.REJECTED}
    state = _consented(tasks=tasks)
    assert opened(tick(state, at(date(2025, 9, 5))), AlertRule.CONSENT_LAPSED) == []


def test_consent_lapse_covered_by_another_consent_opens_nothing() -> None:
    """A member still covered by another active consent keeps the network intact."""
    state = _consented(tasks={"task-1": TaskStatus.ACCEPTED})
    both = state.case.model_copy(
        update={
            "consents": [
                *state.case.consents,
                consent(date(2025, 8, 1), date(2026, 8, 1), consent_id="consent-2"),
            ]
        }
    )
    state = apply(state, FactKind.CONSENT_GIVEN, both, at(date(2025, 8, 1))).state
    assert opened(tick(state, at(date(2025, 9, 5))), AlertRule.CONSENT_LAPSED) == []


def test_consent_for_others_than_the_network_is_ignored() -> None:
    """A consent naming no plan network member is not needed for the network."""
    state = _consented(tasks={"task-1": TaskStatus.ACCEPTED})
    other = state.case.model_copy(
        update={"consents": [consent(date(2025, 6, 1), date(2025, 8, 31), recipients=("ngo-x",))]}
    )
    state = apply(state, FactKind.CONSENT_GIVEN, other, at(date(2025, 6, 2))).state
    assert opened(tick(state, at(date(2025, 9, 5))), AlertRule.CONSENT_LAPSED) == []


def test_consent_lapse_resolves_when_tasks_close() -> None:
    """Once no task is open the lapsed consent no longer breaks anything."""
    now = at(date(2025, 9, 2))
    state = tick(_consented(tasks={"task-1": TaskStatus.ACCEPTED}), now).state
    done = state.case.model_copy(update={"task_statuses": {"task-1": TaskStatus.COMPLETED}})
    outcome = apply(state, FactKind.TASK_STATUS_CHANGED, done, now)
    assert resolved(outcome, AlertRule.CONSENT_LAPSED)


def test_routing_problem_opens_alert_without_area() -> None:
    """A routing problem with no responsible county opens a critical alert with no area."""
    c = case(responsible_area=None, routing_problem="unknown_municipality")
    [alert] = opened(
        apply(None, FactKind.ROUTING_PROBLEM, c, at(MONDAY)), AlertRule.ROUTING_PROBLEM
    )
    assert (alert.area, alert.severity) == (None, Severity.CRITICAL)


def test_routing_problem_resolves_when_area_is_set() -> None:
    """Setting the responsible county clears the routing alert."""
    c = case(responsible_area=None, routing_problem="unknown_municipality")
    state = apply(None, FactKind.ROUTING_PROBLEM, c, at(MONDAY)).state
    routed = c.model_copy(update={"responsible_area": COUNTY})
    outcome = apply(state, FactKind.RESPONSIBLE_AREA_CHANGED, routed, at(MONDAY, 13))
    assert resolved(outcome, AlertRule.ROUTING_PROBLEM)
