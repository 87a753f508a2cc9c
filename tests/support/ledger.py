"""What the pipeline published, counted by id, and what its followup service remembers.

`Ledger` reads the output topics from the beginning and keeps, per deterministic id, how often
it was seen: a consumer that drops repeats by id sees each once, and the surplus is the number
of redelivered duplicates. `TableReader` reads a faust table's changelog (latest value per key),
so a test can compare what a service decided with what reached the topics.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from kafka import KafkaConsumer

from services.core.case import CaseState, CaseStatus
from services.core.facts import CaseFact
from services.core.ids import stable_id
from services.core.organisations import default_registry
from services.core.records import Alert, AlertState, DeadLetter, DisclosureRecord
from services.core.tasks import Task, TaskKind
from services.followup.state import FollowupState
from services.platform.settings import Settings
from services.platform.state_codec import unpacker
from services.platform.topics import TopicNames
from tests.support.expected import Expected
from tests.support.kafka_io import TopicReader

FOLLOWUP_TRIGGERS = {
    "plan_review": TaskKind.PLAN_REVIEW_DUE,
    "checkpoint": TaskKind.FOLLOWUP_CHECK,
    "release_imminent": TaskKind.RELEASE_IMMINENT,
}
"""Followup's time-triggered tasks, by the prefix of the trigger it records for each."""


class Ledger:
    def __init__(self, bootstrap: str, names: TopicNames) -> None:
        tasks = [names.tasks(org) for org in default_registry().codes()]
        self.reader = TopicReader(
            bootstrap, names.case_facts, names.disclosures, names.alerts, names.dlq, *tasks
        )
        self._cursor = 0
        self.facts: Counter[str] = Counter()
        self.fact_event_ids: set[str] = set()
        self.tasks: Counter[str] = Counter()
        self.task_kinds: dict[str, tuple[str, TaskKind, str]] = {}
        self.tasks_of_case: dict[str, set[str]] = defaultdict(set)
        self.disclosures: Counter[str] = Counter()
        self.alerts: Counter[tuple[str, AlertState]] = Counter()
        self.dead_letters: Counter[str] = Counter()
        self.dead_letter_reasons: dict[str, str] = {}

    def take(self) -> "Ledger":
        """Count the records read since the last call."""
        records = self.reader.records
        for _, record in records[self._cursor :]:
            if isinstance(record, CaseFact):
                self.facts[record.fact_id] += 1
                self.fact_event_ids.add(record.event_id)
            elif isinstance(record, Task):
                self.tasks[record.task_id] += 1
                self.task_kinds[record.task_id] = (
                    record.case_id,
                    record.kind,
                    record.recipient_org,
                )
                self.tasks_of_case[record.case_id].add(record.task_id)
            elif isinstance(record, DisclosureRecord):
                self.disclosures[record.disclosure_id] += 1
            elif isinstance(record, Alert):
                self.alerts[(record.alert_id, record.state)] += 1
            elif isinstance(record, DeadLetter):
                self.dead_letters[record.dead_letter_id] += 1
                self.dead_letter_reasons[record.dead_letter_id] = record.reason_code
        self._cursor = len(records)
        return self

    def wait_for(self, condition: Callable[["Ledger"], bool], timeout: float, what: str) -> None:
        """Poll the topics until `condition(self)` holds; fail after `timeout` seconds."""
        self.reader.wait_for(lambda _: condition(self.take()), timeout=timeout, what=what)

    def missing(self, expected: Expected) -> dict[str, int]:
        """How many expected facts, tasks and disclosures have not (yet) been published."""
        return {
            "facts": len(expected.fact_ids - self.facts.keys()),
            "tasks": len(expected.task_ids - self.tasks.keys()),
            "disclosures": len(expected.disclosure_ids - self.disclosures.keys()),
        }

    def duplicates(self) -> dict[str, int]:
        """Records seen more than once with the same id (redelivered), per kind."""

        def surplus(counter: Counter[Any]) -> int:
            return sum(count - 1 for count in counter.values())

        return {
            "facts": surplus(self.facts),
            "tasks": surplus(self.tasks),
            "disclosures": surplus(self.disclosures),
            "alerts": surplus(self.alerts),
            "dead_letters": surplus(self.dead_letters),
        }

    def close(self) -> None:
        self.reader.close()


class TableReader:
    """The latest value of every key of a faust table, read from its changelog topic."""

    def __init__(self, bootstrap: str, changelog: str) -> None:
        self.values: dict[bytes, bytes] = {}
        self._unpacked: dict[bytes, tuple[bytes, Any]] = {}
        self._consumer = KafkaConsumer(
            changelog,
            bootstrap_servers=bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=None,
            metadata_max_age_ms=2000,
        )

    def poll(self) -> "TableReader":
        for batch in self._consumer.poll(timeout_ms=300).values():
            for message in batch:
                if message.value is None:
                    self.values.pop(message.key, None)
                else:
                    self.values[message.key] = message.value
        return self

    def unpacked(self, key: bytes, unpack: Callable[[bytes], Any]) -> Any:
        """The key's latest value unpacked, or None; unpacked again only once it changed (a
        wait asks about every person on every poll)."""
        raw = self.values.get(key)
        if raw is None:
            return None
        cached = self._unpacked.get(key)
        if cached is None or cached[0] is not raw:
            cached = (raw, unpack(raw))
            self._unpacked[key] = cached
        return cached[1]

    def close(self) -> None:
        self._consumer.close()


READ_FOLLOWUP_STATE = unpacker(FollowupState)


def followup_gaps(states: TableReader, ledger: Ledger, expected: Expected) -> list[str]:
    """Where followup's own record disagrees with the topics: a fact it never folded in, an
    alert it raised or resolved that is not on the alert topic, a timed task not on a task topic
    (unless it was withheld: its recipient had no basis).
    A person may have no state only if their case was closed for longer than the closed-case
    retention before the latest event time (the service has forgotten them).
    An empty list means nothing followup decided was lost."""
    gaps: list[str] = []
    for person_ref, last_fact in expected.last_fact_id.items():
        state: FollowupState | None = states.unpacked(person_ref.encode(), READ_FOLLOWUP_STATE)
        if state is None:
            if not _retention_over(expected.final_case.get(person_ref), expected.latest_at):
                gaps.append(f"{person_ref}: no followup state")
            continue
        if last_fact not in state.seen_fact_ids:
            gaps.append(f"{person_ref}: the last fact is not folded in")
        for alert in state.alerts.values():
            wanted = [(alert.alert_id, AlertState.OPEN), (alert.alert_id, alert.state)]
            gaps.extend(
                f"alert {k[0]} {k[1]} not published" for k in wanted if k not in ledger.alerts
            )
        gaps.extend(
            f"{trigger} of case {state.case.case_id} not published"
            for trigger in state.issued
            if trigger not in state.withheld and not _published(ledger, state, trigger)
        )
    return gaps


def _retention_over(case: CaseState | None, latest_at: datetime | None) -> bool:
    """The case was closed `closed_case_retention_days` or more before the latest event."""
    if case is None or case.status != CaseStatus.CLOSED or case.closed_at is None:
        return False
    retention = timedelta(days=Settings().closed_case_retention_days)
    return latest_at is not None and case.closed_at + retention <= latest_at


def _published(ledger: Ledger, state: FollowupState, trigger: str) -> bool:
    kind = FOLLOWUP_TRIGGERS[trigger.split(":", 1)[0]]
    case_id = state.case.case_id
    return any(
        task_id == stable_id(case_id, kind.value, trigger, ledger.task_kinds[task_id][2])
        for task_id in ledger.tasks_of_case.get(case_id, ())
    )
