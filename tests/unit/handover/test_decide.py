"""decide(): state, repeats, facts that make no tasks, and the working-day calendar."""

from datetime import date, timedelta

import pytest

from services.core.calendar import end_of_local_day
from services.core.facts import FactKind
from services.core.vocabulary import Category
from services.handover import HandoverSettings
from services.handover.release import is_short_sentence
from tests.unit.handover.builders import consented_case as case
from tests.unit.handover.builders import fact, run, to
from tests.unit.policy.builders import COUNTY, NOW, TODAY, consent

RELEASE = TODAY + timedelta(days=150)


def test_repeated_fact_issues_nothing_new() -> None:
    """Delivering the same fact twice leaves the tasks and the state as after the first."""
    once = run(fact(FactKind.RELEASE_DATE_SET, case(release_date=RELEASE)))
    twice = run(fact(FactKind.RELEASE_DATE_SET, case(release_date=RELEASE)), once.state)
    assert twice.issued == []
    assert twice.state == once.state


@pytest.mark.parametrize(
    "kind",
    [FactKind.PLAN_AGREED, FactKind.CASE_CLOSED, FactKind.ROUTING_PROBLEM],
)
def test_facts_without_a_handover_make_no_task(kind: FactKind) -> None:
    """Facts that nobody must act on through a handover issue nothing."""
    outcome = run(fact(kind, case()))
    assert outcome.issued == []
    assert outcome.state.tasks == []


def test_new_state_is_for_the_fact_person() -> None:
    """Without earlier state a fresh state is started for the person."""
    assert run(fact(FactKind.CASE_CLOSED, case())).state.person_ref == "person-1"


def test_state_remembers_recipient_and_consents_of_each_task() -> None:
    """The state records who received a task and under which consents."""
    consented = case(release_date=RELEASE, consents=[consent()])
    ref = run(fact(FactKind.RELEASE_DATE_SET, consented)).state.tasks[0]
    assert ref.recipient_org == COUNTY
    assert ref.consent_ids == ["consent-1"]
    assert not ref.superseded


def test_personal_details_leave_only_with_a_basis() -> None:
    """The name from the personal details is in the task only when identity has a basis."""
    schedule_only = consent(categories=[Category.RELEASE_SCHEDULE])
    without = run(
        fact(FactKind.RELEASE_DATE_SET, case(release_date=RELEASE, consents=[schedule_only]))
    )
    consented = case(release_date=RELEASE, consents=[consent()])
    with_consent = run(fact(FactKind.RELEASE_DATE_SET, consented))
    assert to(without, COUNTY).task.payload.full_name is None
    assert to(with_consent, COUNTY).task.payload.full_name == "Testi Henkilö"


def test_no_task_without_a_basis_for_its_recipient() -> None:
    """Reproduction (#13.3): a person in custody with no consent and no notification gives
    the county no task at all, not even its metadata."""
    outcome = run(fact(FactKind.RELEASE_DATE_SET, case(release_date=RELEASE, consents=[])))
    assert outcome.issued == []


def test_injected_calendar_sets_working_day_deadlines() -> None:
    """A holiday calendar passed in the settings decides the first-meeting date."""

    def with_holiday(start: date, days: int) -> date:
        return start + timedelta(days=days + 10)

    released = case(release_date=TODAY, released_at=NOW)
    settings = HandoverSettings(add_working_days=with_holiday)
    outcome = run(fact(FactKind.RELEASED, released), settings=settings)
    expected = end_of_local_day(TODAY + timedelta(days=15))
    assert to(outcome, COUNTY).task.due_at == expected


def test_lead_time_is_configurable() -> None:
    """A 30-day lead time makes release preparation due 30 days before release."""
    settings = HandoverSettings(release_preparation_lead_days=30)
    outcome = run(fact(FactKind.RELEASE_DATE_SET, case(release_date=RELEASE)), settings=settings)
    due = end_of_local_day(RELEASE - timedelta(days=30))
    assert to(outcome, COUNTY).task.due_at == due


def test_short_sentence_threshold_is_configurable() -> None:
    """With a 200-day threshold a 150-day sentence counts as short."""
    long_case = case(sentence_start=TODAY, expected_release=RELEASE)
    assert not is_short_sentence(long_case, 60)
    assert is_short_sentence(long_case, 200)
