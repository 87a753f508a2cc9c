"""What a pipeline run must produce, worked out from what it produced.

Cross-topic arrival order decides whether an event is applied or dead-lettered (an
acknowledgement overtaking its referral), so the bench does not predict facts: it waits until
every published event has a disposition (a case fact or a dead letter). The handover tasks
those facts call for are deterministic, so the tracker replays the observed facts through the
pure handover decision and waits for exactly those task ids.
"""

from dataclasses import dataclass, field

from bench.kafka import Observer, Seen
from services.core.events import InboundEvent
from services.core.facts import CaseFact
from services.core.policy import default_rules
from services.core.records import DeadLetter
from services.core.tasks import Task
from services.handover.decide import decide
from services.handover.settings import HandoverSettings
from services.handover.state import HandoverState
from services.platform.codec import Catalogue
from services.platform.dlq import open_original
from services.platform.keyring import KeyRing
from services.platform.privacy import open_personal
from services.platform.sealing import Sealer
from services.platform.settings import Settings


@dataclass
class Tracker:
    observer: Observer
    published: set[str]
    facts: list[tuple[CaseFact, Seen]] = field(default_factory=list)
    fact_seen: dict[str, Seen] = field(default_factory=dict)
    """The first fact of each event id."""
    dead: dict[str, Seen] = field(default_factory=dict)
    tasks: dict[str, Seen] = field(default_factory=dict)
    expected: dict[str, str] = field(default_factory=dict)
    """Expected handover task id -> the event id whose fact called for it."""
    _read: int = 0
    _codec: Catalogue = field(default_factory=Catalogue)
    _dead_letter_ring: KeyRing = field(default_factory=lambda: Settings().dead_letter_ring)
    """Opens the sealed originals of dead letters (the bench runs with the workers' keys)."""

    def update(self) -> bool:
        """Decode what arrived since the last call; always True (for use in conditions)."""
        seen = self.observer.seen
        for item in seen[self._read :]:
            record = self._codec.decode(item.value)
            if isinstance(record, CaseFact):
                self.facts.append((record, item))
                self.fact_seen.setdefault(record.event_id, item)
            elif isinstance(record, Task):
                self.tasks.setdefault(record.task_id, item)
            elif isinstance(record, DeadLetter):
                value, _ = open_original(record, self._dead_letter_ring)
                original = self._codec.decode(value)
                if isinstance(original, InboundEvent):
                    self.dead.setdefault(original.event_id, item)
        self._read = len(seen)
        return True

    def all_disposed(self) -> bool:
        return all(e in self.fact_seen or e in self.dead for e in self.published)

    def expect_handover_tasks(self) -> None:
        """Replay the observed facts, per person in partition order, through `decide`."""
        sealer, rules, settings = Sealer(Settings().fernet_key), default_rules(), HandoverSettings()
        states: dict[str, HandoverState] = {}
        for fact, _ in self.facts:
            outcome = decide(
                states.get(fact.person_ref),
                fact,
                open_personal(fact.case, sealer),
                rules,
                settings,
                fact.occurred_at,
            )
            states[fact.person_ref] = outcome.state
            for issued in outcome.issued:
                self.expected.setdefault(issued.task.task_id, fact.event_id)

    def all_tasks_seen(self) -> bool:
        return all(task_id in self.tasks for task_id in self.expected)

    def last_output(self) -> float:
        """When the last expected output was produced (record timestamp, seconds)."""
        outputs = [self.fact_seen.get(e) or self.dead[e] for e in self.published]
        outputs += [self.tasks[t] for t in self.expected]
        return max(item.produced for item in outputs)

    def task_latencies(self, sent: dict[str, float]) -> list[float]:
        """Publish of the inbound event -> its handover task seen by a consumer (seconds)."""
        return [self.tasks[t].received - sent[e] for t, e in self.expected.items()]

    def fact_latencies(self, sent: dict[str, float]) -> list[float]:
        return [item.received - sent[e] for e, item in self.fact_seen.items() if e in sent]
