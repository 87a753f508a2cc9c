"""FHIR R4 views of the contract: Task from a task, ConsentGiven from a Consent, and back.

Pure functions over `fhir.resources` models (the R4B package, whose Task, Consent, Bundle and
CapabilityStatement are those of R4 4.0.1). The person is named by the national identity-code
system only where the task's payload carries the identity code (the sharing rules permitted
it); otherwise the pseudonymous person reference stands in its place.
"""

from datetime import date, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.task import Task as FhirTask
from pydantic import BaseModel, ValidationError

from services.core.events import ConsentGiven
from services.core.tasks import Priority, Task, TaskPayload
from services.core.vocabulary import Category, ConsentCollection, TaskStatus
from services.gateway.problems import ProblemError

BASE = "https://jatkumo.fi/fhir"
IDENTITY_CODE_SYSTEM = "urn:oid:1.2.246.21"
"""The Finnish personal identity code (henkilötunnus)."""
PERSON_REF_SYSTEM = f"{BASE}/sid/person-ref"
ORGANISATION_SYSTEM = f"{BASE}/sid/organisation"
TASK_SYSTEM = f"{BASE}/sid/task"
CONSENT_SYSTEM = f"{BASE}/sid/consent"
REFERRAL_SYSTEM = f"{BASE}/sid/referral"
TASK_KIND_SYSTEM = f"{BASE}/CodeSystem/task-kind"
REASON_SYSTEM = f"{BASE}/CodeSystem/task-reason"
INPUT_SYSTEM = f"{BASE}/CodeSystem/task-input"
CATEGORY_SYSTEM = f"{BASE}/CodeSystem/data-category"
PURPOSE_SYSTEM = f"{BASE}/CodeSystem/consent-purpose"
COLLECTION_EXTENSION = f"{BASE}/StructureDefinition/consent-collection-method"
SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope"
PARTICIPATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
LOINC = "http://loinc.org"
FHIR_VERSION = "4.0.1"
SECURITY_TEXT = (
    "A client certificate (CN = organisation code) or an OAuth 2.0 client-credentials token"
)

TO_FHIR_STATUS = {
    TaskStatus.RECEIVED: "received",
    TaskStatus.ACCEPTED: "accepted",
    TaskStatus.REJECTED: "rejected",
    TaskStatus.IN_PROGRESS: "in-progress",
    TaskStatus.COMPLETED: "completed",
}
FROM_FHIR_STATUS = {fhir: status for status, fhir in TO_FHIR_STATUS.items()}
TO_FHIR_PRIORITY = {Priority.NORMAL: "routine", Priority.HIGH: "urgent", Priority.URGENT: "asap"}


def fhir_status(status: TaskStatus | None, superseded: bool) -> str:
    """A task nobody answered yet is `requested`; one a later task replaced is `cancelled`."""
    if superseded:
        return "cancelled"
    return "requested" if status is None else TO_FHIR_STATUS[status]


def core_status(fhir: str) -> TaskStatus:
    """The TaskStatus a FHIR task status reports; a 422 problem for the others."""
    status = FROM_FHIR_STATUS.get(fhir)
    if status is None:
        raise ProblemError(
            "unsupported-status",
            "Unsupported task status",
            422,
            "status must be one of " + ", ".join(sorted(FROM_FHIR_STATUS)),
        )
    return status


def _org(code: str) -> dict[str, Any]:
    return {"type": "Organization", "identifier": {"system": ORGANISATION_SYSTEM, "value": code}}


