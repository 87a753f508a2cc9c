"""Driving a running pipeline through a timeline: people, their events, the clock, a barrier.

A `Stage` publishes each organisation's events the way its system would (prisons and sanctions
offices name the person by identity code, counties and NGOs by the `person_ref` their tasks
carried), moves event time with broadcast ticks, and reads every output topic. `settle()` is
the barrier after which the absence of an output means it will not come.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property
from itertools import count
from pathlib import Path
from typing import Any, TypeVar

from services.core import identity
from services.core.calendar import HELSINKI
from services.core.events import InboundEvent
from services.core.facts import CaseFact
from services.core.organisations import OrgKind, default_registry
from services.core.records import Alert, AlertRule, AlertState, DeadLetter, DisclosureRecord
from services.core.tasks import BasisKind, Task, TaskKind, field_categories
from services.core.vocabulary import Category
from services.platform.settings import Settings
from services.sdk import Publisher
from tests.support.clock import advance_to
from tests.support.kafka_io import TopicReader
from tests.support.people import temporary_identity_code
from tests.support.pipeline import Pipeline
from tests.support.settle import Settler

E = TypeVar("E", bound=InboundEvent)
BY_IDENTITY_CODE = frozenset({OrgKind.PRISON, OrgKind.COMMUNITY_SANCTIONS_OFFICE})


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An instant on `day` in Helsinki."""
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI)


@dataclass(frozen=True)
class Person:
    """A synthetic person; `tag` keeps their event ids apart from everyone else's."""

    tag: str
    identity_code: str

    @classmethod
    def numbered(cls, tag: str, n: int) -> "Person":
        return cls(
            tag, temporary_identity_code(date(1980 + n % 40, 1 + n % 12, 1 + n % 28), 900 + n % 100)
        )

    @cached_property
    def person_ref(self) -> str:
        """What the referral gate derives, with the secret the workers read from the env."""
        return identity.person_ref(self.identity_code, Settings().person_ref_key)


