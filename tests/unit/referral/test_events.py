"""Stage 2: every inbound event type changes the case and emits its fact."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from services.core.case import CaseState, CaseStatus, ContactPerson, Vacancy
from services.core.events import InboundEvent
from services.core.facts import CaseFact, FactKind
from services.core.ids import stable_id
from services.core.vocabulary import ContactRole, HousingStatus, TaskStatus
from tests.unit.referral import builders as b

CASE_ID = stable_id(b.PERSON, "e-custody")
W1 = ContactPerson(
    role=ContactRole.PRISON_CASE_WORKER, org=b.PRISON, worker_ref="w-1", since=b.T0 + 3 * b.DAY
)


@dataclass(frozen=True)
class Row:
    name: str
    given: list[InboundEvent]
    when: InboundEvent
    kinds: list[FactKind]
    then: Callable[[CaseState, CaseFact], bool]


ROWS = [
    Row(
        "custody opens a case",
        [],
        b.custody(),
        [FactKind.CASE_OPENED],
        lambda c, f: (
            c.case_id == CASE_ID
            and c.status == CaseStatus.IN_CUSTODY
            and c.prison == b.PRISON
            and c.sealed_identity == b.SEALED_IDENTITY
            and c.responsible_area == b.COUNTY
            and c.opened_at == b.T0
        ),
    ),
    Row(
        "first release date",
        [b.custody()],
        b.release_date(),
        [FactKind.RELEASE_DATE_SET],
        lambda c, f: (
            c.release_date == date(2025, 8, 1) and c.release_date_decided_at == b.T0 + b.DAY
        ),
    ),
    Row(
        "later release date",
        [b.custody(), b.release_date()],
        b.release_date(
            event_id="e-rd2", occurred_at=b.T0 + 2 * b.DAY, release_date=date(2025, 7, 1)
        ),
        [FactKind.RELEASE_DATE_CHANGED],
        lambda c, f: (
            c.release_date == date(2025, 7, 1)
            and f.detail.previous_release_date == date(2025, 8, 1)
        ),
    ),
    Row(
        "older release date",
        [b.custody(), b.release_date()],
        b.release_date(
            event_id="e-rd0", occurred_at=b.T0 + b.DAY / 2, release_date=date(2025, 6, 1)
        ),
        [FactKind.RELEASE_DATE_CHANGE_SUPERSEDED],
        lambda c, f: (
            c.release_date == date(2025, 8, 1) and c.release_date_decided_at == b.T0 + b.DAY
        ),
    ),
    Row(
        "transfer",
        [b.custody(), b.assigned()],
        b.transfer(),
        [FactKind.TRANSFERRED],
        lambda c, f: (
            c.prison == b.OTHER_PRISON
            and c.contacts == []
            and f.detail.contact == W1
            and f.detail.previous_prison == b.PRISON
            and c.vacancies
            == [
                Vacancy(
                    role=ContactRole.PRISON_CASE_WORKER, org=b.OTHER_PRISON, since=b.T0 + 2 * b.DAY
                )
            ]
        ),
    ),
    Row(
        "released",
        [b.custody()],
        b.released(destination_municipality="749"),
        [FactKind.RELEASED],
        lambda c, f: (
            c.status == CaseStatus.RELEASED
            and c.released_at == b.T0 + 150 * b.DAY
            and c.destination_municipality == "749"
            and c.housing_status == HousingStatus.SECURED
        ),
    ),
    Row(
        "contact assigned",
        [b.custody()],
        b.assigned(),
        [FactKind.CONTACT_PERSON_ASSIGNED],
        lambda c, f: c.contacts == [W1] and f.detail.contact == W1,
    ),
    Row(
        "contact assigned fills vacancy",
        [b.custody(), b.assigned(), b.ended()],
        b.assigned(event_id="e-assigned-2", worker_ref="w-3", occurred_at=b.T0 + 5 * b.DAY),
        [FactKind.CONTACT_PERSON_ASSIGNED],
        lambda c, f: c.vacancies == [] and [p.worker_ref for p in c.contacts] == ["w-3"],
    ),
    Row(
        "contact assigned replaces the same post",
        [b.custody(), b.assigned()],
        b.assigned(event_id="e-assigned-2", worker_ref="w-3"),
        [FactKind.CONTACT_PERSON_ASSIGNED],
        lambda c, f: [p.worker_ref for p in c.contacts] == ["w-3"],
    ),
    Row(
        "contact ended with successor",
        [b.custody(), b.assigned()],
        b.ended(successor_worker_ref="w-2"),
        [FactKind.CONTACT_PERSON_ENDED],
        lambda c, f: (
            [p.worker_ref for p in c.contacts] == ["w-2"]
            and c.vacancies == []
            and f.detail.contact == W1
            and f.detail.successor_worker_ref == "w-2"
        ),
    ),
    Row(
        "contact ended without successor",
        [b.custody(), b.assigned()],
        b.ended(),
        [FactKind.CONTACT_PERSON_ENDED],
        lambda c, f: (
            c.contacts == []
            and c.vacancies
            == [Vacancy(role=ContactRole.PRISON_CASE_WORKER, org=b.PRISON, since=b.T0 + 4 * b.DAY)]
        ),
    ),
    Row(
        "referral submitted",
        [b.custody()],
        b.referral(),
        [FactKind.REFERRAL_SUBMITTED],
        lambda c, f: (
            len(c.referrals) == 1
            and c.referrals[0].sealed_summary == b.SEALED_SUMMARY
            and c.referrals[0].submitted_by == b.PRISON
            and f.detail.referral_id == "r-1"
        ),
    ),
    Row(
        "referral acknowledged",
        [b.custody(), b.referral()],
        b.acknowledged(),
        [FactKind.REFERRAL_ACKNOWLEDGED],
        lambda c, f: (
            c.referrals[0].acknowledged_at == b.T0 + 6 * b.DAY and f.detail.referral_id == "r-1"
        ),
    ),
    Row(
        "repeat acknowledgement keeps the first time",
        [b.custody(), b.referral(), b.acknowledged()],
        b.acknowledged(event_id="e-ack-2", occurred_at=b.T0 + 9 * b.DAY),
        [FactKind.REFERRAL_ACKNOWLEDGED],
        lambda c, f: c.referrals[0].acknowledged_at == b.T0 + 6 * b.DAY,
    ),
    Row(
        "assessment started",
        [b.custody()],
        b.assessment_started(),
        [FactKind.ASSESSMENT_STARTED],
        lambda c, f: c.assessment_started_at == b.T0 + 7 * b.DAY,
    ),
    Row(
        "assessment completed",
        [b.custody(), b.assessment_started()],
        b.assessment_completed(),
        [FactKind.ASSESSMENT_COMPLETED],
        lambda c, f: c.assessment_completed_at == b.T0 + 8 * b.DAY,
    ),
    Row(
        "consent given",
        [b.custody()],
        b.consent(source_org=b.NGO),
        [FactKind.CONSENT_GIVEN],
        lambda c, f: (
            [k.given_by_org for k in c.consents] == [b.NGO]
            and c.consents[0].recipients == [b.COUNTY, b.NGO]
            and f.detail.consent_id == "k-1"
        ),
    ),
    Row(
        "consent withdrawn",
        [b.custody(), b.consent()],
        b.withdrawn(),
        [FactKind.CONSENT_WITHDRAWN],
        lambda c, f: (
            c.consents[0].withdrawn_at == b.T0 + 9 * b.DAY
            and c.active_consents(date(2025, 6, 1)) == []
            and f.detail.consent_id == "k-1"
        ),
    ),
    Row(
        "plan agreed",
        [b.custody()],
        b.plan_agreed(),
        [FactKind.PLAN_AGREED],
        lambda c, f: (
            c.plan is not None
            and c.plan.review_date == date(2025, 12, 1)
            and c.plan.network == [b.COUNTY, b.NGO]
        ),
    ),
    Row(
        "plan reviewed",
        [b.custody(), b.plan_agreed()],
        b.plan_reviewed(),
        [FactKind.PLAN_REVIEWED],
        lambda c, f: (
            c.plan is not None
            and c.plan.reviewed_at == b.T0 + 11 * b.DAY
            and c.plan.review_date == date(2026, 3, 1)
        ),
    ),
    Row(
        "plan reviewed without next date",
        [b.custody(), b.plan_agreed()],
        b.plan_reviewed(next_review_date=None),
        [FactKind.PLAN_REVIEWED],
        lambda c, f: c.plan is not None and c.plan.review_date == date(2025, 12, 1),
    ),
    Row(
        "case closed",
        [b.custody(), b.released()],
        b.closed(),
        [FactKind.CASE_CLOSED],
        lambda c, f: c.status == CaseStatus.CLOSED and c.closed_at == b.T0 + 200 * b.DAY,
    ),
    Row(
        "task status",
        [b.custody()],
        b.task_status(),
        [FactKind.TASK_STATUS_CHANGED],
        lambda c, f: (
            c.task_statuses == {"t-1": TaskStatus.ACCEPTED}
            and (f.detail.task_id, f.detail.task_status) == ("t-1", TaskStatus.ACCEPTED)
        ),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_event_changes_case_and_emits_its_fact(row: Row) -> None:
    """The event is accepted, changes the case as described, and emits the expected facts."""
    outcome = b.run([*row.given, row.when]).last
    assert outcome.accepted
    assert not outcome.duplicate
    assert outcome.rejections == []
    assert [f.kind for f in outcome.facts] == row.kinds
    fact = outcome.facts[0]
    assert outcome.state.case == fact.case
    assert row.then(fact.case, fact)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_fact_identifies_its_case_and_event(row: Row) -> None:
    """Fact ids are stable_id(case, event, kind) and carry source, time and person."""
    fact = b.run([*row.given, row.when]).last.facts[0]
    assert fact.fact_id == stable_id(fact.case_id, row.when.event_id, fact.kind)
    assert (fact.event_id, fact.source_org, fact.occurred_at) == (
        row.when.event_id,
        row.when.source_org,
        row.when.occurred_at,
    )
    assert (fact.person_ref, fact.case_id) == (b.PERSON, fact.case.case_id)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_last_event_at_follows_accepted_events(row: Row) -> None:
    """last_event_at is the latest occurred_at of the accepted events."""
    events = [*row.given, row.when]
    case = b.run(events).last.facts[0].case
    assert case.last_event_at == max(e.occurred_at for e in events)


def test_case_closed_is_listed_and_kept_until_new_custody() -> None:
    """A closed case stays current, marked closed, and its id joins closed_case_ids."""
    state = b.run([b.custody(), b.released(), b.closed()]).state
    assert state is not None
    assert state.case is not None
    assert state.case.status == CaseStatus.CLOSED
    assert state.closed_case_ids == [CASE_ID]


def test_custody_after_release_opens_a_new_case() -> None:
    """A new custody period after release is a new case; the released one is listed as ended."""
    again = b.custody(event_id="e-custody-2", occurred_at=b.T0 + 300 * b.DAY)
    outcome = b.run([b.custody(), b.released(), again]).last
    assert [f.kind for f in outcome.facts] == [FactKind.CASE_OPENED]
    assert outcome.state.case is not None
    assert outcome.state.case.case_id == stable_id(b.PERSON, "e-custody-2")
    assert outcome.state.case.status == CaseStatus.IN_CUSTODY
    assert outcome.state.closed_case_ids == [CASE_ID]


def test_custody_after_closure_opens_a_new_case() -> None:
    """A new custody period after closure opens a new case, keeping the closed id once."""
    again = b.custody(event_id="e-custody-2", occurred_at=b.T0 + 300 * b.DAY)
    outcome = b.run([b.custody(), b.released(), b.closed(), again]).last
    assert outcome.state.case is not None
    assert outcome.state.case.case_id == stable_id(b.PERSON, "e-custody-2")
    assert outcome.state.closed_case_ids == [CASE_ID]


def test_older_event_does_not_move_last_event_at_back() -> None:
    """An accepted event that occurred earlier than the last one leaves last_event_at alone."""
    late = b.task_status(occurred_at=b.T0 + b.DAY)
    case = b.run([b.custody(), b.plan_agreed(), late]).last.facts[0].case
    assert case.last_event_at == b.T0 + 10 * b.DAY
