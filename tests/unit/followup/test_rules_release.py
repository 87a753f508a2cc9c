"""Alert rules about release timing: contact, assessment, named worker, plan, lead time, contact."""

from datetime import date, timedelta

from services.core.calendar import start_of_local_day
from services.core.case import CaseState, ClientPlan
from services.core.facts import FactKind
from services.core.records import AlertRule, Severity
from services.followup.levels import LevelsConfig
from services.followup.state import FollowupOutcome, FollowupState
from tests.unit.followup.builders import (
    apply,
    at,
    case,
    days,
    named_worker,
    opened,
    plan,
    referral,
    released,
    resolved,
    start,
    tick,
)

RELEASE = date(2025, 6, 2)
OPENED = at(date(2025, 1, 2))


def planned(**changes: object) -> CaseState:
    return case(**{"release_date": RELEASE, **changes})


def test_no_contact_alert_waits_until_release_is_near() -> None:
    """Without a referral nothing opens the day before release counts as near."""
    state = start(planned(), OPENED).state
    outcome = tick(state, at(date(2025, 5, 18), 23, 59))
    assert opened(outcome, AlertRule.NO_CONTACT_BEFORE_RELEASE) == []


def test_no_contact_alert_opens_when_release_is_near() -> None:
    """Fourteen days before release without any referral the alert opens, critical."""
    state = start(planned(), OPENED).state
    [alert] = opened(
        tick(state, start_of_local_day(date(2025, 5, 19))), AlertRule.NO_CONTACT_BEFORE_RELEASE
    )
    assert alert.severity == Severity.CRITICAL


def test_no_contact_alert_uses_expected_release() -> None:
    """An expected release date counts when no release date is decided."""
    state = start(case(expected_release=RELEASE), OPENED).state
    outcome = tick(state, start_of_local_day(date(2025, 5, 19)))
    assert opened(outcome, AlertRule.NO_CONTACT_BEFORE_RELEASE)


def test_no_contact_alert_needs_a_known_release() -> None:
    """With no release date known, no release can be near."""
    state = start(case(), OPENED).state
    assert opened(tick(state, at(date(2026, 1, 1))), AlertRule.NO_CONTACT_BEFORE_RELEASE) == []


def test_no_contact_alert_resolves_when_a_referral_arrives() -> None:
    """A referral of any kind clears the no-contact alert."""
    now = at(date(2025, 5, 20))
    state = tick(start(planned(), OPENED).state, now).state
    after = planned(referrals=[referral(now)])
    outcome = apply(state, FactKind.REFERRAL_SUBMITTED, after, now, referral_id="ref-1")
    assert resolved(outcome, AlertRule.NO_CONTACT_BEFORE_RELEASE)


def test_assessment_alert_waits_until_lead_time() -> None:
    """Thirty-one days before release a not-started assessment is not yet late."""
    state = start(planned(), OPENED).state
    assert opened(tick(state, at(date(2025, 5, 2), 23, 59)), AlertRule.ASSESSMENT_NOT_STARTED) == []


def test_assessment_alert_opens_at_lead_time() -> None:
    """Thirty days before release a not-started assessment opens the alert."""
    state = start(planned(), OPENED).state
    outcome = tick(state, start_of_local_day(date(2025, 5, 3)))
    assert opened(outcome, AlertRule.ASSESSMENT_NOT_STARTED)


def test_assessment_alert_resolves_when_assessment_starts() -> None:
    """Starting the assessment clears the alert."""
    now = at(date(2025, 5, 5))
    state = tick(start(planned(), OPENED).state, now).state
    outcome = apply(state, FactKind.ASSESSMENT_STARTED, planned(assessment_started_at=now), now)
    assert resolved(outcome, AlertRule.ASSESSMENT_NOT_STARTED)


def test_completed_assessment_counts_as_started() -> None:
    """An assessment recorded only as completed never raises the not-started alert."""
    state = start(planned(assessment_completed_at=OPENED), OPENED).state
    assert opened(tick(state, at(RELEASE)), AlertRule.ASSESSMENT_NOT_STARTED) == []


def test_named_worker_alert_opens_at_release() -> None:
    """Released without a named worker opens a critical alert at once."""
    state = start(planned(), OPENED).state
    when = at(RELEASE, 9)
    [alert] = opened(
        apply(state, FactKind.RELEASED, released(planned(), when), when),
        AlertRule.NO_NAMED_WORKER_AT_RELEASE,
    )
    assert alert.severity == Severity.CRITICAL


def test_named_worker_alert_needs_an_actual_release() -> None:
    """A release date passing without a release event does not open the alert."""
    state = start(planned(), OPENED).state
    assert opened(tick(state, at(RELEASE + days(3))), AlertRule.NO_NAMED_WORKER_AT_RELEASE) == []


def test_named_worker_alert_resolves_when_a_worker_is_named() -> None:
    """Assigning a named worker after release clears the alert."""
    when = at(RELEASE, 9)
    state = apply(
        start(planned(), OPENED).state, FactKind.RELEASED, released(planned(), when), when
    ).state
    later = when + days(1)
    after = released(planned(contacts=[named_worker(later)]), when)
    outcome = apply(state, FactKind.CONTACT_PERSON_ASSIGNED, after, later)
    assert resolved(outcome, AlertRule.NO_NAMED_WORKER_AT_RELEASE)


