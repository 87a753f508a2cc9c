"""Release preparation, a moved release date, and the release itself."""

from datetime import date, timedelta
from typing import Any

from services.core.calendar import end_of_local_day
from services.core.case import CaseState, ContactPerson
from services.core.facts import FactKind
from services.core.tasks import Priority, TaskKind
from services.core.vocabulary import Category, ContactRole, ReleaseType
from services.handover.network import sanctions_office_for
from tests.unit.handover.builders import consented_case as case
from tests.unit.handover.builders import fact, recipients, run, to
from tests.unit.policy.builders import COUNTY, NGO, NOW, PRISON, TODAY, consent

RELEASE = TODAY + timedelta(days=150)


def released_case(release_type: ReleaseType, **overrides: Any) -> CaseState:
    return case(
        release_date=TODAY,
        release_type=release_type,
        released_at=NOW,
        **overrides,
    )


def test_release_date_set_sends_preparation_to_the_county() -> None:
    """A known release date gives the responsible county a release_preparation task."""
    outcome = run(fact(FactKind.RELEASE_DATE_SET, case(release_date=RELEASE)))
    task = to(outcome, COUNTY).task
    assert task.kind == TaskKind.RELEASE_PREPARATION
    assert recipients(outcome) == [COUNTY]


def test_preparation_is_due_the_lead_time_before_release() -> None:
    """With the default 90-day lead the task is due 90 days before release."""
    outcome = run(fact(FactKind.RELEASE_DATE_SET, case(release_date=RELEASE)))
    assert to(outcome, COUNTY).task.due_at == end_of_local_day(RELEASE - timedelta(days=90))


def test_preparation_is_due_now_when_the_lead_time_has_passed() -> None:
    """A release 20 days away is already inside the lead time: the task is due at once."""
    soon = case(release_date=TODAY + timedelta(days=20))
    outcome = run(fact(FactKind.RELEASE_DATE_SET, soon))
    assert to(outcome, COUNTY).task.due_at == NOW


def test_case_opened_with_expected_release_sends_preparation() -> None:
    """An expected release date at custody start is enough to start preparing."""
    outcome = run(fact(FactKind.CASE_OPENED, case()))
    assert to(outcome, COUNTY).task.kind == TaskKind.RELEASE_PREPARATION


def test_case_opened_without_release_date_sends_nothing() -> None:
    """With no release date known there is nothing to prepare yet."""
    outcome = run(fact(FactKind.CASE_OPENED, case(expected_release=None)))
    assert outcome.issued == []


def test_same_release_date_learnt_twice_gives_one_task() -> None:
    """The decided date equal to the expected one does not repeat the preparation task."""
    first = run(fact(FactKind.CASE_OPENED, case(expected_release=RELEASE)))
    second = run(fact(FactKind.RELEASE_DATE_SET, case(release_date=RELEASE)), first.state)
    assert second.issued == []


def test_different_release_date_supersedes_the_earlier_preparation() -> None:
    """A decided date unlike the expected one replaces the earlier preparation task."""
    first = run(fact(FactKind.CASE_OPENED, case(expected_release=RELEASE)))
    later = case(release_date=RELEASE + timedelta(days=30))
    second = run(fact(FactKind.RELEASE_DATE_SET, later), first.state)
    old_id = first.issued[0].task.task_id
    assert to(second, COUNTY).task.supersedes == old_id
    assert [ref.superseded for ref in second.state.tasks] == [True, False]


def test_preparation_carries_only_consented_fields() -> None:
    """The county receives the consented categories and nothing else (S1)."""
    consented = case(release_date=RELEASE, consents=[consent()])
    task = to(run(fact(FactKind.RELEASE_DATE_SET, consented)), COUNTY).task
    assert task.payload.identity_code == "010594Y9021"
    assert task.payload.release_date == RELEASE
    assert task.payload.prison is None
    assert task.payload.phone is None


def test_no_preparation_without_a_responsible_county() -> None:
    """With routing unresolved no county is guessed and no task is sent."""
    unrouted = case(release_date=RELEASE, responsible_area=None)
    assert run(fact(FactKind.RELEASE_DATE_SET, unrouted)).issued == []


def network_case(**overrides: Any) -> CaseState:
    """A prison case worker and an NGO support worker, the NGO there by the client's consent."""
    contacts = [
        ContactPerson(role=ContactRole.PRISON_CASE_WORKER, org=PRISON, worker_ref="w-1", since=NOW),
        ContactPerson(role=ContactRole.NGO_SUPPORT, org=NGO, worker_ref="w-2", since=NOW),
    ]
    given = consent(recipients=[COUNTY, NGO])
    return case(**{"contacts": contacts, "consents": [given], **overrides})


def test_release_date_change_goes_to_the_county_and_the_network() -> None:
    """The county and the network hear of the new date; the sending prison does not."""
    moved = network_case(release_date=RELEASE - timedelta(days=21))
    outcome = run(fact(FactKind.RELEASE_DATE_CHANGED, moved, previous_release_date=RELEASE))
    assert recipients(outcome) == [COUNTY, NGO]
    assert {i.task.kind for i in outcome.issued} == {TaskKind.RELEASE_DATE_CHANGED}


