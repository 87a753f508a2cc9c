"""Transitions of planning: the release plan, SHL 41 § cooperation requests, network meetings
and client plans side by side (SHL 39 §)."""

from datetime import datetime

from services.core.case import CaseState, ClientPlan, CooperationRequest, NetworkMeeting
from services.core.case import ReleasePlan as ReleasePlanState
from services.core.events import (
    ClientPlanAgreed,
    ClientPlanReviewed,
    CooperationRequested,
    NetworkMeetingHeld,
    NetworkMeetingScheduled,
    ReleasePlanAgreed,
    ReleasePlanUpdated,
)
from services.core.facts import FactDetail, FactKind
from services.referral.change import Change, one_fact, refuse
from services.referral.gate import Rejection
from services.referral.reasons import Reason


def _release_plan(event: ReleasePlanAgreed, agreed_at: datetime | None = None) -> ReleasePlanState:
    return ReleasePlanState.build(
        plan_id=event.plan_id,
        agreed_at=agreed_at or event.occurred_at,
        agreed_with_client=event.agreed_with_client,
        services=event.services,
        responsible_orgs=event.responsible_orgs,
        review_date=event.review_date,
        updated_at=event.occurred_at if agreed_at is not None else None,
    )


def release_plan_agreed(
    event: ReleasePlanAgreed, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """A plan agreed again replaces the one before (a prison keeps one release plan)."""
    changed = case.model_copy(update={"release_plan": _release_plan(event)})
    detail = FactDetail.build(plan_id=event.plan_id)
    return one_fact(changed, FactKind.RELEASE_PLAN_AGREED, detail)


def release_plan_updated(
    event: ReleasePlanUpdated, case: CaseState, sealed: str | None
) -> Change | Rejection:
    current = case.release_plan
    if current is None or current.plan_id != event.plan_id:
        return refuse(Reason.UNKNOWN_RELEASE_PLAN, "no release plan with this plan_id")
    plan = _release_plan(event, current.agreed_at)
    changed = case.model_copy(update={"release_plan": plan})
    detail = FactDetail.build(plan_id=event.plan_id)
    return one_fact(changed, FactKind.RELEASE_PLAN_UPDATED, detail)


def cooperation_requested(
    event: CooperationRequested, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """A request repeated under the same id replaces the earlier one."""
    request = CooperationRequest.build(
        request_id=event.request_id,
        invited_org=event.invited_org,
        purpose=event.purpose,
        requested_at=event.occurred_at,
        respond_by=event.respond_by,
    )
    requests = [r for r in case.cooperation_requests if r.request_id != event.request_id]
    changed = case.model_copy(update={"cooperation_requests": [*requests, request]})
    detail = FactDetail.build(request_id=event.request_id)
    return one_fact(changed, FactKind.COOPERATION_REQUESTED, detail)


def meeting_scheduled(
    event: NetworkMeetingScheduled, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """Scheduling a meeting again (same id) moves it."""
    meeting = NetworkMeeting.build(
        meeting_id=event.meeting_id,
        meeting_on=event.meeting_on,
        scheduled_at=event.occurred_at,
        participants=event.participants,
        client_present=event.client_present,
    )
    meetings = [m for m in case.meetings if m.meeting_id != event.meeting_id]
    changed = case.model_copy(update={"meetings": [*meetings, meeting]})
    detail = FactDetail.build(meeting_id=event.meeting_id)
    return one_fact(changed, FactKind.NETWORK_MEETING_SCHEDULED, detail)


def meeting_held(
    event: NetworkMeetingHeld, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """Records who took part and whether the client was there."""
    known = next((m for m in case.meetings if m.meeting_id == event.meeting_id), None)
    if known is None:
        return refuse(Reason.UNKNOWN_MEETING, "no network meeting with this meeting_id")
    held = known.model_copy(
        update={
            "held_on": event.held_on,
            "participants": event.participants,
            "client_present": event.client_present,
        }
    )
    meetings = [held if m.meeting_id == event.meeting_id else m for m in case.meetings]
    changed = case.model_copy(update={"meetings": meetings})
    detail = FactDetail.build(meeting_id=event.meeting_id)
    return one_fact(changed, FactKind.NETWORK_MEETING_HELD, detail)


def _main(plans: list[ClientPlan], current: ClientPlan | None) -> ClientPlan | None:
    """The main plan: the one without an id, else the latest agreed."""
    return next((p for p in plans if p.plan_id is None), plans[-1] if plans else current)


def plan_agreed(event: ClientPlanAgreed, case: CaseState, sealed: str | None) -> Change | Rejection:
    """A plan agreed again under the same plan id replaces that plan; others stay beside it."""
    plan = ClientPlan.build(
        agreed_at=event.occurred_at,
        review_date=event.review_date,
        network=event.network,
        plan_id=event.plan_id,
        service=event.service,
    )
    plans = [*(p for p in case.plans if p.plan_id != event.plan_id), plan]
    changed = case.model_copy(update={"plans": plans, "plan": _main(plans, plan)})
    return one_fact(changed, FactKind.PLAN_AGREED, FactDetail.build(plan_id=event.plan_id))


def plan_reviewed(
    event: ClientPlanReviewed, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """Reviews are per plan; without a next review date the current one stays."""
    plans = case.plans or ([case.plan] if case.plan is not None else [])
    target = next((p for p in plans if p.plan_id == event.plan_id), None)
    if target is None:
        return refuse(Reason.NO_CLIENT_PLAN, "the case has no client plan with this plan_id")
    reviewed = target.model_copy(
        update={
            "reviewed_at": event.occurred_at,
            "review_date": event.next_review_date or target.review_date,
        }
    )
    plans = [reviewed if p.plan_id == event.plan_id else p for p in plans]
    changed = case.model_copy(update={"plans": plans, "plan": _main(plans, reviewed)})
    return one_fact(changed, FactKind.PLAN_REVIEWED, FactDetail.build(plan_id=event.plan_id))
