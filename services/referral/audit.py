"""The audit of what people did about broken paths: each accepted dismissal, escalation and
county named becomes an `ActionRecord` on `audit.actions`, derived from its fact alone."""

from services.core.facts import CaseFact, FactKind
from services.core.records import ActionKind, ActionRecord

ACTIONS = {
    FactKind.ALERT_DISMISSED: ActionKind.DISMISSED,
    FactKind.ALERT_ESCALATED: ActionKind.ESCALATED,
    FactKind.RESPONSIBLE_COUNTY_NAMED: ActionKind.COUNTY_NAMED,
}


def audit_record(fact: CaseFact) -> ActionRecord | None:
    """The record of the action a fact carries out; None for every other fact."""
    action = ACTIONS.get(fact.kind)
    if action is None:
        return None
    detail, case = fact.detail, fact.case
    extra: dict[str, object] = {}
    if action == ActionKind.DISMISSED and case.dismissals:
        latest = case.dismissals[-1]
        extra = {"reason": latest.reason, "until": latest.until}
    return ActionRecord.build(
        action_id=fact.fact_id,
        action=action,
        person_ref=fact.person_ref,
        case_id=fact.case_id,
        by_org=fact.source_org,
        by_ref=detail.actor_ref or "",
        at=fact.occurred_at,
        event_id=fact.event_id,
        rule=detail.rule,
        alert_id=detail.alert_id,
        missed_deadline=detail.missed_deadline,
        county=case.responsible_area if action != ActionKind.DISMISSED else None,
        **extra,
    )


def audit_records(facts: list[CaseFact]) -> list[ActionRecord]:
    return [record for fact in facts if (record := audit_record(fact)) is not None]
