"""FHIR R4 mapping: Tasks carry what the task permits, Consents round-trip to ConsentGiven."""

from datetime import UTC, date, datetime

import pytest

from services.core.events import ConsentGiven
from services.core.tasks import Priority, Task, TaskKind, TaskPayload
from services.core.vocabulary import Category, ConsentCollection, TaskStatus
from services.gateway import fhir
from services.gateway.problems import ProblemError

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PERSON = "p-" + "b" * 40
EMPTY = TaskPayload.model_validate(dict.fromkeys(TaskPayload.model_fields))


def _task(**payload: object) -> Task:
    return Task(
        task_id="t-1",
        kind=TaskKind.RELEASE_PREPARATION,
        case_id="c-1",
        person_ref=PERSON,
        recipient_org="county-13",
        created_at=AT,
        due_at=datetime(2026, 3, 9, tzinfo=UTC),
        priority=Priority.HIGH,
        reason_code="release_date_set",
        payload=EMPTY.model_copy(update=payload),
        rules_version="r1",
    )


def _consent(**changes: object) -> ConsentGiven:
    return ConsentGiven.model_validate(
        {
            "event_id": "fhir-consent-k-1",
            "occurred_at": AT,
            "source_org": "county-13",
            "person_ref": PERSON,
            "consent_id": "k-1",
            "categories": [Category.NEEDS, Category.CONTACT_PERSONS],
            "recipients": ["ngo-krits"],
            "purpose": "service_path",
            "valid_from": date(2026, 3, 1),
            "valid_until": date(2027, 3, 1),
            "collection_method": ConsentCollection.WRITTEN,
        }
        | changes
    )


def test_task_without_identity_names_the_person_by_pseudonym_only() -> None:
    """`for` uses the person-ref system when the payload carries no identity code."""
    resource = fhir.to_fhir_task(_task()).model_dump(mode="json")
    assert resource["for"]["identifier"]["system"] == fhir.PERSON_REF_SYSTEM
    assert resource["status"] == "requested"


def test_task_with_permitted_identity_names_the_patient_by_identity_code() -> None:
    """`for` uses the national identity-code system, and the code is not repeated as input."""
    resource = fhir.to_fhir_task(_task(identity_code="010190-900P")).model_dump(mode="json")
    assert resource["for"]["identifier"]["system"] == fhir.IDENTITY_CODE_SYSTEM
    assert all(i["type"]["coding"][0]["code"] != "identity_code" for i in resource.get("input", []))


def test_task_due_at_is_the_restriction_period_and_payload_fields_are_inputs() -> None:
    """restriction.period.end is due_at; each permitted payload value is one input."""
    resource = fhir.to_fhir_task(_task(release_date=date(2026, 6, 1), needs=["housing", "income"]))
    dumped = resource.model_dump(mode="json")
    assert datetime.fromisoformat(dumped["restriction"]["period"]["end"]) == datetime(
        2026, 3, 9, tzinfo=UTC
    )
    names = [i["type"]["coding"][0]["code"] for i in dumped["input"]]
    assert names == ["release_date", "needs", "needs"]


def test_a_task_about_a_referral_is_based_on_it() -> None:
    """basedOn names the referral by its id where the task has one, and only then."""
    based = fhir.to_fhir_task(_task().model_copy(update={"referral_id": "r-1"}))
    assert based.model_dump(mode="json")["basedOn"][0]["identifier"]["value"] == "r-1"
    assert "basedOn" not in fhir.to_fhir_task(_task()).model_dump(mode="json")


@pytest.mark.parametrize("status", list(TaskStatus))
def test_every_task_status_maps_to_fhir_and_back(status: TaskStatus) -> None:
    """The FHIR status of a reported status reads back as the same status."""
    assert fhir.core_status(fhir.fhir_status(status, superseded=False)) == status


def test_a_superseded_task_is_cancelled_and_cancelled_cannot_be_reported() -> None:
    """A replaced task shows as cancelled; a client cannot set that status itself."""
    assert fhir.fhir_status(TaskStatus.ACCEPTED, superseded=True) == "cancelled"
    with pytest.raises(ProblemError):
        fhir.core_status("cancelled")


@pytest.mark.parametrize(
    "event",
    [_consent(), _consent(person_ref=None, identity_code="010190-900P")],
    ids=["by-person-ref", "by-identity-code"],
)
def test_consent_round_trips_through_fhir(event: ConsentGiven) -> None:
    """ConsentGiven -> FHIR Consent -> ConsentGiven gives the same event."""
    resource = fhir.to_fhir_consent(event)
    assert fhir.consent_given(resource, "county-13") == event


def test_a_consent_without_patient_privacy_scope_is_refused() -> None:
    """Only scope patient-privacy becomes ConsentGiven."""
    dumped = fhir.to_fhir_consent(_consent()).model_dump(mode="json")
    dumped["scope"]["coding"][0]["code"] = "research"
    with pytest.raises(ProblemError) as refused:
        fhir.consent_given(fhir.consent_resource(dumped), "county-13")
    assert refused.value.problem.status == 422


def test_capability_statement_declares_fhir_r4() -> None:
    """The CapabilityStatement is FHIR 4.0.1 and lists Task and Consent."""
    statement = fhir.capability_statement("2026-03-01").model_dump(mode="json")
    assert statement["fhirVersion"] == "4.0.1"
    assert [r["type"] for r in statement["rest"][0]["resource"]] == ["Task", "Consent"]
