"""Transitions of the service path: referral, assessment and task status (client plans are
in `planning`)."""

from services.core.calendar import local_date
from services.core.case import CaseState, Referral
from services.core.events import (
    AssessmentCompleted,
    AssessmentStarted,
    ReferralAcknowledged,
    ReferralSubmitted,
    TaskStatusChanged,
)
from services.core.facts import FactDetail, FactKind
from services.core.policy import consent_for_contact
from services.core.vocabulary import ReferralKind
from services.referral.change import Change, one_fact, refuse
from services.referral.gate import Rejection
from services.referral.reasons import Reason


def referral_submitted(
    event: ReferralSubmitted, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """The free-text summary is kept only sealed. A contact with consent records the consent it
    rests on; the registry applies it only once there is one."""
    if any(r.referral_id == event.referral_id for r in case.referrals):
        return refuse(Reason.DUPLICATE_REFERRAL, "a referral with this referral_id exists")
    consent = None
    if event.kind == ReferralKind.CONTACT_WITH_CONSENT:
        consent = consent_for_contact(case, local_date(event.occurred_at))
        if consent is None:
            return refuse(Reason.CONSENT_MISSING, "no consent in force names the county")
    referral = Referral.build(
        referral_id=event.referral_id,
        kind=event.kind,
        submitted_by=event.source_org,
        submitted_at=event.occurred_at,
        needs=event.needs,
        urgency=event.urgency,
        sealed_summary=sealed,
        ground=event.ground,
        consent_not_obtained=event.consent_not_obtained,
        consent_id=consent.consent_id if consent is not None else None,
    )
    changed = case.model_copy(update={"referrals": [*case.referrals, referral]})
    return one_fact(
        changed, FactKind.REFERRAL_SUBMITTED, FactDetail.build(referral_id=event.referral_id)
    )


def referral_acknowledged(
    event: ReferralAcknowledged, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """The first acknowledgement time stands."""
    if not any(r.referral_id == event.referral_id for r in case.referrals):
        return refuse(Reason.UNKNOWN_REFERRAL, "no referral with this referral_id on this case")
    referrals = [
        r.model_copy(update={"acknowledged_at": r.acknowledged_at or event.occurred_at})
        if r.referral_id == event.referral_id
        else r
        for r in case.referrals
    ]
    changed = case.model_copy(update={"referrals": referrals})
    return one_fact(
        changed, FactKind.REFERRAL_ACKNOWLEDGED, FactDetail.build(referral_id=event.referral_id)
    )


def assessment_started(
    event: AssessmentStarted, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """The first start time stands."""
    started = case.assessment_started_at or event.occurred_at
    changed = case.model_copy(update={"assessment_started_at": started})
    return one_fact(changed, FactKind.ASSESSMENT_STARTED)


def assessment_completed(
    event: AssessmentCompleted, case: CaseState, sealed: str | None
) -> Change | Rejection:
    changed = case.model_copy(update={"assessment_completed_at": event.occurred_at})
    return one_fact(changed, FactKind.ASSESSMENT_COMPLETED)


def task_status_changed(
    event: TaskStatusChanged, case: CaseState, sealed: str | None
) -> Change | Rejection:
    statuses = {**case.task_statuses, event.task_id: event.status}
    changed = case.model_copy(update={"task_statuses": statuses})
    detail = FactDetail.build(task_id=event.task_id, task_status=event.status)
    return one_fact(changed, FactKind.TASK_STATUS_CHANGED, detail)
