"""Inbound events: what prisons, sanctions offices, counties and NGOs publish.

Each class is one Avro record in `schemas/avro/` (generated from these models). A person is
named by `identity_code` (prisons) or by the `person_ref` a task carried (counties, NGOs).
"""

from datetime import date
from functools import cache
from typing import Annotated

from pydantic import Field

from services.core.frozen import Frozen
from services.core.timeutil import Instant
from services.core.vocabulary import (
    CaseClosure,
    Category,
    ConsentCollection,
    ConsentNotObtained,
    ContactRole,
    HousingStatus,
    Need,
    ReferralKind,
    ReleaseType,
    SentenceType,
    Shl35Ground,
    TaskStatus,
    Urgency,
)

SENSITIVE = {"sensitive": True}
"""Marks fields that are sealed before the event enters any internal topic."""


class InboundEvent(Frozen):
    event_id: Annotated[str, Field(min_length=1, max_length=100)]
    occurred_at: Instant
    source_org: str
    identity_code: Annotated[str | None, Field(json_schema_extra=SENSITIVE)] = None
    person_ref: str | None = None


class CustodyStarted(InboundEvent):
    prison: str
    sentence_type: SentenceType
    sentence_start: date
    home_municipality: str
    expected_release: date | None = None
    full_name: Annotated[str | None, Field(json_schema_extra=SENSITIVE)] = None
    phone: Annotated[str | None, Field(json_schema_extra=SENSITIVE)] = None


class ReleaseDateSet(InboundEvent):
    release_date: date
    release_type: ReleaseType


class PrisonTransferred(InboundEvent):
    from_prison: str
    to_prison: str
    transferred_on: date


class Released(InboundEvent):
    released_at: Instant
    release_type: ReleaseType
    destination_municipality: str | None = None
    housing_status: HousingStatus = HousingStatus.UNKNOWN


class ContactPersonAssigned(InboundEvent):
    role: ContactRole
    org: str
    worker_ref: str


class ContactPersonEnded(InboundEvent):
    role: ContactRole
    org: str
    worker_ref: str
    successor_worker_ref: str | None = None


class ReferralSubmitted(InboundEvent):
    """A contact with consent (SHL 35 § 1 mom.: needs a consent in force for the county), a
    notification without consent (35 § 2 mom.: needs `ground` and `consent_not_obtained`), or
    the person's own application."""

    referral_id: str
    kind: ReferralKind
    needs: list[Need] = Field(default_factory=list)
    urgency: Urgency = Urgency.NORMAL
    summary: Annotated[str | None, Field(json_schema_extra=SENSITIVE)] = None
    ground: Shl35Ground | None = None
    """For a notification without consent: which ground of 35 § 2 mom. applies."""
    consent_not_obtained: ConsentNotObtained | None = None
    """For a notification without consent: why consent could not be obtained."""


class ConsentGiven(InboundEvent):
    consent_id: str
    categories: list[Category]
    recipients: list[str]
    purpose: str
    valid_from: date
    valid_until: date
    collection_method: ConsentCollection


class ConsentWithdrawn(InboundEvent):
    consent_id: str


class ReferralAcknowledged(InboundEvent):
    referral_id: str


class AssessmentStarted(InboundEvent):
    pass


class AssessmentCompleted(InboundEvent):
    pass


class ClientPlanAgreed(InboundEvent):
    review_date: date
    network: list[str] = Field(default_factory=list)


class ClientPlanReviewed(InboundEvent):
    next_review_date: date | None = None


class CaseClosed(InboundEvent):
    reason: CaseClosure


class TaskStatusChanged(InboundEvent):
    task_id: str
    status: TaskStatus
    reason: str | None = None


INBOUND_EVENT_TYPES: tuple[type[InboundEvent], ...] = (
    CustodyStarted,
    ReleaseDateSet,
    PrisonTransferred,
    Released,
    ContactPersonAssigned,
    ContactPersonEnded,
    ReferralSubmitted,
    ConsentGiven,
    ConsentWithdrawn,
    ReferralAcknowledged,
    AssessmentStarted,
    AssessmentCompleted,
    ClientPlanAgreed,
    ClientPlanReviewed,
    CaseClosed,
    TaskStatusChanged,
)


@cache
def sensitive_fields(event_type: type[InboundEvent]) -> tuple[str, ...]:
    """The names of fields sealed at intake (identity, names, phone, free text); per type."""
    return tuple(
        name
        for name, info in event_type.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("sensitive")
    )
