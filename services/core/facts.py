"""Case facts: accepted changes to a case, published on `case-facts` keyed by `person_ref`.

Each fact carries the case as it stands after the change (event-carried state), so handover
and followup decide from the fact alone.
"""

from datetime import date
from enum import StrEnum

from services.core.case import CaseState, ContactPerson
from services.core.frozen import Frozen
from services.core.timeutil import Instant
from services.core.vocabulary import TaskStatus


class FactKind(StrEnum):
    CASE_OPENED = "case_opened"
    RELEASE_DATE_SET = "release_date_set"
    RELEASE_DATE_CHANGED = "release_date_changed"
    RELEASE_DATE_CHANGE_SUPERSEDED = "release_date_change_superseded"
    TRANSFERRED = "transferred"
    RELEASED = "released"
    CONTACT_PERSON_ASSIGNED = "contact_person_assigned"
    CONTACT_PERSON_ENDED = "contact_person_ended"
    REFERRAL_SUBMITTED = "referral_submitted"
    REFERRAL_ACKNOWLEDGED = "referral_acknowledged"
    ASSESSMENT_STARTED = "assessment_started"
    ASSESSMENT_COMPLETED = "assessment_completed"
    CONSENT_GIVEN = "consent_given"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    PLAN_AGREED = "plan_agreed"
    PLAN_REVIEWED = "plan_reviewed"
    CASE_CLOSED = "case_closed"
    TASK_STATUS_CHANGED = "task_status_changed"
    RESPONSIBLE_AREA_CHANGED = "responsible_area_changed"
    ROUTING_PROBLEM = "routing_problem"
    RELEASE_PLAN_AGREED = "release_plan_agreed"
    RELEASE_PLAN_UPDATED = "release_plan_updated"
    COOPERATION_REQUESTED = "cooperation_requested"
    NETWORK_MEETING_SCHEDULED = "network_meeting_scheduled"
    NETWORK_MEETING_HELD = "network_meeting_held"
    PROBATIONARY_FREEDOM_REVOKED = "probationary_freedom_revoked"
    SUPERVISION_ORDERED = "supervision_ordered"
    CLIENT_PREFERENCE_RECORDED = "client_preference_recorded"
    CLIENT_DECLINED = "client_declined"
    ALERT_DISMISSED = "alert_dismissed"
    ALERT_ESCALATED = "alert_escalated"
    RESPONSIBLE_COUNTY_NAMED = "responsible_county_named"


class FactDetail(Frozen):
    """What the change was, beyond the state after it."""

    previous_release_date: date | None = None
    previous_area: str | None = None
    previous_prison: str | None = None
    contact: ContactPerson | None = None
    successor_worker_ref: str | None = None
    referral_id: str | None = None
    consent_id: str | None = None
    task_id: str | None = None
    task_status: TaskStatus | None = None
    routing_reason: str | None = None
    plan_id: str | None = None
    request_id: str | None = None
    meeting_id: str | None = None
    rule: str | None = None
    """The alert rule an `alert_dismissed` fact closes or an `alert_escalated` fact escalates."""
    alert_id: str | None = None
    """The alert an `alert_escalated` fact escalates."""
    missed_deadline: Instant | None = None
    """When the escalated alert opened: the deadline its rule saw missed."""
    actor_ref: str | None = None
    """The pseudonymous reference of the worker or operator who dismissed, escalated or named."""


class CaseFact(Frozen):
    fact_id: str
    kind: FactKind
    person_ref: str
    case_id: str
    event_id: str
    source_org: str
    occurred_at: Instant
    case: CaseState
    detail: FactDetail
