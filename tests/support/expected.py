"""What a stream of inbound events must produce, folded in the test process by the pure decisions.

The gate, the registry (`services.referral.decide`) and the handover (`services.handover.decide`)
run here exactly as the workers run them, one person's events in order, with `now` the event's
own time. Ids are deterministic, so the fact, task and disclosure ids found here are the ones the
workers must publish, whatever faults happen in between.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from services.core.case import CaseState
from services.core.envelopes import Origin
from services.core.events import InboundEvent
from services.core.organisations import default_registry
from services.core.policy import default_rules
from services.handover.decide import decide
from services.handover.settings import HandoverSettings
from services.handover.state import HandoverState
from services.platform.privacy import open_personal, seal_event
from services.platform.sealing import Sealer
from services.platform.settings import Settings
from services.referral.decide import PersonState, ReferralSettings, Rejection, apply, gate

ORIGIN = Origin(topic="replay", partition=0, offset=0)


@dataclass
class Expected:
    fact_ids: set[str] = field(default_factory=set)
    event_ids_with_facts: set[str] = field(default_factory=set)
    task_ids: set[str] = field(default_factory=set)
    """Every task the handover must issue (followup's time-triggered tasks are not here)."""
    disclosure_ids: set[str] = field(default_factory=set)
    final_case: dict[str, CaseState] = field(default_factory=dict)
    """Each person's case after the last fact about it, by person_ref."""
    last_fact_id: dict[str, str] = field(default_factory=dict)
    dead_letters: Counter[str] = field(default_factory=Counter)
    """Reason codes of the events the gate or the registry refuses."""
    latest_at: datetime | None = None
    """The latest event time: no worker's event clock reads later."""


def fold(events: Iterable[InboundEvent], settings: Settings | None = None) -> Expected:
    """Run the gate, the registry and the handover over `events` in the given order."""
    config = settings or Settings()
    registry = default_registry()
    sealer = Sealer(config.fernet_key)
    referral_settings = ReferralSettings(registry=registry)
    handover_settings = HandoverSettings()
    rules = default_rules()
    persons: dict[str, PersonState] = {}
    handover: dict[str, HandoverState] = {}
    expected = Expected()
    for event in events:
        expected.latest_at = max(expected.latest_at or event.occurred_at, event.occurred_at)
        verdict = gate(event, event.source_org, registry, config.person_ref_key)
        if isinstance(verdict, Rejection):
            expected.dead_letters[verdict.reason_code] += 1
            continue
        ref = verdict.person_ref
        sanitised, sealed = seal_event(event, ref, sealer)
        outcome = apply(
            persons.get(ref), sanitised, sealed, ORIGIN, referral_settings, event.occurred_at
        )
        persons[ref] = outcome.state
        expected.dead_letters.update(r.reason_code for r in outcome.rejections)
        for fact in outcome.facts:
            expected.fact_ids.add(fact.fact_id)
            expected.event_ids_with_facts.add(fact.event_id)
            expected.final_case[ref] = fact.case
            expected.last_fact_id[ref] = fact.fact_id
            result = decide(
                handover.get(ref),
                fact,
                open_personal(fact.case, sealer),
                rules,
                handover_settings,
                fact.occurred_at,
            )
            handover[ref] = result.state
            for issued in result.issued:
                expected.task_ids.add(issued.task.task_id)
                expected.disclosure_ids.add(issued.disclosure.disclosure_id)
    return expected
