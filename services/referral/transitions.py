"""Which transition handles which inbound event type on an open case."""

from collections.abc import Callable
from typing import Any

from services.core.case import CaseState
from services.core.events import (
    INBOUND_EVENT_TYPES,
    AlertDismissed,
    AlertEscalated,
    AssessmentCompleted,
    AssessmentStarted,
    CaseClosed,
    ClientDeclined,
    ClientPlanAgreed,
    ClientPlanReviewed,
    ClientPreferenceRecorded,
    ConsentGiven,
    ConsentWithdrawn,
    ContactPersonAssigned,
    ContactPersonEnded,
    CooperationRequested,
    CustodyStarted,
    InboundEvent,
    NetworkMeetingHeld,
    NetworkMeetingScheduled,
    PrisonTransferred,
    ProbationaryFreedomRevoked,
    ReferralAcknowledged,
    ReferralSubmitted,
    Released,
    ReleaseDateSet,
    ReleasePlanAgreed,
    ReleasePlanUpdated,
    ResponsibleCountyNamed,
    SupervisionOrdered,
    TaskStatusChanged,
)
from services.referral import (
    custody,
    network,
    operations,
    planning,
    service_path,
    supervision,
    voice,
)
from services.referral.change import Change
from services.referral.gate import Rejection

Transition = Callable[[Any, CaseState, str | None], Change | Rejection]

TRANSITIONS: dict[type[InboundEvent], Transition] = {
    CustodyStarted: custody.second_custody,
    ReleaseDateSet: custody.release_date_set,
    PrisonTransferred: custody.prison_transferred,
    Released: custody.released,
    CaseClosed: custody.case_closed,
    ContactPersonAssigned: network.contact_assigned,
    ContactPersonEnded: network.contact_ended,
    ConsentGiven: network.consent_given,
    ConsentWithdrawn: network.consent_withdrawn,
    ReferralSubmitted: service_path.referral_submitted,
    ReferralAcknowledged: service_path.referral_acknowledged,
    AssessmentStarted: service_path.assessment_started,
    AssessmentCompleted: service_path.assessment_completed,
    ClientPlanAgreed: planning.plan_agreed,
    ClientPlanReviewed: planning.plan_reviewed,
    TaskStatusChanged: service_path.task_status_changed,
    ReleasePlanAgreed: planning.release_plan_agreed,
    ReleasePlanUpdated: planning.release_plan_updated,
    CooperationRequested: planning.cooperation_requested,
    NetworkMeetingScheduled: planning.meeting_scheduled,
    NetworkMeetingHeld: planning.meeting_held,
    ProbationaryFreedomRevoked: supervision.freedom_revoked,
    SupervisionOrdered: supervision.supervision_ordered,
    ClientPreferenceRecorded: voice.preference_recorded,
    ClientDeclined: voice.client_declined,
    AlertDismissed: voice.alert_dismissed,
    AlertEscalated: operations.alert_escalated,
    ResponsibleCountyNamed: operations.responsible_county_named,
}
assert set(TRANSITIONS) == set(INBOUND_EVENT_TYPES), "every inbound event type needs a transition"


def transition(event: InboundEvent, case: CaseState, sealed: str | None) -> Change | Rejection:
    """Apply one event to an open (in custody or released) case."""
    return TRANSITIONS[type(event)](event, case, sealed)
