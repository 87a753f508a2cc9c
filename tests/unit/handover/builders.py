"""Case facts and a decide() shortcut for handover tests."""

from datetime import datetime
from typing import Any

from services.core.case import CaseState, Consent
from services.core.facts import CaseFact, FactDetail, FactKind
from services.core.policy import IssuedTask, SharingRules
from services.core.vocabulary import Category
from services.handover import HandoverOutcome, HandoverSettings, HandoverState, decide
from tests.unit.policy.builders import COUNTY, NGO, NOW, PERSONAL, PRISON, case, consent, rules

NETWORK = [COUNTY, NGO, "county-04", "county-19", "prison-turun", PRISON, "cso-ita-suomen"]
PLANNING_CATEGORIES = [
    Category.IDENTITY,
    Category.CONTACT_DETAILS,
    Category.RELEASE_SCHEDULE,
    Category.PLACEMENT,
    Category.NEEDS,
    Category.CONTACT_PERSONS,
    Category.SERVICE_STATUS,
]


def network_consent(**overrides: Any) -> Consent:
    """The client's consent for release planning with the usual network."""
    values: dict[str, Any] = {
        "consent_id": "consent-network",
        "categories": PLANNING_CATEGORIES,
        "recipients": NETWORK,
    }
    return consent(**(values | overrides))


def consented_case(**overrides: Any) -> CaseState:
    """A case whose client consented to release planning with the usual network."""
    return case(**({"consents": [network_consent()]} | overrides))


def fact(
    kind: FactKind,
    state: CaseState | None = None,
    *,
    fact_id: str | None = None,
    source_org: str = PRISON,
    at: datetime = NOW,
    **detail: Any,
) -> CaseFact:
    current = state or consented_case()
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
