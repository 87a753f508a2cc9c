"""Transitions of what an operator does on a case: escalate an alert, name the county."""

from services.core.case import CaseState
from services.core.events import AlertEscalated, ResponsibleCountyNamed
from services.core.facts import FactDetail, FactKind
from services.referral.change import Change, Effect, refuse
from services.referral.gate import Rejection
from services.referral.reasons import Reason
from services.referral.routing import county_named, routing_changes


def alert_escalated(
    event: AlertEscalated, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """Recorded as a fact for handover to turn into a `path_escalation` task; a case with no
    responsible county has nobody to escalate to (name the county first)."""
    if case.responsible_area is None:
        return refuse(
            Reason.NO_RESPONSIBLE_ORGANISATION,
            "the case has no responsible county to escalate to; name the county first",
        )
    detail = FactDetail.build(
        rule=event.rule,
        alert_id=event.alert_id,
        missed_deadline=event.missed_deadline,
        actor_ref=event.escalated_by,
    )
    return Change(case=case, effects=[(FactKind.ALERT_ESCALATED, detail)])


def responsible_county_named(
    event: ResponsibleCountyNamed, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """Only a case whose routing failed takes a named county; the case is routed to it."""
    if case.routing_problem is None:
        return refuse(
            Reason.NO_ROUTING_PROBLEM,
            "the case is routed by its municipality; a county is named only for a routing problem",
        )
    changed = county_named(case, event.county)
    effects: list[Effect] = [
        (
            FactKind.RESPONSIBLE_COUNTY_NAMED,
            FactDetail.build(routing_reason=case.routing_problem, actor_ref=event.named_by),
        ),
        *routing_changes(case, changed),
    ]
    return Change(case=changed, effects=effects)
