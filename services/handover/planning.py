"""Tasks of the operating model: the release plan to the organisations it names, SHL 41 §
cooperation requests and meeting invitations, probationary freedom revoked, the supervision
order to its office, and the client's refusal to the network.

Every draft still goes through the one sharing decision: the release plan is made "with the
prisoner's consent" towards other authorities (Imprisonment Act 767/2005 ch. 4 § 7), so an
organisation it names hears of it only on a basis; a recipient with none gets nothing.
"""

from services.core.drafts import TaskDraft
from services.core.policy import Purpose
from services.core.task_ids import cooperation_trigger
from services.core.tasks import Priority, TaskKind
from services.core.vocabulary import Declined, split_needs
from services.handover.context import Context
from services.handover.network import network_orgs
from services.handover.payloads import IDENTITY_FIELDS, SCHEDULE_FIELDS, only

REFUSAL_FIELDS = (*IDENTITY_FIELDS, "declined_needs", "contact_refused")


def on_release_plan(ctx: Context) -> list[TaskDraft]:
    """Each organisation the plan names (but the prison that made it) gets the plan with the
    needs it is responsible for."""
    plan = ctx.case.release_plan
    if plan is None:
        return []
    due = ctx.due_in_working_days(ctx.settings.notice_working_days)
    drafts = []
    for org in plan.named_orgs():
        if org == ctx.fact.source_org:
            continue
        needs, health = split_needs([s.need for s in plan.services if s.org == org])
        payload = ctx.summary().model_copy(
            update={
                "needs": needs or None,
                "health_needs": health or None,
                "release_plan_agreed_with_client": plan.agreed_with_client,
            }
        )
        drafts.append(
            ctx.draft(
                TaskKind.RELEASE_PLAN,
                org,
                reason_code=ctx.fact.kind.value,
                due_at=due,
                payload=payload,
                supersedes=ctx.supersedable((TaskKind.RELEASE_PLAN,), org),
            )
        )
    return drafts


def on_cooperation_requested(ctx: Context) -> list[TaskDraft]:
    """The invited organisation is asked to take part (SHL 41 §), answering by `respond_by`."""
    request_id = ctx.fact.detail.request_id
    request = next((r for r in ctx.case.cooperation_requests if r.request_id == request_id), None)
    if request is None:
        return []
    due = (
        ctx.due_on(request.respond_by)
        if request.respond_by is not None
        else ctx.due_in_working_days(ctx.settings.invitation_working_days)
    )
    payload = ctx.summary().model_copy(update={"cooperation_purpose": request.purpose.value})
    return [
        ctx.draft(
            TaskKind.COOPERATION_REQUEST,
            request.invited_org,
            reason_code=request.purpose.value,
            due_at=due,
            payload=payload,
            trigger=cooperation_trigger(request.request_id),
        )
    ]


def on_meeting_scheduled(ctx: Context) -> list[TaskDraft]:
    """Each participating organisation but the county that calls the meeting is invited."""
    meeting_id = ctx.fact.detail.meeting_id
    meeting = next((m for m in ctx.case.meetings if m.meeting_id == meeting_id), None)
    if meeting is None:
        return []
    due = ctx.due_in_working_days(ctx.settings.invitation_working_days)
    payload = ctx.summary().model_copy(update={"meeting_date": meeting.meeting_on})
    invited = dict.fromkeys(p.org for p in meeting.participants if p.org != ctx.fact.source_org)
    return [
        ctx.draft(
            TaskKind.MEETING_INVITATION,
            org,
            reason_code="network_meeting",
            due_at=due,
            payload=payload,
            trigger=f"meeting:{meeting.meeting_id}:{meeting.meeting_on.isoformat()}",
            supersedes=ctx.supersedable((TaskKind.MEETING_INVITATION,), org),
        )
        for org in invited
    ]


def on_freedom_revoked(ctx: Context) -> list[TaskDraft]:
    """Back in custody: the county and the network hear of it; the county's release work
    waits for the next date."""
    due = ctx.due_in_working_days(ctx.settings.notice_working_days)
    summary = ctx.summary()
    county = ctx.case.responsible_area
    return [
        ctx.draft(
            TaskKind.PROBATIONARY_FREEDOM_REVOKED,
            org,
            reason_code="probationary_freedom_revoked",
            due_at=due,
            payload=summary if org == county else only(summary, *IDENTITY_FIELDS, "prison"),
            priority=Priority.HIGH,
        )
        for org in network_orgs(ctx.case)
        if org != ctx.fact.source_org
    ]


def on_supervision_ordered(ctx: Context) -> list[TaskDraft]:
    """The supervising community sanctions office takes the supervision over (purpose
    `supervision`); from a prison this is internal use of the Criminal Sanctions Agency."""
    supervision = ctx.case.supervision
    if supervision is None or supervision.office == ctx.fact.source_org:
        return []
    payload = ctx.summary().model_copy(
        update={"supervision_start": supervision.start, "supervision_end": supervision.end}
    )
    return [
        ctx.draft(
            TaskKind.SUPERVISION_ORDERED,
            supervision.office,
            reason_code="supervision_ordered",
            due_at=ctx.due_on(supervision.start),
            payload=payload,
            purpose=Purpose.SUPERVISION,
            priority=Priority.HIGH,
            trigger=f"supervision:{supervision.start.isoformat()}:{supervision.office}",
        )
    ]


def on_client_declined(ctx: Context) -> list[TaskDraft]:
    """The network hears what the client refused, on the bases that exist, so nobody chases a
    service the client does not want or contacts a client who refused contact."""
    voice = ctx.case.voice
    declined, _health = split_needs(voice.refuses)
    summary = ctx.summary().model_copy(
        update={
            "declined_needs": declined or None,
            "contact_refused": voice.contact_refused or None,
        }
    )
    due = ctx.due_in_working_days(ctx.settings.notice_working_days)
    return [
        ctx.draft(
            TaskKind.CLIENT_DECLINED,
            org,
            reason_code=Declined.CONTACT.value if voice.contact_refused else Declined.SERVICE.value,
            due_at=due,
            payload=only(summary, *REFUSAL_FIELDS, *SCHEDULE_FIELDS),
        )
        for org in network_orgs(ctx.case)
        if org != ctx.fact.source_org
    ]
