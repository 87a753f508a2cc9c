"""Draft payloads: everything relevant about the case; the policy strips what has no basis."""

from services.core.case import CaseState, Referral
from services.core.drafts import PersonalDetails
from services.core.tasks import PayloadContact, TaskPayload
from services.core.vocabulary import Need, TaskStatus, split_needs
from services.handover.state import HandoverState

CLOSED_STATUSES = frozenset({TaskStatus.COMPLETED, TaskStatus.REJECTED})

IDENTITY_FIELDS = ("identity_code", "full_name")
SCHEDULE_FIELDS = ("release_date", "release_type", "previous_release_date")


def focus_referral(case: CaseState, referral_id: str | None) -> Referral | None:
    """The referral a fact is about, else the newest one."""
    if referral_id is not None:
        named = [r for r in case.referrals if r.referral_id == referral_id]
        if named:
            return named[0]
    return case.referrals[-1] if case.referrals else None


def _needs(case: CaseState) -> list[Need]:
    needs: list[Need] = []
    for referral in case.referrals:
        needs.extend(need for need in referral.needs if need not in needs)
    return needs


def _assessment_status(case: CaseState) -> str:
    if case.assessment_completed_at is not None:
        return "completed"
    if case.assessment_started_at is not None:
        return "started"
    return "not_started"


def _open_task_kinds(case: CaseState, state: HandoverState) -> list[str]:
    kinds = {
        ref.kind.value
        for ref in state.active(case.case_id)
        if case.task_statuses.get(ref.task_id) not in CLOSED_STATUSES
    }
    return sorted(kinds)


def case_summary(
    case: CaseState,
    personal: PersonalDetails,
    state: HandoverState,
    referral_id: str | None = None,
) -> TaskPayload:
    """The whole picture a receiving worker would want; each field is filtered by the policy."""
    referral = focus_referral(case, referral_id)
    needs, health_needs = split_needs(_needs(case))
    return TaskPayload.build(
        identity_code=personal.identity_code,
        full_name=personal.full_name,
        phone=personal.phone,
        release_date=case.release_date or case.expected_release,
        release_type=case.release_type,
        previous_release_date=None,
        released_at=case.released_at,
        prison=case.prison,
        destination_municipality=case.destination_municipality,
        housing_status=case.housing_status,
        sentence_type=case.sentence_type,
        needs=needs or None,
        health_needs=health_needs or None,
        urgency=referral.urgency if referral else None,
        referral_summary=(
            personal.referral_summaries.get(referral.referral_id) if referral else None
        ),
        contact_persons=[
            PayloadContact.build(role=c.role, org=c.org, worker_ref=c.worker_ref)
            for c in case.contacts
        ]
        or None,
        plan_review_date=case.plan.review_date if case.plan else None,
        plan_network=list(case.plan.network) if case.plan else None,
        referral_status=referral_status(referral),
        assessment_status=_assessment_status(case),
        open_task_kinds=_open_task_kinds(case, state) or None,
    )


def referral_status(referral: Referral | None) -> str | None:
    if referral is None:
        return None
    return "acknowledged" if referral.acknowledged_at is not None else "submitted"


def only(payload: TaskPayload, *fields: str) -> TaskPayload:
    """The payload with every field outside `fields` emptied."""
    return TaskPayload.build(**{name: getattr(payload, name) for name in fields})


def empty() -> TaskPayload:
    return TaskPayload.build()