def _coding(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _values(value: Any) -> list[dict[str, Any]]:
    """FHIR `value[x]` entries for one payload value (lists give one entry per item)."""
    if isinstance(value, list):
        return [entry for item in value for entry in _values(item)]
    if isinstance(value, BaseModel):
        return [{"valueString": ":".join(str(v) for v in value.model_dump(mode="json").values())}]
    if isinstance(value, datetime):
        return [{"valueDateTime": value.isoformat()}]
    if isinstance(value, date):
        return [{"valueDate": value.isoformat()}]
    return [{"valueString": str(value)}]


def _inputs(payload: TaskPayload) -> list[dict[str, Any]]:
    return [
        {"type": _coding(INPUT_SYSTEM, name), **value}
        for name in TaskPayload.model_fields
        if (field := getattr(payload, name)) is not None and name != "identity_code"
        for value in _values(field)
    ]


def _subject(task: Task) -> dict[str, Any]:
    code = task.payload.identity_code
    if code is not None:
        return {"type": "Patient", "identifier": {"system": IDENTITY_CODE_SYSTEM, "value": code}}
    return {
        "type": "Patient",
        "identifier": {"system": PERSON_REF_SYSTEM, "value": task.person_ref},
    }


def to_fhir_task(
    task: Task, status: TaskStatus | None = None, superseded: bool = False
) -> FhirTask:
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": fhir_id(task.task_id),
        "identifier": [{"system": TASK_SYSTEM, "value": task.task_id}],
        "status": fhir_status(status, superseded),
        "intent": "order",
        "priority": TO_FHIR_PRIORITY[task.priority],
        "code": _coding(TASK_KIND_SYSTEM, task.kind.value),
        "for": _subject(task),
        "authoredOn": task.created_at.isoformat(),
        "owner": _org(task.recipient_org),
        "reasonCode": _coding(REASON_SYSTEM, task.reason_code),
        "restriction": {"period": {"end": task.due_at.isoformat()}},
    }
    referral = task.referral_id
    if referral:
        resource["basedOn"] = [
            {"type": "ServiceRequest", "identifier": {"system": REFERRAL_SYSTEM, "value": referral}}
        ]
    inputs = _inputs(task.payload)
    if inputs:
        resource["input"] = inputs
    return FhirTask.model_validate(resource)


def fhir_id(task_id: str) -> str:
    """FHIR ids are [A-Za-z0-9-.]{1,64}: task ids already are; anything else is mapped."""
    cleaned = "".join(c if c.isalnum() or c in "-." else "-" for c in task_id)
    return cleaned[:64]


def search_bundle(resources: list[FhirTask], self_url: str) -> Bundle:
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(resources),
            "link": [{"relation": "self", "url": self_url}],
            "entry": [
                {
                    "fullUrl": f"{BASE}/Task/{r.id}",
                    "resource": r.model_dump(mode="json"),
                    "search": {"mode": "match"},
                }
                for r in resources
            ],
        }
    )


def consent_resource(body: Any) -> Consent:
    """A FHIR Consent from a request body, or the 422 problem naming what is wrong."""
    try:
        return Consent.model_validate(body)
    except (ValidationError, ValueError, TypeError) as error:
        raise ProblemError(
            "invalid-resource",
            "Invalid FHIR resource",
            422,
            "the body is not a valid FHIR R4 Consent",
            _locations(error),
        ) from error


def task_resource(body: Any) -> FhirTask:
    try:
        return FhirTask.model_validate(body)
    except (ValidationError, ValueError, TypeError) as error:
        raise ProblemError(
            "invalid-resource",
            "Invalid FHIR resource",
            422,
            "the body is not a valid FHIR R4 Task",
            _locations(error),
        ) from error


def _locations(error: Exception) -> list[str] | None:
    if isinstance(error, ValidationError):
        return sorted(
            {".".join(str(p) for p in e["loc"]) + ":" + e["type"] for e in error.errors()}
        )
    return None


def _unusable(detail: str) -> ProblemError:
    return ProblemError("unusable-consent", "Consent cannot be recorded", 422, detail)


def _codes(concepts: Any, system: str) -> list[str]:
    return [c.code for c in concepts or [] if c.system == system and c.code]


def consent_given(consent: Consent, caller: str) -> ConsentGiven:
    """The ConsentGiven a FHIR Consent records (scope patient-privacy, one permit provision)."""
    if "patient-privacy" not in _codes(consent.scope.coding if consent.scope else [], SCOPE_SYSTEM):
        raise _unusable("scope must be patient-privacy")
    provision = consent.provision
    if provision is None or provision.type != "permit" or provision.period is None:
        raise _unusable("provision must be a permit with a period")
    if provision.period.start is None or provision.period.end is None:
        raise _unusable("provision.period needs a start and an end")
    consent_ids = [i.value for i in consent.identifier or [] if i.system == CONSENT_SYSTEM]
    if len(consent_ids) != 1:
        raise _unusable(f"exactly one identifier of system {CONSENT_SYSTEM} is needed")
    recipients = [
        actor.reference.identifier.value
        for actor in provision.actor or []
        if actor.reference.identifier is not None
        and actor.reference.identifier.system == ORGANISATION_SYSTEM
        and "IRCP" in _codes(actor.role.coding, PARTICIPATION_SYSTEM)
    ]
    categories = _codes(provision.class_fhir, CATEGORY_SYSTEM)
    purposes = _codes(provision.purpose, PURPOSE_SYSTEM)
    if not recipients or not categories or len(purposes) != 1:
        raise _unusable("provision needs recipient actors (IRCP), data classes and one purpose")
    if consent.dateTime is None:
        raise _unusable("dateTime is required")
    try:
        category_values = [Category(c) for c in categories]
        method = ConsentCollection(_collection_method(consent))
    except ValueError as error:
        raise _unusable("a data class or the collection method is not a known code") from error
    subject = _patient(consent)
    return ConsentGiven(
        event_id=f"fhir-consent-{consent_ids[0]}"[:100],
        occurred_at=consent.dateTime,
        source_org=caller,
        consent_id=str(consent_ids[0]),
        categories=category_values,
        recipients=[str(r) for r in recipients],
        purpose=purposes[0],
        valid_from=_day(provision.period.start),
        valid_until=_day(provision.period.end),
        collection_method=method,
        **subject,
    )


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else date.fromisoformat(str(value)[:10])


