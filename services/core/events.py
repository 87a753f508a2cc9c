"""Inbound events: what prisons, sanctions offices, counties and NGOs publish.

Each class is one Avro record in `schemas/avro/` (generated from these models). A person is
named by `identity_code` (prisons) or by the `person_ref` a task carried (counties, NGOs).
"""

from datetime import date
from functools import cache
from typing import Annotated

from pydantic import Field

from services.core.case import MeetingParticipant, PlannedService
from services.core.frozen import Frozen
from services.core.timeutil import Instant
from services.core.vocabulary import (
    CaseClosure,
    Category,
    ConsentCollection,
    ConsentNotObtained,
    ContactChannel,
    ContactRole,
    CooperationPurpose,
    Declined,
    DeclineReason,
    DismissalReason,
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
    """A client plan (SHL 39 §). A case may hold several side by side, one per `plan_id`; a plan
    agreed again under the same id replaces that plan only."""

    review_date: date
    network: list[str] = Field(default_factory=list)
    plan_id: str | None = None
    """None names the case's main plan (the only plan of senders that keep one)."""
    service: Need | None = None
    """The need the plan is for, when it is one of several service-specific plans."""


class ClientPlanReviewed(InboundEvent):
    next_review_date: date | None = None
    plan_id: str | None = None


class ReleasePlanAgreed(InboundEvent):
    """The release plan (Imprisonment Act 767/2005 ch. 4 §§ 6-7), drawn up with the prisoner;
    the organisations it names hear of it only on a basis (in practice, the client's consent)."""

    plan_id: str
    agreed_with_client: bool
    services: list[PlannedService] = Field(default_factory=list)
    responsible_orgs: list[str] = Field(default_factory=list)
    """Organisations the plan relies on besides those named for a service."""
    review_date: date | None = None


class ReleasePlanUpdated(ReleasePlanAgreed):
    """The same plan (by `plan_id`) revised; it replaces the plan as agreed before."""


class CooperationRequested(InboundEvent):
    """SHL 41 §: the county asks another authority or organisation to take part in assessing
    the need or planning the services."""

    request_id: str
    invited_org: str
    purpose: CooperationPurpose
    respond_by: date | None = None


class NetworkMeetingScheduled(InboundEvent):
    meeting_id: str
    meeting_on: date
    participants: list[MeetingParticipant] = Field(default_factory=list)
    client_present: bool = True
    """Whether the client is to take part."""


class NetworkMeetingHeld(InboundEvent):
    meeting_id: str
    held_on: date
    participants: list[MeetingParticipant] = Field(default_factory=list)
    """Who took part."""
    client_present: bool = False


class ProbationaryFreedomRevoked(InboundEvent):
    """Supervised probationary freedom (valvottu koevapaus) ended: back to custody."""

    revoked_on: date
    prison: str | None = None
    """The prison the person returns to; None keeps the prison that supervised the freedom."""


class SupervisionOrdered(InboundEvent):
    """Conditional release with supervision: the supervising community sanctions office."""

    supervision_start: date
    supervision_end: date
    supervising_office: str


class ClientPreferenceRecorded(InboundEvent):
    """What the client wants (SHL 36 §): services wanted now, refused, or wanted later."""

    wants: list[Need] = Field(default_factory=list)
    refuses: list[Need] = Field(default_factory=list)
    wants_later: list[Need] = Field(default_factory=list)
    contact_channel: ContactChannel | None = None
    wants_to_attend_meeting: bool | None = None


class ClientDeclined(InboundEvent):
    """The client refused a service (for one need) or being contacted at all."""

    declined: Declined
    need: Need | None = None
    """The need whose service was refused; None when contact was refused."""
    reason: DeclineReason = DeclineReason.NOT_WANTED


class AlertDismissed(InboundEvent):
    """An open alert resolved as justified by the responsible organisation or an operator; it
    stays closed until `until` or until its cause changes."""

    rule: str
    reason: DismissalReason
    dismissed_by: str
    """The worker's or operator's pseudonymous reference, never a name."""
    until: date | None = None


class AlertEscalated(InboundEvent):
    """An operator escalates an open alert to the organisation responsible for the path: a
    `path_escalation` task that names the rule and the deadline missed (operators only)."""

    alert_id: Annotated[str, Field(min_length=1, max_length=100)]
    rule: str
    missed_deadline: Instant
    """When the alert opened: the moment the rule's deadline passed."""
    escalated_by: str
    """The operator's pseudonymous reference, never a name."""


class ResponsibleCountyNamed(InboundEvent):
    """An operator resolves a routing problem by naming the responsible wellbeing services
    county (operators only); the case is then routed to it and its tasks flow."""

    county: str
    named_by: str
    """The operator's pseudonymous reference, never a name."""


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
    ReleasePlanAgreed,
    ReleasePlanUpdated,
    CooperationRequested,
    NetworkMeetingScheduled,
    NetworkMeetingHeld,
    ProbationaryFreedomRevoked,
    SupervisionOrdered,
    ClientPreferenceRecorded,
    ClientDeclined,
    AlertDismissed,
    AlertEscalated,
    ResponsibleCountyNamed,
)


@cache
def sensitive_fields(event_type: type[InboundEvent]) -> tuple[str, ...]:
    """The names of fields sealed at intake (identity, names, phone, free text); per type."""
    return tuple(
        name
        for name, info in event_type.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("sensitive")
    )
