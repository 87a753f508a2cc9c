"""The case registry's state: one CaseState per person and custody period."""

from datetime import date
from enum import StrEnum

from pydantic import Field

from services.core.frozen import Frozen
from services.core.timeutil import Instant
from services.core.vocabulary import (
    Category,
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


class CaseStatus(StrEnum):
    IN_CUSTODY = "in_custody"
    RELEASED = "released"
    CLOSED = "closed"


class ContactPerson(Frozen):
    role: ContactRole
    org: str
    worker_ref: str
    since: Instant


class Vacancy(Frozen):
    """A contact person left and nobody has taken over yet."""

    role: ContactRole
    org: str
    since: Instant


class Referral(Frozen):
    referral_id: str
    kind: ReferralKind
    submitted_by: str
    submitted_at: Instant
    needs: list[Need] = Field(default_factory=list)
    urgency: Urgency = Urgency.NORMAL
    sealed_summary: str | None = None
    """The free-text summary, sealed at intake; opened only inside a permitted task."""
    acknowledged_at: Instant | None = None
    ground: Shl35Ground | None = None
    """The 35 § 2 mom. ground of a notification without consent."""
    consent_not_obtained: ConsentNotObtained | None = None
    consent_id: str | None = None
    """The consent a contact with consent rested on when it was accepted."""


class Consent(Frozen):
    consent_id: str
    given_by_org: str
    categories: list[Category]
    recipients: list[str]
    purpose: str
    valid_from: date
    valid_until: date
    withdrawn_at: Instant | None = None
    given_at: Instant | None = None
    """When the consent was recorded (the event's `occurred_at`)."""

    def in_force(self, on: date) -> bool:
        return self.withdrawn_at is None and self.valid_from <= on <= self.valid_until


class ClientPlan(Frozen):
    agreed_at: Instant
    review_date: date
    network: list[str] = Field(default_factory=list)
    reviewed_at: Instant | None = None


class CaseState(Frozen):
    case_id: str
    person_ref: str
    status: CaseStatus
    opened_at: Instant
    sealed_identity: str | None = None
    """Identity code, name and phone sealed at intake; never readable on internal topics."""
    identity_temporary: bool = False
    """The person is known by a temporary identity code (individual number 900-999), which is
    unique only within its issuing controller; operators see the flag."""
    prison: str | None = None
    sentence_type: SentenceType | None = None
    sentence_start: date | None = None
    expected_release: date | None = None
    release_date: date | None = None
    release_type: ReleaseType | None = None
    release_date_decided_at: Instant | None = None
    released_at: Instant | None = None
    destination_municipality: str | None = None
    housing_status: HousingStatus | None = None
    home_municipality: str | None = None
    responsible_area: str | None = None
    """The county organisation (`county-NN`) responsible; None while routing is unresolved."""
    routing_problem: str | None = None
    referrals: list[Referral] = Field(default_factory=list)
    assessment_started_at: Instant | None = None
    assessment_completed_at: Instant | None = None
    contacts: list[ContactPerson] = Field(default_factory=list)
    vacancies: list[Vacancy] = Field(default_factory=list)
    plan: ClientPlan | None = None
    consents: list[Consent] = Field(default_factory=list)
    task_statuses: dict[str, TaskStatus] = Field(default_factory=dict)
    closed_at: Instant | None = None
    last_event_at: Instant | None = None

    def named_worker(self) -> ContactPerson | None:
        return next((c for c in self.contacts if c.role == ContactRole.NAMED_WORKER), None)

    def active_consents(self, on: date) -> list[Consent]:
        return [c for c in self.consents if c.in_force(on)]
