"""Task status back to the sender: the organisation whose event caused a task hears that its
recipient rejected or completed it (`task_outcome`, SHL 40 § 2 mom.), once per outcome, and
only where the client's consent allows."""

from services.core.case import CaseState
from services.core.facts import FactKind
from services.core.tasks import Basis, BasisKind, TaskKind
from services.core.vocabulary import Category, ReferralKind, TaskStatus
from services.handover import HandoverOutcome, HandoverState
from services.handover.decide import Refusal
from tests.unit.handover.builders import consented_case, fact, network_consent, run
from tests.unit.policy.builders import COUNTY, NGO, NOW, PRISON, referral


def referred_case(**overrides: object) -> CaseState:
    """The prison contacted county 13 with consent; the contact rests on the network consent."""
    contact = referral(
        kind=ReferralKind.CONTACT_WITH_CONSENT,
        ground=None,
        consent_not_obtained=None,
        consent_id="consent-network",
    )
    return consented_case(**({"referrals": [contact]} | overrides))


def referred() -> tuple[HandoverState, str]:
    """The state after the prison's referral, and the id of the county's referral task."""
    submitted = run(fact(FactKind.REFERRAL_SUBMITTED, referred_case(), referral_id="ref-1"))
    [task] = [i.task for i in submitted.issued if i.task.kind == TaskKind.REFERRAL_RECEIVED]
    return submitted.state, task.task_id


def status(
    state: HandoverState,
    task_id: str,
    value: TaskStatus,
    *,
    by: str = COUNTY,
    case: CaseState | None = None,
    fact_id: str = "fact-status-1",
) -> HandoverOutcome:
    changed = fact(
        FactKind.TASK_STATUS_CHANGED,
        case or referred_case(),
        fact_id=fact_id,
        source_org=by,
        task_id=task_id,
        task_status=value,
    )
    return run(changed, state)


def test_rejected_referral_task_tells_the_prison_the_outcome() -> None:
    """The county rejects the task the prison's referral caused: the prison gets the outcome."""
    state, task_id = referred()
    [notice] = [i.task for i in status(state, task_id, TaskStatus.REJECTED).issued]
    assert (notice.kind, notice.recipient_org, notice.reason_code) == (
        TaskKind.TASK_OUTCOME,
        PRISON,
        "task_rejected",
    )
    assert notice.payload.task_outcome == TaskStatus.REJECTED
    assert notice.payload.outcome_task_kind == TaskKind.REFERRAL_RECEIVED.value
    assert notice.payload.cause_event_id == "event-referral_submitted"
    assert notice.referral_id == "ref-1"


def test_outcome_notice_rests_on_the_contact_consent_and_carries_only_the_outcome() -> None:
    """The notice cites the consent the contact rested on and carries no identity or content."""
    state, task_id = referred()
    [issued] = status(state, task_id, TaskStatus.REJECTED).issued
    assert issued.task.bases == [Basis(kind=BasisKind.CONSENT, ref="consent-network")]
    assert issued.task.payload.identity_code is None
    assert issued.disclosure.categories == [Category.SERVICE_STATUS]


def test_completed_task_tells_the_prison_it_was_completed() -> None:
    """A completion is an outcome too, with its own reason code."""
    state, task_id = referred()
    [issued] = status(state, task_id, TaskStatus.COMPLETED).issued
    assert issued.task.reason_code == "task_completed"
    assert issued.task.payload.task_outcome == TaskStatus.COMPLETED


def test_statuses_short_of_an_outcome_tell_nobody() -> None:
    """Received, accepted and in progress do not end the task: no notice."""
    state, task_id = referred()
    for value in (TaskStatus.RECEIVED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS):
        assert status(state, task_id, value).issued == []


def test_repeated_status_gives_one_notice_only() -> None:
    """The same outcome reported again (another event) issues nothing new."""
    state, task_id = referred()
    first = status(state, task_id, TaskStatus.REJECTED)
    again = status(first.state, task_id, TaskStatus.REJECTED, fact_id="fact-status-2")
    assert again.issued == []
    assert again.state == first.state