def _collection_method(consent: Consent) -> str:
    for extension in consent.extension or []:
        if extension.url == COLLECTION_EXTENSION and extension.valueCode:
            return str(extension.valueCode)
    raise _unusable(f"the extension {COLLECTION_EXTENSION} (valueCode) is required")


def _patient(consent: Consent) -> dict[str, str]:
    identifier = consent.patient.identifier if consent.patient else None
    if identifier is None or not identifier.value:
        raise _unusable("patient must be given by identifier")
    if identifier.system == IDENTITY_CODE_SYSTEM:
        return {"identity_code": str(identifier.value)}
    if identifier.system == PERSON_REF_SYSTEM:
        return {"person_ref": str(identifier.value)}
    raise _unusable(f"patient.identifier.system must be {IDENTITY_CODE_SYSTEM} or person-ref")


def to_fhir_consent(event: ConsentGiven) -> Consent:
    """The FHIR Consent that records a ConsentGiven (the inverse of `consent_given`)."""
    patient = (
        {"system": IDENTITY_CODE_SYSTEM, "value": event.identity_code}
        if event.identity_code
        else {"system": PERSON_REF_SYSTEM, "value": event.person_ref}
    )
    return Consent.model_validate(
        {
            "resourceType": "Consent",
            "id": fhir_id(event.consent_id),
            "extension": [
                {"url": COLLECTION_EXTENSION, "valueCode": event.collection_method.value}
            ],
            "identifier": [{"system": CONSENT_SYSTEM, "value": event.consent_id}],
            "status": "active",
            "scope": _coding(SCOPE_SYSTEM, "patient-privacy"),
            "category": [_coding(LOINC, "59284-0")],
            "patient": {"type": "Patient", "identifier": patient},
            "dateTime": event.occurred_at.isoformat(),
            "organization": [_org(event.source_org)],
            "policyRule": _coding(ACT_CODE_SYSTEM, "OPTIN"),
            "provision": {
                "type": "permit",
                "period": {
                    "start": event.valid_from.isoformat(),
                    "end": event.valid_until.isoformat(),
                },
                "actor": [
                    {"role": _coding(PARTICIPATION_SYSTEM, "IRCP"), "reference": _org(org)}
                    for org in event.recipients
                ],
                "purpose": [{"system": PURPOSE_SYSTEM, "code": event.purpose}],
                "class": [{"system": CATEGORY_SYSTEM, "code": c.value} for c in event.categories],
            },
        }
    )


def capability_statement(published: str) -> CapabilityStatement:
    """What /fhir serves: Task search, update and patch of status; Consent create."""
    return CapabilityStatement.model_validate(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": published,
            "publisher": "Jatkumo",
            "kind": "instance",
            "software": {"name": "Jatkumo gateway"},
            "implementation": {"description": "Jatkumo HTTPS and FHIR R4 gateway"},
            "fhirVersion": FHIR_VERSION,
            "format": ["json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "service": [
                            _coding(
                                "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                "OAuth",
                            ),
                            _coding(
                                "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                "Certificates",
                            ),
                        ],
                        "description": SECURITY_TEXT,
                    },
                    "resource": [
                        {
                            "type": "Task",
                            "interaction": [
                                {"code": "search-type"},
                                {"code": "update"},
                                {"code": "patch"},
                            ],
                            "updateCreate": False,
                            "searchParam": [
                                {"name": "owner", "type": "reference"},
                                {"name": "status", "type": "token"},
                            ],
                        },
                        {"type": "Consent", "interaction": [{"code": "create"}]},
                    ],
                }
            ],
        }
    )