def test_release_date_change_supersedes_the_county_preparation() -> None:
    """The county's earlier release_preparation is replaced by the change task."""
    first = run(fact(FactKind.RELEASE_DATE_SET, network_case(release_date=RELEASE)))
    moved = network_case(release_date=RELEASE + timedelta(days=10))
    second = run(
        fact(FactKind.RELEASE_DATE_CHANGED, moved, previous_release_date=RELEASE), first.state
    )
    assert to(second, COUNTY).task.supersedes == first.issued[0].task.task_id
    assert to(second, NGO).task.supersedes is None


def test_release_moved_earlier_with_little_time_left_is_urgent() -> None:
    """Moved earlier to 20 days away, inside the 30-day threshold: urgent."""
    moved = network_case(release_date=TODAY + timedelta(days=20))
    outcome = run(
        fact(FactKind.RELEASE_DATE_CHANGED, moved, previous_release_date=TODAY + timedelta(days=41))
    )
    assert {i.task.priority for i in outcome.issued} == {Priority.URGENT}


def test_release_moved_earlier_with_time_left_is_normal() -> None:
    """Moved earlier but still 100 days away: normal priority."""
    moved = network_case(release_date=TODAY + timedelta(days=100))
    previous = TODAY + timedelta(days=120)
    outcome = run(fact(FactKind.RELEASE_DATE_CHANGED, moved, previous_release_date=previous))
    assert to(outcome, COUNTY).task.priority == Priority.NORMAL


def test_release_moved_later_is_normal() -> None:
    """A later release leaves more time, however soon it is."""
    moved = network_case(release_date=TODAY + timedelta(days=10))
    outcome = run(
        fact(FactKind.RELEASE_DATE_CHANGED, moved, previous_release_date=TODAY + timedelta(days=5))
    )
    assert to(outcome, COUNTY).task.priority == Priority.NORMAL


def test_release_date_change_tells_the_network_only_identity_and_schedule() -> None:
    """A network member is offered identity and schedule, never the whole case."""
    given = consent(
        recipients=[NGO], categories=[Category.IDENTITY, Category.RELEASE_SCHEDULE, Category.NEEDS]
    )
    moved = network_case(release_date=RELEASE - timedelta(days=21), consents=[given])
    outcome = run(fact(FactKind.RELEASE_DATE_CHANGED, moved, previous_release_date=RELEASE))
    payload = to(outcome, NGO).task.payload
    assert payload.previous_release_date == RELEASE
    assert payload.identity_code is not None
    assert payload.needs is None


def test_released_sends_a_first_meeting_task_to_the_county() -> None:
    """Warm handover: the county's first meeting is due within five working days."""
    outcome = run(fact(FactKind.RELEASED, released_case(ReleaseType.CONDITIONAL_RELEASE)))
    task = to(outcome, COUNTY).task
    assert task.kind == TaskKind.RELEASED
    assert task.due_at == end_of_local_day(date(2026, 3, 9))
    assert recipients(outcome) == [COUNTY]


def test_supervised_probationary_freedom_is_not_the_sanctions_office_s_task() -> None:
    """VKV is supervised by the prison: the release tells the county, not a sanctions office."""
    outcome = run(
        fact(FactKind.RELEASED, released_case(ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM))
    )
    assert recipients(outcome) == [COUNTY]


def test_sanctions_office_is_found_from_the_prison_region() -> None:
    """Kuopio prison is in the Väli-Suomi region; Helsinki prison in the Helsinki region."""
    assert sanctions_office_for("prison-kuopion") == "cso-vali-suomen"
    assert sanctions_office_for("prison-helsingin") == "cso-helsingin"
    assert sanctions_office_for("prison-nowhere") is None


def test_consent_after_the_release_date_opens_the_preparation() -> None:
    """A consent recorded after the date was set (or read in another order) lets the county's
    release preparation go out then; it had no basis before."""
    dated = case(release_date=RELEASE, consents=[])
    before = run(fact(FactKind.RELEASE_DATE_SET, dated))
    assert before.issued == []
    consented = case(release_date=RELEASE, consents=[consent()])
    after = run(fact(FactKind.CONSENT_GIVEN, consented, consent_id="consent-1"), before.state)
    assert [(i.task.kind, i.task.recipient_org) for i in after.issued] == [
        (TaskKind.RELEASE_PREPARATION, COUNTY)
    ]


def test_a_second_consent_does_not_repeat_the_preparation() -> None:
    """The preparation already out has the same id: a further consent changes nothing."""
    consented = case(release_date=RELEASE, consents=[consent()])
    first = run(fact(FactKind.RELEASE_DATE_SET, consented))
    again = run(fact(FactKind.CONSENT_GIVEN, consented, consent_id="consent-2"), first.state)
    assert again.issued == []
