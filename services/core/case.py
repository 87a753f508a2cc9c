"""The case registry's state: one CaseState per person and custody period."""

from datetime import date
from enum import StrEnum

from pydantic import Field

from services.core.frozen import Frozen
from services.core.timeutil import Instant
from services.core.vocabulary import (
    Category,
    ConsentNotObtained,
    ContactChannel,
    ContactRole,
    CooperationPurpose,
    Declined,
    DeclineReason,
    DismissalReason,
    HousingStatus,
    Need,
    ParticipantRole,
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
    plan_id: str | None = None
    """None is the case's main plan; other ids are service-specific plans beside it."""
    service: Need | None = None


class PlannedService(Frozen):
    """One service a release plan names: the need and the organisation responsible for it."""

    need: Need
    org: str


class ReleasePlan(Frozen):
    """The prison's release plan (Imprisonment Act 767/2005 ch. 4 §§ 6-7)."""

    plan_id: str
    agreed_at: Instant
    agreed_with_client: bool
    services: list[PlannedService] = Field(default_factory=list)
    responsible_orgs: list[str] = Field(default_factory=list)
    review_date: date | None = None
    updated_at: Instant | None = None

    def named_orgs(self) -> list[str]:
        """Every organisation the plan relies on, in the order first named."""
        named: list[str] = []
        for org in (*(s.org for s in self.services), *self.responsible_orgs):
            if org not in named:
                named.append(org)
        return named


class CooperationRequest(Frozen):
    """An SHL 41 § request from the county to another organisation."""

    request_id: str
    invited_org: str
    purpose: CooperationPurpose
    requested_at: Instant
    respond_by: date | None = None


class MeetingParticipant(Frozen):
    org: str
    role: ParticipantRole


class NetworkMeeting(Frozen):
    meeting_id: str
    meeting_on: date
    scheduled_at: Instant
    participants: list[MeetingParticipant] = Field(default_factory=list)
    client_present: bool = True
    held_on: date | None = None


class Supervision(Frozen):
    """Conditional release with supervision by a community sanctions office."""

    office: str
    start: date
    end: date
    ordered_at: Instant


class ClientVoice(Frozen):
    """What the client has said they want (SHL 36 §), the latest word on each point."""

    wants: list[Need] = Field(default_factory=list)
    refuses: list[Need] = Field(default_factory=list)
    wants_later: list[Need] = Field(default_factory=list)
    contact_channel: ContactChannel | None = None
    wants_to_attend_meeting: bool | None = None
    contact_refused: bool = False
    decline_reasons: dict[str, DeclineReason] = Field(default_factory=dict)
    """Why each refused need (or `contact`) was refused, when the client gave a reason."""

    def declined(self, what: Declined, need: Need | None, reason: DeclineReason) -> "ClientVoice":
        if what == Declined.CONTACT:
            reasons = {**self.decline_reasons, Declined.CONTACT.value: reason}
            return self.model_copy(update={"contact_refused": True, "decline_reasons": reasons})
        if need is None:
            return self
        refuses = [*self.refuses, need] if need not in self.refuses else self.refuses
        wants = [n for n in self.wants if n != need]
        reasons = {**self.decline_reasons, need.value: reason}
        return self.model_copy(
            update={"refuses": refuses, "wants": wants, "decline_reasons": reasons}
        )


class Dismissal(Frozen):
    """An alert closed as justified by a person; it holds until `until` or until its cause
    changes (`cause` is what the alert's cause was when it was dismissed)."""

    rule: str
    reason: DismissalReason
    by_org: str
    dismissed_by: str
    dismissed_at: Instant
    until: date | None = None
    cause: str | None = None


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
    named_county: str | None = None
    """The county an operator named to resolve a routing problem; it stands while the
    municipalities still route nowhere."""
    referrals: list[Referral] = Field(default_factory=list)
    assessment_started_at: Instant | None = None
    assessment_completed_at: Instant | None = None
    contacts: list[ContactPerson] = Field(default_factory=list)
    vacancies: list[Vacancy] = Field(default_factory=list)
    plan: ClientPlan | None = None
    """The main client plan (the latest agreed without a plan id, or the only one)."""
    plans: list[ClientPlan] = Field(default_factory=list)
    """Every client plan side by side (SHL 39 §), the main one included."""
    release_plan: ReleasePlan | None = None
    cooperation_requests: list[CooperationRequest] = Field(default_factory=list)
    meetings: list[NetworkMeeting] = Field(default_factory=list)
    supervision: Supervision | None = None
    probationary_freedom_revoked_at: Instant | None = None
    voice: ClientVoice = Field(default_factory=ClientVoice)
    dismissals: list[Dismissal] = Field(default_factory=list)
    consents: list[Consent] = Field(default_factory=list)
    task_statuses: dict[str, TaskStatus] = Field(default_factory=dict)
    closed_at: Instant | None = None
    last_event_at: Instant | None = None

    def named_worker(self) -> ContactPerson | None:
        return next((c for c in self.contacts if c.role == ContactRole.NAMED_WORKER), None)

    def active_consents(self, on: date) -> list[Consent]:
        return [c for c in self.consents if c.in_force(on)]
