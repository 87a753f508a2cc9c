"""Tasks for the organisation that must act next, and the payload fields with their categories.

Every payload field declares its data category once, here; the sharing policy reads it, and the
generated Avro schema carries it as the field attribute `category`, so the contract shows what
is sensitive.
"""

from datetime import date
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from pydantic import Field

from services.core.frozen import Frozen
from services.core.timeutil import Instant
from services.core.vocabulary import (
    Category,
    ContactRole,
    HousingStatus,
    Need,
    ReleaseType,
    SentenceType,
    TaskStatus,
    Urgency,
)


def category(value: Category) -> Any:
    """Field metadata that assigns a payload field to its data category."""
    return Field(default=None, json_schema_extra={"category": value.value})


class TaskKind(StrEnum):
    REFERRAL_RECEIVED = "referral_received"
    RELEASE_PREPARATION = "release_preparation"
    RELEASE_DATE_CHANGED = "release_date_changed"
    SHORT_SENTENCE_CONTACT = "short_sentence_contact"
    TRANSFER_NOTICE = "transfer_notice"
    CONTACT_PERSON_CHANGED = "contact_person_changed"
    ASSIGN_SUCCESSOR = "assign_successor"
    RELEASED = "released"
    REFERRAL_FEEDBACK = "referral_feedback"
    RESPONSIBLE_AREA_CHANGED = "responsible_area_changed"
    CONSENT_REVOKED = "consent_revoked"
    PLAN_REVIEW_DUE = "plan_review_due"
    FOLLOWUP_CHECK = "followup_check"
    RELEASE_IMMINENT = "release_imminent"
    RELEASE_PLAN = "release_plan"
    COOPERATION_REQUEST = "cooperation_request"
    MEETING_INVITATION = "meeting_invitation"
    PROBATIONARY_FREEDOM_REVOKED = "probationary_freedom_revoked"
    SUPERVISION_ORDERED = "supervision_ordered"
    CLIENT_DECLINED = "client_declined"
    PATH_ESCALATION = "path_escalation"
    TASK_OUTCOME = "task_outcome"
    """What the recipient of a task did with it, told to the organisation whose event caused it."""


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class BasisKind(StrEnum):
    """Why a recipient may see a category; `docs/privacy.md` cites the statute for each."""

    CONSENT = "consent"
    SHL35_NOTIFICATION = "shl35_notification"
    """SHL 1301/2014 35 § 2 mom.: a notification without consent, with its ground."""
    REGIONAL_AGREEMENT = "regional_agreement"
    INTERNAL_USE = "internal_use"
    """Units of one controller (the Criminal Sanctions Agency): not a disclosure."""
    REVOCATION_NOTICE = "revocation_notice"
    """GDPR art. 19: a recipient of earlier disclosures learns that the consent ended."""


class Basis(Frozen):
    kind: BasisKind
    ref: str
    """The consent id, the statute reference, or the agreement name."""


class PayloadContact(Frozen):
    role: ContactRole
    org: str
    worker_ref: str


class TaskPayload(Frozen):
    """Everything a task may tell its recipient; each field is in exactly one category."""

    identity_code: Annotated[str | None, category(Category.IDENTITY)]
    full_name: Annotated[str | None, category(Category.IDENTITY)]
    phone: Annotated[str | None, category(Category.CONTACT_DETAILS)]
    release_date: Annotated[date | None, category(Category.RELEASE_SCHEDULE)]
    release_type: Annotated[ReleaseType | None, category(Category.RELEASE_SCHEDULE)]
    previous_release_date: Annotated[date | None, category(Category.RELEASE_SCHEDULE)]
    released_at: Annotated[Instant | None, category(Category.RELEASE_SCHEDULE)]
    prison: Annotated[str | None, category(Category.PLACEMENT)]
    destination_municipality: Annotated[str | None, category(Category.PLACEMENT)]
    housing_status: Annotated[HousingStatus | None, category(Category.PLACEMENT)]
    sentence_type: Annotated[SentenceType | None, category(Category.SENTENCE)]
    needs: Annotated[list[Need] | None, category(Category.NEEDS)]
    """Non-health needs only; health needs travel in `health_needs`."""
    urgency: Annotated[Urgency | None, category(Category.NEEDS)]
    referral_summary: Annotated[str | None, category(Category.REFERRAL_SUMMARY)]
    contact_persons: Annotated[list[PayloadContact] | None, category(Category.CONTACT_PERSONS)]
    plan_review_date: Annotated[date | None, category(Category.CLIENT_PLAN)]
    plan_network: Annotated[list[str] | None, category(Category.CLIENT_PLAN)]
    referral_status: Annotated[str | None, category(Category.SERVICE_STATUS)]
    assessment_status: Annotated[str | None, category(Category.SERVICE_STATUS)]
    open_task_kinds: Annotated[list[str] | None, category(Category.SERVICE_STATUS)]
    health_needs: Annotated[list[Need] | None, category(Category.HEALTH)]
    """Mental health, substance use and health care needs (GDPR art. 9)."""
    release_plan_agreed_with_client: Annotated[bool | None, category(Category.CLIENT_PLAN)]
    meeting_date: Annotated[date | None, category(Category.CLIENT_PLAN)]
    cooperation_purpose: Annotated[str | None, category(Category.CLIENT_PLAN)]
    supervision_start: Annotated[date | None, category(Category.SENTENCE)]
    supervision_end: Annotated[date | None, category(Category.SENTENCE)]
    declined_needs: Annotated[list[Need] | None, category(Category.NEEDS)]
    """Non-health services the client refused (SHL 36 §): nobody should chase them."""
    contact_refused: Annotated[bool | None, category(Category.SERVICE_STATUS)]
    escalated_rule: Annotated[str | None, category(Category.SERVICE_STATUS)]
    """The alert rule a `path_escalation` reminds of."""
    missed_deadline: Annotated[Instant | None, category(Category.SERVICE_STATUS)]
    task_outcome: Annotated[TaskStatus | None, category(Category.SERVICE_STATUS)]
    """What the recipient did with the task a `task_outcome` notice is about."""
    outcome_task_kind: Annotated[str | None, category(Category.SERVICE_STATUS)]
    """The kind of that task."""
    cause_event_id: Annotated[str | None, category(Category.SERVICE_STATUS)]
    """The `event_id` of the notice's recipient's own event that caused that task."""


def field_categories() -> dict[str, Category]:
    """Payload field name -> its data category, read from the declarations above."""
    return dict(declared_categories())


@cache
def declared_categories() -> dict[str, Category]:
    """`field_categories`, shared and built once: callers must not change it."""
    result: dict[str, Category] = {}
    for name, info in TaskPayload.model_fields.items():
        extra = info.json_schema_extra
        assert isinstance(extra, dict), name
        result[name] = Category(str(extra["category"]))
    return result


class Task(Frozen):
    task_id: str
    kind: TaskKind
    case_id: str
    person_ref: str
    recipient_org: str
    created_at: Instant
    due_at: Instant
    priority: Priority
    reason_code: str
    payload: TaskPayload
    withheld_categories: list[Category] = Field(default_factory=list)
    bases: list[Basis] = Field(default_factory=list)
    rules_version: str
    recipient_worker_ref: str | None = None
    supersedes: str | None = None
    referral_id: str | None = None
    """The referral the task is about; the county acknowledges it by this id."""