def test_named_worker_alert_off_when_area_does_not_require_it() -> None:
    """An area configured without a named worker by release raises no such alert."""
    levels = LevelsConfig(overrides={"county-13": {"named_worker_by_release": False}})
    state = start(planned(), OPENED, levels).state
    when = at(RELEASE, 9)
    outcome = apply(state, FactKind.RELEASED, released(planned(), when), when, levels)
    assert opened(outcome, AlertRule.NO_NAMED_WORKER_AT_RELEASE) == []


def _released_state() -> tuple[FollowupState, CaseState]:
    when = at(RELEASE, 9)
    c = released(planned(contacts=[named_worker(OPENED)]), when)
    return apply(start(planned(), OPENED).state, FactKind.RELEASED, c, when).state, c


def test_client_plan_alert_waits_for_the_plan_window() -> None:
    """On the fourteenth day after release a missing plan is not yet late."""
    state, _ = _released_state()
    assert opened(tick(state, at(RELEASE + days(14), 23)), AlertRule.NO_CLIENT_PLAN) == []


def test_client_plan_alert_opens_after_the_plan_window() -> None:
    """From the fifteenth day after release a missing plan opens the alert."""
    state, _ = _released_state()
    outcome = tick(state, start_of_local_day(RELEASE + days(15)))
    assert opened(outcome, AlertRule.NO_CLIENT_PLAN)


def test_client_plan_alert_resolves_when_a_plan_is_agreed() -> None:
    """Agreeing a plan clears the missing-plan alert."""
    state, c = _released_state()
    now = at(RELEASE + days(16))
    state = tick(state, now).state
    with_plan = c.model_copy(update={"plan": plan(now, RELEASE + days(120))})
    assert isinstance(with_plan.plan, ClientPlan)
    assert resolved(apply(state, FactKind.PLAN_AGREED, with_plan, now), AlertRule.NO_CLIENT_PLAN)


def _moved(change_day: date, new_release: date, **changes: object) -> FollowupOutcome:
    state = start(planned(**changes), OPENED).state
    moved = planned(**changes).model_copy(update={"release_date": new_release})
    return apply(
        state, FactKind.RELEASE_DATE_CHANGED, moved, at(change_day), previous_release_date=RELEASE
    )


def test_release_moved_earlier_with_short_lead_opens_alert() -> None:
    """A release moved earlier to 27 days after the change opens a critical alert at once."""
    [alert] = opened(_moved(date(2025, 4, 15), date(2025, 5, 12)), AlertRule.RELEASE_MOVED_EARLIER)
    assert alert.severity == Severity.CRITICAL


def test_release_moved_earlier_with_enough_lead_opens_nothing() -> None:
    """A release moved earlier that still leaves 72 days of lead raises no alert."""
    outcome = _moved(date(2025, 3, 1), date(2025, 5, 12))
    assert opened(outcome, AlertRule.RELEASE_MOVED_EARLIER) == []


def test_release_moved_later_opens_nothing() -> None:
    """Moving the release later is never a moved-earlier alert."""
    state = start(planned(), OPENED).state
    moved = planned(release_date=RELEASE + days(30))
    outcome = apply(
        state,
        FactKind.RELEASE_DATE_CHANGED,
        moved,
        at(date(2025, 5, 20)),
        previous_release_date=RELEASE,
    )
    assert opened(outcome, AlertRule.RELEASE_MOVED_EARLIER) == []


def test_release_moved_earlier_ignored_when_assessment_completed() -> None:
    """With the assessment already completed a short lead does not matter."""
    outcome = _moved(date(2025, 4, 15), date(2025, 5, 12), assessment_completed_at=OPENED)
    assert opened(outcome, AlertRule.RELEASE_MOVED_EARLIER) == []


def test_release_moved_earlier_resolves_when_assessment_completes() -> None:
    """Completing the assessment clears the moved-earlier alert."""
    state = _moved(date(2025, 4, 15), date(2025, 5, 12)).state
    done = state.case.model_copy(update={"assessment_completed_at": at(date(2025, 4, 20))})
    outcome = apply(state, FactKind.ASSESSMENT_COMPLETED, done, at(date(2025, 4, 20)))
    assert resolved(outcome, AlertRule.RELEASE_MOVED_EARLIER)


def test_contact_lost_waits_the_full_window() -> None:
    """One minute short of thirty days after the last event contact is not yet lost."""
    state, _ = _released_state()
    now = at(RELEASE, 9) + days(30) - timedelta(minutes=1)
    assert opened(tick(state, now), AlertRule.CONTACT_LOST) == []


def test_contact_lost_opens_after_the_window() -> None:
    """Thirty days after release with no event at all the critical alert opens."""
    state, _ = _released_state()
    [alert] = opened(tick(state, at(RELEASE, 9) + days(30)), AlertRule.CONTACT_LOST)
    assert alert.severity == Severity.CRITICAL


def test_contact_lost_resolves_on_any_event() -> None:
    """Any later event about the case clears the lost-contact alert."""
    state, c = _released_state()
    now = at(RELEASE, 9) + days(31)
    state = tick(state, now).state
    outcome = apply(state, FactKind.TASK_STATUS_CHANGED, c, now)
    assert resolved(outcome, AlertRule.CONTACT_LOST)


def test_contact_lost_only_after_release() -> None:
    """Silence during custody is never lost contact."""
    state = start(planned(referrals=[referral(OPENED)]), OPENED).state
    assert opened(tick(state, OPENED + days(100)), AlertRule.CONTACT_LOST) == []
