"""Task status back to the sender: when the recipient of a task rejects or completes it, the
organisation whose event caused the task hears the outcome (`task_outcome`), where a basis
allows (SHL 40 § 2 mom.: with the client's consent)."""

from services.core.drafts import TaskDraft
from services.core.facts import CaseFact
from services.core.policy import Purpose
from services.core.tasks import Task, TaskKind, TaskPayload
from services.core.vocabulary import TaskStatus
from services.handover.context import Context

OUTCOME_STATUSES = frozenset({TaskStatus.REJECTED, TaskStatus.COMPLETED})
"""The statuses that end a task: what the recipient finally did with it."""

NOTICE_KINDS = frozenset(
    {TaskKind.TASK_OUTCOME, TaskKind.REFERRAL_FEEDBACK, TaskKind.CONSENT_REVOKED}
)
"""Tasks that are themselves notices back: their outcome closes no loop, and telling it would
start an endless exchange of notices."""


def cause_of(fact: CaseFact, task: Task) -> tuple[str, str | None]:
    """The organisation whose event caused the task, and that event's id when the fact is it.

    A task about a referral was caused by the referral, whichever fact let it out (a consent
    recorded later, say); any other task by the fact's own event."""
    referral = next((r for r in fact.case.referrals if r.referral_id == task.referral_id), None)
    org = referral.submitted_by if task.referral_id and referral else fact.source_org
    return org, fact.event_id if fact.source_org == org else None


def outcome_trigger(task_id: str, status: TaskStatus) -> str:
    """One notice per task and outcome, however often the status is reported."""
    return f"outcome:{task_id}:{status.value}"


def on_task_status_changed(ctx: Context) -> list[TaskDraft]:
    """The task's recipient rejected or completed it: a notice to the organisation whose event
    caused it, carrying the outcome, the task's kind and that event's id; nothing else."""
    task_id, status = ctx.fact.detail.task_id, ctx.fact.detail.task_status
    if task_id is None or status not in OUTCOME_STATUSES:
        return []
    ref = ctx.state.find(task_id)
    if (
        ref is None
        or ref.kind in NOTICE_KINDS
        or ref.origin_org is None
        or ref.recipient_org != ctx.fact.source_org
        or ref.origin_org == ref.recipient_org
    ):
        return []
    payload = TaskPayload.build(
        task_outcome=status, outcome_task_kind=ref.kind.value, cause_event_id=ref.origin_event_id
    )
    return [
        ctx.draft(
            TaskKind.TASK_OUTCOME,
            ref.origin_org,
            reason_code=f"task_{status.value}",
            due_at=ctx.due_in_working_days(ctx.settings.notice_working_days),
            payload=payload,
            purpose=Purpose.REFERRAL_FEEDBACK,
            trigger=outcome_trigger(task_id, status),
            referral_id=ref.referral_id,
        )
    ]
