"""Tasks from what an operator did: an escalated alert reminds the responsible county."""

from services.core.drafts import TaskDraft, addressed_to_person
from services.core.escalation import escalation_draft
from services.handover.context import Context


def on_alert_escalated(ctx: Context) -> list[TaskDraft]:
    """A `path_escalation` task naming the rule and the deadline missed, for the county."""
    detail = ctx.fact.detail
    if detail.rule is None or detail.missed_deadline is None:
        return []
    draft = escalation_draft(
        ctx.case, detail.rule, detail.missed_deadline, ctx.fact.event_id, ctx.now
    )
    return [] if draft is None else [addressed_to_person(draft, ctx.personal)]
