"""(d) The pure core without Kafka: every inbound event through referral (gate + apply), each
of its facts through handover's decide (the sharing policy) and followup's on_fact, on one core.

Stages are timed in CPU time of this thread (`time.thread_time`), so other processes on a busy
machine do not count against the core.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bench.workload import SECRET, Timed
from services.core.drafts import PersonalDetails
from services.core.envelopes import Origin
from services.core.events import InboundEvent, sensitive_fields
from services.core.facts import CaseFact
from services.core.policy import default_rules
from services.followup.decide import on_fact
from services.followup.levels import default_levels
from services.followup.state import FollowupState
from services.handover.decide import decide
from services.handover.settings import HandoverSettings
from services.handover.state import HandoverState
from services.platform.collector import settle_collector
from services.referral.decide import PersonState, ReferralSettings, Rejection, apply, gate
from services.referral.state import Outcome

SEALED = "sealed-in-the-shell"
"""Sealing is the shell's (encryption); the core only carries the token."""


@dataclass
class CoreResult:
    events: int = 0
    facts: int = 0
    tasks: int = 0
    rejected: int = 0
    seconds: dict[str, float] = field(
        default_factory=lambda: {"referral": 0.0, "handover": 0.0, "followup": 0.0}
    )

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def rate(self, stage: str | None = None) -> float:
        seconds = self.total_seconds if stage is None else self.seconds[stage]
        count = self.events if stage in (None, "referral") else self.facts
        return count / seconds if seconds else 0.0


def sanitise(event: InboundEvent, person_ref: str) -> InboundEvent:
    """What the shell's sealing leaves of the event: no sensitive fields, the person_ref set."""
    names = sensitive_fields(type(event))
    return event.model_copy(update={**dict.fromkeys(names), "person_ref": person_ref})


class CoreReplay:
    """The three services' pure decisions, with per-person state in dictionaries."""

    def __init__(self) -> None:
        self.referral_settings = ReferralSettings()
        self.registry = self.referral_settings.registry
        self.rules = default_rules()
        self.handover_settings = HandoverSettings()
        self.levels = default_levels()
        self.persons: dict[str, PersonState] = {}
        self.handover: dict[str, HandoverState] = {}
        self.followup: dict[str, FollowupState] = {}
        self.now = datetime.fromtimestamp(0, UTC)
        self.result = CoreResult()

    def referral(self, event: InboundEvent, offset: int) -> Outcome | None:
        verdict = gate(event, event.source_org, self.registry, SECRET)
        if isinstance(verdict, Rejection):
            self.result.rejected += 1
            return None
        self.now = max(self.now, event.occurred_at)
        sanitised = sanitise(event, verdict.person_ref)
        sealed = SEALED if sanitised is not event else None
        origin = Origin(topic=f"inbound.{event.source_org}", partition=0, offset=offset)
        outcome = apply(
            self.persons.get(verdict.person_ref),
            sanitised,
            sealed,
            origin,
            self.referral_settings,
            self.now,
        )
        self.persons[verdict.person_ref] = outcome.state
        self.result.rejected += len(outcome.rejections)
        return outcome

    def handover_tasks(self, fact: CaseFact, personal: PersonalDetails) -> list[str]:
        outcome = decide(
            self.handover.get(fact.person_ref),
            fact,
            personal,
            self.rules,
            self.handover_settings,
            self.now,
        )
        self.handover[fact.person_ref] = outcome.state
        return [issued.task.task_id for issued in outcome.issued]

    def followup_fact(self, fact: CaseFact) -> int:
        outcome = on_fact(self.followup.get(fact.person_ref), fact, self.levels, self.now)
        self.followup[fact.person_ref] = outcome.state
        return len(outcome.drafts)

    def run(self, events: Iterable[Timed]) -> CoreResult:
        clock, seconds, result = time.thread_time, self.result.seconds, self.result
        personal = PersonalDetails()
        for offset, timed in enumerate(events):
            started = clock()
            outcome = self.referral(timed.event, offset)
            after_referral = clock()
            seconds["referral"] += after_referral - started
            result.events += 1
            if outcome is None:
                continue
            for fact in outcome.facts:
                began = clock()
                result.tasks += len(self.handover_tasks(fact, personal))
                middle = clock()
                result.tasks += self.followup_fact(fact)
                seconds["handover"] += middle - began
                seconds["followup"] += clock() - middle
                result.facts += 1
        return result


def run_core(events: list[Timed]) -> CoreResult:
    """Replay once to warm caches on a slice, then time the whole replay from fresh state,
    with the garbage collector settled as a worker process settles it."""
    CoreReplay().run(events[: min(len(events), 2000)])
    settle_collector()
    return CoreReplay().run(events)
