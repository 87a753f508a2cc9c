"""Case facts and a decide() shortcut for handover tests."""

from datetime import datetime
from typing import Any

from services.core.case import CaseState
from services.core.facts import CaseFact, FactDetail, FactKind
from services.core.policy import IssuedTask, SharingRules
from services.handover import HandoverOutcome, HandoverSettings, HandoverState, decide
from tests.unit.policy.builders import NOW, PERSONAL, PRISON, case, rules


def fact(
    kind: FactKind,
    state: CaseState | None = None,
    *,
    fact_id: str | None = None,
    source_org: str = PRISON,
    at: datetime = NOW,
    **detail: Any,
) -> CaseFact:
    current = state or case()
    return CaseFact(
        fact_id=fact_id or f"fact-{kind.value}",
        kind=kind,
        person_ref=current.person_ref,
        case_id=current.case_id,
        event_id=f"event-{kind.value}",
        source_org=source_org,
        occurred_at=at,
        case=current,
        detail=FactDetail(**detail),
    )


def run(
    case_fact: CaseFact,
    state: HandoverState | None = None,
    *,
    sharing: SharingRules | None = None,
    settings: HandoverSettings | None = None,
    now: datetime = NOW,
) -> HandoverOutcome:
    return decide(
        state, case_fact, PERSONAL, sharing or rules(), settings or HandoverSettings(), now
    )


def to(outcome: HandoverOutcome, recipient: str) -> IssuedTask:
    """The one task issued to `recipient`."""
    matches = [i for i in outcome.issued if i.task.recipient_org == recipient]
    assert len(matches) == 1, [i.task.recipient_org for i in outcome.issued]
    return matches[0]


def recipients(outcome: HandoverOutcome) -> list[str]:
    return [i.task.recipient_org for i in outcome.issued]
