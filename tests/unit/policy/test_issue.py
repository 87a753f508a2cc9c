"""Issuing a task through the one sharing decision: ids, the disclosure record, and no task
at all without a basis."""

from services.core.ids import stable_id
from services.core.policy import IssuedTask, disclose
from services.core.tasks import Basis, BasisKind, TaskKind
from services.core.vocabulary import Category
from tests.unit.policy.builders import COUNTY, NOW, case, consent, draft, rules


def consented() -> IssuedTask:
    issued = disclose(draft(), case(consents=[consent()]), rules(), NOW)
    assert issued is not None
    return issued


def test_task_id_is_derived_from_case_kind_trigger_and_recipient() -> None:
    """The same draft always becomes the same task id."""
    expected = stable_id("case-1", TaskKind.RELEASE_PREPARATION.value, "release:2026-07-30", COUNTY)
    assert consented().task.task_id == expected


def test_disclosure_id_is_derived_from_the_task_id() -> None:
    """Each task has exactly one disclosure record, with a derived id."""
    issued = consented()
    assert issued.disclosure.disclosure_id == stable_id("disclosure", issued.task.task_id)
    assert issued.disclosure.task_id == issued.task.task_id


def test_disclosure_lists_exactly_the_categories_sent() -> None:
    """The record names the categories present in the filtered payload, nothing withheld."""
    issued = consented()
    assert issued.disclosure.categories == [Category.IDENTITY, Category.RELEASE_SCHEDULE]
    assert Category.NEEDS in issued.task.withheld_categories


def test_disclosure_cites_bases_consents_version_and_time() -> None:
    """Who got what is recorded with the basis, the consent id and the rules version."""
    disclosure = consented().disclosure
    assert disclosure.bases == [Basis(kind=BasisKind.CONSENT, ref="consent-1")]
    assert disclosure.consent_ids == ["consent-1"]
    assert disclosure.rules_version == "test-1"
    assert disclosure.disclosed_at == NOW
    assert disclosure.recipient_org == COUNTY
    assert not disclosure.internal_use


def test_task_metadata_without_basis_is_not_sent() -> None:
    """Reproduction (#13.3): a county with no basis for any of the content gets no task at all,
    so neither its due date, its reason code nor the person_ref leaks."""
    assert disclose(draft(), case(), rules(), NOW) is None


def test_task_carries_the_draft_routing_fields() -> None:
    """Worker reference, supersedes, referral id and rules version pass through to the task."""
    issued = disclose(
        draft(recipient_worker_ref="w-9", supersedes="old-task", referral_id="ref-1"),
        case(consents=[consent()]),
        rules(),
        NOW,
    )
    assert issued is not None
    assert issued.task.recipient_worker_ref == "w-9"
    assert issued.task.supersedes == "old-task"
    assert issued.task.referral_id == "ref-1"
    assert issued.task.rules_version == "test-1"


def test_revocation_notice_carries_nothing_but_its_basis() -> None:
    """A consent_revoked notice goes out under GDPR art. 19 with an empty payload."""
    issued = disclose(
        draft(kind=TaskKind.CONSENT_REVOKED, purpose="consent_revocation"), case(), rules(), NOW
    )
    assert issued is not None
    assert issued.task.payload.model_dump(exclude_none=True) == {}
    assert [b.kind for b in issued.task.bases] == [BasisKind.REVOCATION_NOTICE]
    assert issued.disclosure.categories == []
    assert issued.disclosure.consent_ids == []
