"""Which transition handles which inbound event type on an open case."""

from collections.abc import Callable
from typing import Any

from services.core.case import CaseState
from services.core.events import (
    INBOUND_EVENT_TYPES,
    AssessmentCompleted,
    AssessmentStarted,
    CaseClosed,
    ClientPlanAgreed,
    ClientPlanReviewed,
    ConsentGiven,
    ConsentWithdrawn,
    ContactPersonAssigned,
    ContactPersonEnded,
    CustodyStarted,
    InboundEvent,
    PrisonTransferred,
    ReferralAcknowledged,
    ReferralSubmitted,
    Released,
    ReleaseDateSet,
    TaskStatusChanged,
)
from services.referral import custody, network, service_path
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
    ClientPlanAgreed: service_path.plan_agreed,
    ClientPlanReviewed: service_path.plan_reviewed,
    TaskStatusChanged: service_path.task_status_changed,
}
assert set(TRANSITIONS) == set(INBOUND_EVENT_TYPES), "every inbound event type needs a transition"


def transition(event: InboundEvent, case: CaseState, sealed: str | None) -> Change | Rejection:
    """Apply one event to an open (in custody or released) case."""
    return TRANSITIONS[type(event)](event, case, sealed)