class Stage:
    """One pipeline, its publishers, its clock and a reader of every output topic."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.names = pipeline.names
        self.settler = Settler(pipeline)
        self._publishers: dict[str, Publisher] = {}
        self._serial = count(1)
        codes = default_registry().codes()
        self.reader = TopicReader(
            pipeline.bootstrap,
            self.names.case_facts,
            self.names.alerts,
            self.names.disclosures,
            self.names.dlq,
            *(self.names.tasks(c) for c in codes),
        )

    def event(
        self, person: Person, event_type: type[E], sender: str, at: datetime, **fields: Any
    ) -> E:
        """An event of `event_type` from `sender` about `person`, with a fresh event id."""
        org_kind = default_registry().by_code()[sender].kind
        subject = (
            {"identity_code": person.identity_code}
            if org_kind in BY_IDENTITY_CODE
            else {"person_ref": person.person_ref}
        )
        event_id = f"{person.tag}-{event_type.__name__}-{next(self._serial)}"
        return event_type(event_id=event_id, occurred_at=at, source_org=sender, **subject, **fields)

    def publisher(self, org: str) -> Publisher:
        if org not in self._publishers:
            self._publishers[org] = Publisher(
                org, self.pipeline.bootstrap, namespace=self.names.namespace
            )
        return self._publishers[org]

    def send(self, *events: InboundEvent, key: bytes | None = None) -> None:
        """Publish in order; one key per call keeps the order on the inbound topic."""
        for event in events:
            publisher = self.publisher(event.source_org)
            publisher.publish_raw(
                publisher.catalogue.encode(event), key=key or event.event_id.encode(), wait=True
            )

    def send_raw(self, org: str, data: bytes, key: bytes) -> None:
        self.publisher(org).publish_raw(data, key=key, wait=True)

    def settle(self) -> None:
        """Wait until every service has processed everything, then read all outputs."""
        self.settler.settle()
        self.reader.catch_up()

    def advance(self, instant: datetime) -> None:
        """Move event time to `instant` and wait until everything due by then is done."""
        advance_to(self.pipeline.bootstrap, self.names, self.pipeline.partitions, instant)
        self.settle()

    def at(self, instant: datetime, *events: InboundEvent, key: bytes | None = None) -> None:
        """Publish events that happen at `instant`, then let the clock reach it (a barrier)."""
        self.send(*events, key=key)
        self.advance(instant)

    def facts(self, person: Person) -> list[CaseFact]:
        return [f for f in self.reader.of(CaseFact) if f.person_ref == person.person_ref]

    def tasks(
        self, person: Person, kind: TaskKind | None = None, org: str | None = None
    ) -> list[Task]:
        return [
            t
            for topic, t in self.reader.records
            if isinstance(t, Task)
            and t.person_ref == person.person_ref
            and kind in (None, t.kind)
            and org in (None, t.recipient_org)
            and topic == self.names.tasks(t.recipient_org)
        ]

    def task_topics(self, person: Person) -> set[str]:
        return {
            topic
            for topic, r in self.reader.records
            if isinstance(r, Task) and r.person_ref == person.person_ref
        }

    def disclosures(self, person: Person) -> list[DisclosureRecord]:
        return [d for d in self.reader.of(DisclosureRecord) if d.person_ref == person.person_ref]

    def alerts(self, person: Person, rule: AlertRule | None = None) -> list[Alert]:
        """Every alert record (an opening and, later, its resolution) in the order sent."""
        return [
            a
            for a in self.reader.of(Alert)
            if a.person_ref == person.person_ref and rule in (None, a.rule)
        ]

    def opened(self, person: Person, rule: AlertRule | None = None) -> list[Alert]:
        return [a for a in self.alerts(person, rule) if a.state == AlertState.OPEN]

    def resolved(self, person: Person, rule: AlertRule | None = None) -> list[Alert]:
        return [a for a in self.alerts(person, rule) if a.state == AlertState.RESOLVED]

    def dead_letters(self) -> list[DeadLetter]:
        return self.reader.of(DeadLetter)

    def close(self) -> None:
        for publisher in self._publishers.values():
            publisher.close()
        self.reader.close()
        self.settler.close()


def kinds(tasks: Iterable[Task]) -> list[tuple[TaskKind, str]]:
    """(kind, recipient) of each task, in the order sent."""
    return [(t.kind, t.recipient_org) for t in tasks]


def carried(task: Task) -> set[Category]:
    """The categories of the fields a task actually carries."""
    categories = field_categories()
    return {categories[name] for name, value in task.payload if value not in (None, [], "")}


def disclosure_mismatches(stage: Stage, person: Person) -> list[str]:
    """How the person's disclosure records differ from their tasks (empty: one to one)."""
    tasks = {t.task_id: t for t in stage.tasks(person)}
    records = stage.disclosures(person)
    problems = []
    if sorted(r.task_id for r in records) != sorted(tasks):
        problems.append("disclosure task ids differ from the task ids")
    for record in records:
        task = tasks.get(record.task_id)
        if task is None:
            continue
        if (record.recipient_org, record.task_kind) != (task.recipient_org, task.kind):
            problems.append(f"{task.kind}: recipient or kind differs")
        if set(record.categories) != carried(task):
            problems.append(f"{task.kind}: categories differ from the fields carried")
        if record.bases != task.bases or record.consent_ids != [
            b.ref for b in task.bases if b.kind == BasisKind.CONSENT
        ]:
            problems.append(f"{task.kind}: bases differ")
    return problems


FAST_COMMITS = {"JATKUMO_COMMIT_INTERVAL_SECONDS": "0.1"}
"""Workers commit often, so the barrier (which waits for commits) returns quickly."""


@contextmanager
def staged(bootstrap: str, work_dir: Path, **env: str) -> Iterator[Stage]:
    """A fresh pipeline of the three services in event time, and a stage on it."""
    pipeline = Pipeline(bootstrap, work_dir, extra_env={**FAST_COMMITS, **env})
    pipeline.start()
    stage = Stage(pipeline)
    try:
        yield stage
    finally:
        stage.close()
        pipeline.stop()