def test_notice_id_is_stable_per_task_and_outcome() -> None:
    """The notice's id is derived from the case, the task, the outcome and the recipient."""
    state, task_id = referred()
    [issued] = status(state, task_id, TaskStatus.REJECTED).issued
    [again] = status(state, task_id, TaskStatus.REJECTED, fact_id="fact-other").issued
    assert issued.task.task_id == again.task.task_id


def test_rejection_then_completion_gives_two_notices() -> None:
    """Each outcome is told once: a rejection and a later completion are two notices."""
    state, task_id = referred()
    rejected = status(state, task_id, TaskStatus.REJECTED)
    completed = status(rejected.state, task_id, TaskStatus.COMPLETED, fact_id="fact-status-2")
    assert [i.task.payload.task_outcome for i in completed.issued] == [TaskStatus.COMPLETED]
    assert completed.issued[0].task.task_id != rejected.issued[0].task.task_id


def test_without_consent_nothing_is_sent_and_the_withholding_is_recorded() -> None:
    """No basis, no notice: the refusal is reported and the notice's id kept as withheld."""
    state, task_id = referred()
    withdrawn = referred_case(consents=[network_consent(withdrawn_at=NOW)])
    outcome = status(state, task_id, TaskStatus.REJECTED, case=withdrawn)
    assert outcome.issued == []
    assert outcome.refused == [Refusal(task_kind=TaskKind.TASK_OUTCOME, recipient_org=PRISON)]
    assert len(outcome.state.withheld) == 1
    assert not outcome.state.has(outcome.state.withheld[0])


def test_withheld_notice_is_decided_once() -> None:
    """The same outcome reported again is not decided again: no second refusal."""
    state, task_id = referred()
    withdrawn = referred_case(consents=[network_consent(withdrawn_at=NOW)])
    first = status(state, task_id, TaskStatus.REJECTED, case=withdrawn)
    again = status(first.state, task_id, TaskStatus.REJECTED, case=withdrawn, fact_id="f-2")
    assert (again.issued, again.refused) == ([], [])
    assert again.state == first.state


def test_status_from_another_organisation_tells_nobody() -> None:
    """Only the task's recipient decides its outcome; another organisation's report is ignored."""
    state, task_id = referred()
    assert status(state, task_id, TaskStatus.REJECTED, by=NGO).issued == []


def test_unknown_task_tells_nobody() -> None:
    """A task handover did not issue (a follow-up check, say) has no sender to tell."""
    state, _ = referred()
    assert status(state, "task-of-another-service", TaskStatus.COMPLETED).issued == []


def test_outcome_of_a_notice_tells_nobody() -> None:
    """Completing an outcome notice closes no loop: the county is not told back."""
    state, task_id = referred()
    rejected = status(state, task_id, TaskStatus.REJECTED)
    [notice] = rejected.issued
    done = status(rejected.state, notice.task.task_id, TaskStatus.COMPLETED, by=PRISON)
    assert done.issued == []


def test_task_to_the_sender_itself_tells_nobody() -> None:
    """A prison that completes a task its own event caused needs no notice of it."""
    transferred = consented_case(prison="prison-turun")
    moved = run(fact(FactKind.TRANSFERRED, transferred, source_org="prison-turun"))
    [own] = [i.task for i in moved.issued if i.task.recipient_org == "prison-turun"]
    outcome = status(moved.state, own.task_id, TaskStatus.COMPLETED, by="prison-turun")
    assert (outcome.issued, outcome.refused) == ([], [])


def test_state_remembers_the_cause_of_each_task() -> None:
    """Each issued task keeps the organisation and event that caused it."""
    state, task_id = referred()
    ref = state.find(task_id)
    assert ref is not None
    assert (ref.origin_org, ref.origin_event_id, ref.referral_id) == (
        PRISON,
        "event-referral_submitted",
        "ref-1",
    )
