"""Issuing a task: deterministic ids and the disclosure record."""

from datetime import timedelta

from services.core.ids import stable_id
from services.core.policy import issue
from services.core.tasks import Basis, BasisKind, TaskKind
from services.core.vocabulary import Category
from tests.unit.policy.builders import COUNTY, NOW, case, consent, draft, rules


def test_task_id_is_derived_from_case_kind_trigger_and_recipient() -> None:
    """The same draft always becomes the same task id."""
    issued = issue(draft(), case(), rules(), NOW)
    expected = stable_id("case-1", TaskKind.RELEASE_PREPARATION.value, "release:2026-07-30", COUNTY)
    assert issued.task.task_id == expected


def test_disclosure_id_is_derived_from_the_task_id() -> None:
    """Each task has exactly one disclosure record, with a derived id."""
    issued = issue(draft(), case(), rules(), NOW)
    assert issued.disclosure.disclosure_id == stable_id("disclosure", issued.task.task_id)
    assert issued.disclosure.task_id == issued.task.task_id


def test_disclosure_lists_exactly_the_categories_sent() -> None:
    """The record names the categories present in the filtered payload, nothing withheld."""
    issued = issue(draft(), case(consents=[consent()]), rules(), NOW)
    assert issued.disclosure.categories == [Category.IDENTITY, Category.RELEASE_SCHEDULE]
    assert Category.NEEDS in issued.task.withheld_categories


def test_disclosure_cites_bases_consents_version_and_time() -> None:
    """Who got what is recorded with the basis, the consent id and the rules version."""
    issued = issue(draft(), case(consents=[consent()]), rules(), NOW)
    disclosure = issued.disclosure
    assert disclosure.bases == [Basis(kind=BasisKind.CONSENT, ref="consent-1")]
    assert disclosure.consent_ids == ["consent-1"]
    assert disclosure.rules_version == "test-1"
    assert disclosure.disclosed_at == NOW
    assert disclosure.recipient_org == COUNTY


def test_task_without_basis_is_issued_with_metadata_only() -> None:
    """An empty payload still tells the recipient to act: kind, due date and person_ref."""
    issued = issue(draft(), case(), rules(), NOW)
    task = issued.task
    assert task.payload.model_dump(exclude_none=True) == {}
    assert task.kind == TaskKind.RELEASE_PREPARATION
    assert task.person_ref == "person-1"
    assert task.due_at == NOW + timedelta(days=60)
    assert issued.disclosure.categories == []
    assert issued.disclosure.bases == []


def test_task_carries_the_draft_routing_fields() -> None:
    """Worker reference, supersedes, priority and rules version pass through to the task."""
    issued = issue(draft(recipient_worker_ref="w-9", supersedes="old-task"), case(), rules(), NOW)
    assert issued.task.recipient_worker_ref == "w-9"
    assert issued.task.supersedes == "old-task"
    assert issued.task.rules_version == "test-1"
