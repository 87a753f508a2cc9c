"""Records of what the service did: disclosures, erasures, alerts and dead letters."""

from datetime import date
from enum import StrEnum

from pydantic import Field

from services.core.frozen import Frozen
from services.core.tasks import Basis, TaskKind
from services.core.timeutil import Instant
from services.core.vocabulary import Category, DismissalReason


class DisclosureRecord(Frozen):
    """Who received what about a person, under which basis and rules version."""

    disclosure_id: str
    task_id: str
    task_kind: TaskKind
    person_ref: str
    case_id: str
    recipient_org: str
    categories: list[Category]
    bases: list[Basis]
    consent_ids: list[str] = Field(default_factory=list)
    rules_version: str
    disclosed_at: Instant
    internal_use: bool = False
    """True when the recipient is a unit of the controller that holds the data (the Criminal
    Sanctions Agency's prisons and offices): recorded, but not a disclosure to a third party."""


class ErasureReason(StrEnum):
    REQUEST = "request"
    """The person asked (GDPR art. 17), and an operator ran `jatkumo erase`."""
    RETENTION = "retention"
    """The case was closed for longer than the closed-case retention."""


class Erasure(Frozen):
    """A person's state is forgotten: on `erasures` every service deletes its table entries;
    on the audit topic, pseudonymously, that an erasure was done, when and by whom."""

    erasure_id: str
    person_ref: str
    reason: ErasureReason
    requested_at: Instant
    requested_by: str
    """The principal or service that asked (never a person's identity)."""


class AlertRule(StrEnum):
    NO_CONTACT_BEFORE_RELEASE = "no_contact_before_release"
    REFERRAL_NOT_ACKNOWLEDGED = "referral_not_acknowledged"
    ASSESSMENT_NOT_STARTED = "assessment_not_started"
    NO_NAMED_WORKER_AT_RELEASE = "no_named_worker_at_release"
    NO_CLIENT_PLAN = "no_client_plan"
    CONTACT_VACANCY = "contact_vacancy"
    TASK_NOT_ACCEPTED = "task_not_accepted"
    PLAN_REVIEW_OVERDUE = "plan_review_overdue"
    RELEASE_MOVED_EARLIER = "release_moved_earlier"
    CONTACT_LOST = "contact_lost"
    CONSENT_LAPSED = "consent_lapsed"
    ROUTING_PROBLEM = "routing_problem"
    NO_BASIS_TO_CONTACT = "no_basis_to_contact"
    NO_RELEASE_PLAN = "no_release_plan"
    INVITATION_NOT_ANSWERED = "invitation_not_answered"
    NO_HOUSING_AT_RELEASE = "no_housing_at_release"
    WEBHOOK_FAILING = "webhook_failing"
    """An organisation's webhook has failed for longer than the gateway's threshold: about the
    organisation, not a person (`person_ref` and `case_id` empty, `subject` the organisation)."""


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class AlertState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"
    """Closed by a person with a reason (`AlertDismissed`); it stays closed until its cause
    changes."""


class Alert(Frozen):
    """A broken service path: opens once, resolves itself when the condition clears."""

    alert_id: str
    rule: AlertRule
    state: AlertState
    person_ref: str
    """Empty for an alert about an organisation rather than a person (see `is_about_org`)."""
    case_id: str
    area: str | None
    severity: Severity
    opened_at: Instant
    resolved_at: Instant | None = None
    subject: str | None = None
    """What the rule is about within the case (a task id, a role), never personal data."""
    identity_temporary: bool = False
    """The person is known only by a temporary identity code (see `CaseState`)."""
    dismissal_reason: DismissalReason | None = None
    dismissed_by_org: str | None = None


class ActionKind(StrEnum):
    """What a person did about a broken path (besides the path's own events)."""

    DISMISSED = "dismissed"
    ESCALATED = "escalated"
    COUNTY_NAMED = "county_named"


class ActionRecord(Frozen):
    """The audit of one accepted dismissal, escalation or county named: who (organisation and
    pseudonymous reference), what, about which case, when. Never a name or free text."""

    action_id: str
    action: ActionKind
    person_ref: str
    case_id: str
    by_org: str
    by_ref: str
    at: Instant
    event_id: str
    rule: str | None = None
    reason: DismissalReason | None = None
    until: date | None = None
    alert_id: str | None = None
    missed_deadline: Instant | None = None
    county: str | None = None
    """The county named (county_named) or responsible (escalated)."""


ORG_RULES = frozenset({AlertRule.WEBHOOK_FAILING})
"""The rules about an organisation rather than a person's case (none is dismissed per case)."""


def is_about_org(alert: Alert) -> bool:
    """An organisation-level alert (e.g. `webhook_failing`): no person, no case, no county."""
    return not alert.person_ref


class DeadLetter(Frozen):
    """A message that could not be processed, with everything needed to replay it."""

    dead_letter_id: str
    stage: str
    reason_code: str
    detail: str
    topic: str
    partition: int
    offset: int
    original: bytes
    original_key: bytes | None = None
    at: Instant
