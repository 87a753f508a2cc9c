"""The `task_outcome` notice through the one sharing decision: SHL 40 § 2 mom. lets the
authority that received a contact with consent tell the contacting one what it did, "asiakkaan
suostumuksella"; nothing else carries it."""

from datetime import timedelta
from typing import Any

from services.core.case import CaseState
from services.core.drafts import TaskDraft
from services.core.policy import disclose
from services.core.tasks import Basis, BasisKind, TaskKind, TaskPayload
from services.core.vocabulary import Category, ReferralKind, TaskStatus
from tests.unit.policy.builders import COUNTY, NOW, PRISON, case, consent, draft, referral, rules

OUTCOME = TaskPayload.build(
    task_outcome=TaskStatus.REJECTED, outcome_task_kind="referral_received", cause_event_id="e-1"
)


def outcome_draft(**overrides: Any) -> TaskDraft:
    """A notice to the prison that county 13 rejected the referral task the prison caused."""
    values: dict[str, Any] = {
        "kind": TaskKind.TASK_OUTCOME,
        "recipient_org": PRISON,
        "trigger": "outcome:task-1:rejected",
        "reason_code": "task_rejected",
        "purpose": "referral_feedback",
        "payload": OUTCOME,
        "referral_id": "ref-1",
    }
    return draft(**(values | overrides))


def contact_case(**consent_overrides: Any) -> CaseState:
    """The prison contacted county 13 with the client's consent (SHL 35 § 1 mom.)."""
    contact = referral(
        kind=ReferralKind.CONTACT_WITH_CONSENT,
        ground=None,
        consent_not_obtained=None,
        consent_id="consent-1",
    )
    return case(referrals=[contact], consents=[consent(**consent_overrides)])


def test_contact_consent_carries_the_outcome_to_the_referrer() -> None:
    """SHL 40 § 2 mom.: under the consent the contact rested on, the outcome reaches the prison."""
    issued = disclose(outcome_draft(), contact_case(), rules(), NOW)
    assert issued is not None
    assert issued.task.payload == OUTCOME
    assert issued.task.bases == [Basis(kind=BasisKind.CONSENT, ref="consent-1")]
    assert issued.disclosure.categories == [Category.SERVICE_STATUS]
    assert issued.disclosure.internal_use is False


def test_no_outcome_once_the_contact_consent_is_withdrawn() -> None:
    """A withdrawn consent carries nothing: no notice at all, not even its metadata."""
    withdrawn = contact_case(withdrawn_at=NOW - timedelta(hours=1))
    assert disclose(outcome_draft(), withdrawn, rules(), NOW) is None


def test_no_outcome_once_the_contact_consent_has_expired() -> None:
    """Consent ends at its end date: the day after, the referrer hears nothing."""
    expired = contact_case(valid_until=NOW.date() - timedelta(days=1))
    assert disclose(outcome_draft(), expired, rules(), NOW) is None


def test_notification_without_consent_gets_no_outcome() -> None:
    """SHL 35 § 2 mom. opens data to the county only; 40 § 2 mom. feedback needs consent."""
    notified = case(referrals=[referral()])
    assert disclose(outcome_draft(), notified, rules(), NOW) is None


def test_internal_use_does_not_open_the_outcome_to_a_prison() -> None:
    """What a county did with a task is county data, not the Criminal Sanctions Agency's own."""
    assert disclose(outcome_draft(referral_id=None), case(), rules(), NOW) is None


def test_consent_naming_the_originator_for_feedback_opens_the_outcome() -> None:
    """Without a referral, a consent that names the prison for feedback and lists service
    status is the basis."""
    feedback = consent(
        recipients=[PRISON], categories=[Category.SERVICE_STATUS], purpose="referral_feedback"
    )
    issued = disclose(outcome_draft(referral_id=None), case(consents=[feedback]), rules(), NOW)
    assert issued is not None
    assert issued.task.bases == [Basis(kind=BasisKind.CONSENT, ref="consent-1")]


def test_consent_for_release_planning_does_not_open_the_outcome() -> None:
    """A consent for another purpose opens nothing here, even if it lists service status."""
    planning = consent(recipients=[PRISON, COUNTY], categories=[Category.SERVICE_STATUS])
    assert (
        disclose(outcome_draft(referral_id=None), case(consents=[planning]), rules(), NOW) is None
    )


def test_feedback_consent_serves_only_the_referrer() -> None:
    """The contact's consent carries the outcome to the organisation that contacted, no other."""
    other = outcome_draft(recipient_org="prison-turun")
    assert disclose(other, contact_case(), rules(), NOW) is None
