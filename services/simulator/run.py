"""The simulator's shell: publish the timeline to Kafka, a simulated day at a time.

Each organisation publishes its own events on `inbound.<org>` (one SDK publisher each), in
event-time order, and counties and operators answer what they receive (`responder`,
`operators`), read from their task topics and the alert topic. What ties the publisher to the
services is no longer their clock (each person is judged at their own event time) but cause
and effect:

- one person's events reach the service in the order they happened. Inbound topics, and the
  partitions of each (events are keyed by `event_id`), are read in no particular order, so a
  day is published in waves: a person's second event of the day goes out only once the
  referral gate has taken in their first (`GateWatch`), and the next day only once the gate has
  taken in the day before. A county never schedules a meeting the service sees before the
  consent given that morning;
- the answers. A county answers a task it has received, so the task must exist before the day
  of the answer is published. Answers and escalations are sent at their planned time, but no
  earlier than the end of the second day after the one their task or alert was created on
  (`not_before`: the simulated systems report what they received with two nights' delay), and
  an operator drops an escalation only for an alert that resolved two days before it or earlier
  (`withdrawn`). Before a day is published, the counties and operators have read every task
  and alert the services made for the days that can have answers in it: the registry and
  followup have taken those days in (their changelogs count it exactly) and the handover
  service has committed their case facts (`HANDOVER_LAG_DAYS`). Which answers go out, and
  when, therefore never depends on how quickly the services ran.

Time passing where nothing happens is a broadcast `Tick` (person_ref "*") at midnight to every
partition of `followup.ticks` and `referral.ticks`, sent once the case registry and the
followup service have taken in everything before that midnight. A tick that comes later than
its midnight changes nothing but when the tasks it fires can be read
(`services.followup.decide.advance`); only one that came early could.

By default the days are pipelined: day N+1 is published while the registry and followup still
work on day N (`StageProgress` waits for day N exactly, whatever of day N+1 has already
arrived), and day N's midnight tick follows. `lockstep=True` keeps the earlier, slower way:
publish a day, wait until the services have taken in everything, tick, read. Both give the
same outcome for the same seed.
"""

import heapq
import itertools
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol, TypeVar

from kafka import KafkaProducer, TopicPartition
from pydantic import BaseModel

from services.core.calendar import local_date, start_of_local_day
from services.core.envelopes import Tick
from services.core.events import AlertEscalated, CaseClosed, InboundEvent
from services.core.identity import person_ref
from services.core.organisations import OrgKind, Registry, default_registry
from services.core.records import Alert, AlertState
from services.core.tasks import Task
from services.platform.codec import Catalogue, DecodeError
from services.platform.reading import Tail
from services.platform.settings import Settings
from services.platform.topics import TopicNames
from services.sdk import Publisher
from services.sdk.publisher import producer_for
from services.simulator.behaviour import county_behaviours
from services.simulator.config import SimulationConfig
from services.simulator.kafka_io import (
    GateWatch,
    ServiceProgress,
    SimulationError,
    alert_reader,
    followup_progress,
    handover_progress,
    registry_progress,
    security,
    task_reader,
    ticker,
)
from services.simulator.moments import Scheduled
from services.simulator.naming import as_named_by_sender
from services.simulator.operators import escalation
from services.simulator.responder import responses
from services.simulator.timeline import period, timeline

M = TypeVar("M", bound=BaseModel)

__all__ = [
    "DEFAULT_SPEED",
    "DayDone",
    "RunReport",
    "Simulation",
    "SimulationError",
    "not_before",
    "waves",
    "withdrawn",
]

BROADCAST = "*"
DEFAULT_SPEED = 0.0
"""Simulated days per wall-clock second at most; 0: as fast as the services take them in."""


ANSWER_NIGHTS = 2
"""Nights between the day a task or alert is made and the first day it can be answered on."""
HANDOVER_LAG_DAYS = ANSWER_NIGHTS
"""Simulated days the handover service's commits may trail the day being published: the
snapshot of the case facts taken after day N's services were waited for (pipelined, the registry
has by then decided day N-1) is waited for before day N + this many is published, whose
answers are to tasks from day N-1 or earlier. A whole day of slack lets the commits (once a
second) catch up unwaited."""


def not_before(created_at: datetime) -> datetime:
    """The earliest instant an answer to a task (or an escalation of an alert) created at
    `created_at` is sent: midnight ending the second day after the one it was created on."""
    return start_of_local_day(local_date(created_at) + timedelta(days=ANSWER_NIGHTS + 1))


def withdrawn(escalated_at: datetime, resolved_at: datetime | None) -> bool:
    """Whether an operator drops a planned escalation: the alert had resolved before the start
    of the day two days before the escalation's (the list as the operator last reviewed it).
    Running a day ahead of the services, the simulator has by then read every resolution from
    before that instant, and nothing later counts, so the answer does not depend on how far
    the services had got."""
    if resolved_at is None:
        return False
    return resolved_at < start_of_local_day(local_date(escalated_at) - timedelta(days=2))


def waves(
    items: list[tuple[str, InboundEvent]], person: Callable[[InboundEvent], str]
) -> list[list[tuple[str, InboundEvent]]]:
    """A day's events in time order, split so that each wave holds at most one event of each
    person, a person's events in successive waves in their order."""
    seen: Counter[str] = Counter()
    split: list[list[tuple[str, InboundEvent]]] = []
    for org, event in items:
        who = person(event)
        if seen[who] == len(split):
            split.append([])
        split[seen[who]].append((org, event))
        seen[who] += 1
    return split


@dataclass
class RunReport:
    namespace: str
    days: int
    people: int
    events_by_type: Counter[str] = field(default_factory=Counter)
    events_by_kind: Counter[str] = field(default_factory=Counter)
    task_answers: int = 0
    tasks_seen: int = 0
    escalations: int = 0
    """Alerts the simulated operators escalated to the responsible county."""
    ticks: int = 0
    waves: int = 0
    """Batches the days were published in (one person's events of a day go out one a wave)."""
    lockstep: bool = False
    wall_seconds: float = 0.0
    wait_seconds: float = 0.0
    """Time spent waiting for the services to keep up."""

    @property
    def events(self) -> int:
        return sum(self.events_by_type.values())


@dataclass
class DayDone:
    """What a progress display needs after each simulated day."""

    day: int
    today: datetime
    report: RunReport


class EventSink(Protocol):
    """Where one organisation's events go: the Kafka SDK publisher, or the gateway client."""

    def publish(self, event: InboundEvent, *, wait: bool = False) -> Any: ...

    def flush(self, timeout: float = 30.0) -> None: ...

    def close(self) -> None: ...


class TaskSource(Protocol):
    """Where an organisation reads its tasks instead of its Kafka topic (the HTTPS gateway)."""

    def fetch_tasks(self, wait: float = 0.0, limit: int = 500) -> list[Task]: ...


class Simulation:
    def __init__(
        self,
        settings: Settings,
        config: SimulationConfig,
        speed: float = DEFAULT_SPEED,
        registry: Registry | None = None,
        *,
        publishers: dict[str, EventSink] | None = None,
        task_sources: dict[str, TaskSource] | None = None,
        lockstep: bool = False,
    ) -> None:
        """`publishers` replaces the Kafka publisher of some organisations and `task_sources`
        their task topics (e.g. one county working through the HTTPS gateway). `lockstep`: wait
        for the services after every day instead of pipelining the days (see the module)."""
        self.settings, self.config, self.speed = settings, config, speed
        self.lockstep = lockstep
        self.registry = registry or default_registry()
        self.names = TopicNames(settings.namespace)
        self.catalogue = Catalogue()
        self.counties = county_behaviours(self.registry, config.seed)
        self.report = RunReport(settings.namespace, config.days, config.people, lockstep=lockstep)
        self._publishers: dict[str, EventSink] = dict(publishers or {})
        self._task_sources: dict[str, TaskSource] = dict(task_sources or {})
        self._pending: list[tuple[datetime, int, InboundEvent]] = []
        self._order = itertools.count()
        self._closures: dict[str, datetime] = {}
        self._resolved_alerts: dict[str, datetime] = {}
        """When each alert the operators saw resolve did so."""
        self._escalating: set[str] = set()
        self._unflushed: set[str] = set()
        self._refs: dict[str, str] = {}
        """Each identity code's person_ref (a keyed hash), worked out once."""
        self._shared_producer: KafkaProducer | None = None
        self._producer_made = threading.Lock()

    def run(self, on_day: Callable[[DayDone], None] = lambda _: None) -> RunReport:
        began = time.monotonic()
        first, _ = period(self.config)
        scheduled = list(timeline(self.config, self.registry))
        self._closures = self._closing_times(scheduled)
        self._connect(sorted({s.org for s in scheduled}))
        events = iter(scheduled)
        clock, partitions = ticker(self.settings)
        counties = [o.code for o in self.registry.of_kind(OrgKind.COUNTY)]
        tasks = task_reader(self.settings, [c for c in counties if c not in self._task_sources])
        alerts = alert_reader(self.settings)
        gate = GateWatch(self.settings)
        handover = handover_progress(self.settings)
        facts_by_day: deque[dict[TopicPartition, int]] = deque()
        upcoming: Scheduled | None = next(events, None)
        tick = partial(self._tick, clock, partitions)
        pace: _Lockstep | _Pipeline = (
            _Lockstep(self.settings, tick, len(partitions))
            if self.lockstep
            else _Pipeline(self.settings, tick, partitions)
        )
        try:
            for day in range(self.config.days):
                today = first + timedelta(days=day)
                day_end = start_of_local_day(self.config.start + timedelta(days=day + 1))
                if len(facts_by_day) == HANDOVER_LAG_DAYS:
                    self.report.wait_seconds += handover.wait_past(facts_by_day.popleft())
                self._read(tasks, alerts)
                due, upcoming = self._due_until(day_end, upcoming, events)
                self.report.wait_seconds += self._publish_in_waves(due, gate)
                self.report.wait_seconds += pace.day_taken_in(day_end)
                facts_by_day.append(handover.snapshot())
                self._read(tasks, alerts)
                self.report.wall_seconds = time.monotonic() - began
                on_day(DayDone(day + 1, today, self.report))
                self._pace(began, day + 1)
            self.report.wait_seconds += pace.finish()
        finally:
            for publisher in self._publishers.values():
                publisher.close()
            if self._shared_producer is not None:
                self._shared_producer.close(timeout=10)
            clock.close(timeout=10)
            tasks.close()
            alerts.close()
            gate.close()
            handover.close()
            pace.close()
        self.report.wall_seconds = time.monotonic() - began
        return self.report

    def _publish_in_waves(self, due: list[tuple[str, InboundEvent]], gate: GateWatch) -> float:
        """Publish the day wave by wave, each once the gate has taken in the one before; the
        seconds waited until the gate has taken in the last."""
        waited = 0.0
        for wave in waves(due, self._person_of):
            waited += gate.wait_for(self.report.events)
            for org, event in wave:
                self._publish(org, event)
            self._flush()
            self.report.waves += 1
        return waited + gate.wait_for(self.report.events)

    def _person_of(self, event: InboundEvent) -> str:
        """Who the event is about, however its sender names them."""
        if event.person_ref:
            return event.person_ref
        return self._ref_of(event.identity_code or "")

    def _ref_of(self, code: str) -> str:
        """The identity code's person_ref, hashed once per code."""
        ref = self._refs.get(code)
        if ref is None:
            ref = self._refs[code] = person_ref(code, self.settings.person_ref_key)
        return ref

    def _read(self, tasks: Tail, alerts: Tail) -> None:
        self._read_tasks(tasks)
        self._read_alerts(alerts)

    def _connect(self, orgs: list[str]) -> None:
        """Make the organisations' Kafka publishers and fetch their topics' metadata side by
        side (one after the other, each first send would wait for it in turn)."""
        missing = [org for org in orgs if org not in self._publishers]
        with ThreadPoolExecutor(max_workers=8) as pool:
            made = list(pool.map(self._kafka_publisher, missing))
        self._publishers.update(zip(missing, made, strict=True))

    def _kafka_publisher(self, org: str) -> Publisher:
        publisher = Publisher(
            org,
            self.settings.bootstrap_servers,
            namespace=self.settings.namespace,
            catalogue=self.catalogue,
            producer=self._producer(),
            **security(self.settings),
        )
        publisher.connect()
        return publisher

    def _producer(self) -> KafkaProducer:
        """One producer for every organisation's publisher: they share the simulator's
        credentials, and sixty producers' network threads would take turns at the GIL with
        the thread that publishes."""
        with self._producer_made:
            if self._shared_producer is None:
                self._shared_producer = producer_for(
                    self.settings.bootstrap_servers, "jatkumo-simulator", **security(self.settings)
                )
            return self._shared_producer

    def _closing_times(self, scheduled: list[Scheduled]) -> dict[str, datetime]:
        """When each closed case closes, by person_ref (answers stop a day before)."""
        return {
            self._ref_of(s.event.identity_code): s.occurred_at
            for s in scheduled
            if isinstance(s.event, CaseClosed) and s.event.identity_code
        }

    def _due_until(
        self, limit: datetime, upcoming: Scheduled | None, events: Iterator[Scheduled]
    ) -> tuple[list[tuple[str, InboundEvent]], Scheduled | None]:
        """The timeline's events and the pending answers that happen before `limit`, in time
        order (answers first at the same instant); the next timeline event after them."""
        due: list[tuple[str, InboundEvent]] = []
        while True:
            answer_at = self._pending[0][0] if self._pending else None
            event_at = upcoming.occurred_at if upcoming else None
            if (
                answer_at is not None
                and answer_at < limit
                and (event_at is None or answer_at <= event_at)
            ):
                _, _, answer = heapq.heappop(self._pending)
                if isinstance(answer, AlertEscalated):
                    resolved_at = self._resolved_alerts.get(answer.alert_id)
                    if not withdrawn(answer.occurred_at, resolved_at):
                        due.append((answer.source_org, answer))
                        self.report.escalations += 1
                    continue
                due.append((answer.source_org, answer))
                self.report.task_answers += 1
                continue
            if upcoming is None or event_at is None or event_at >= limit:
                return due, upcoming
            due.append((upcoming.org, upcoming.event))
            upcoming = next(events, None)

    def _publish(self, org: str, event: InboundEvent) -> None:
        publisher = self._publishers.get(org)
        if publisher is None:
            publisher = self._publishers[org] = self._kafka_publisher(org)
        publisher.publish(as_named_by_sender(event, org, self._ref_of))
        self._unflushed.add(org)
        self.report.events_by_type[type(event).__name__] += 1
        kind = self.registry.get(org)
        self.report.events_by_kind[kind.kind.value if kind else "unknown"] += 1

    def _flush(self) -> None:
        """Until the broker has every event published since the last flush. The Kafka
        publishers share one producer, so the first flush sends the whole wave in one round
        trip and the others find nothing left (each still raises its own failures); the
        gateway's sink buffers nothing."""
        for org in sorted(self._unflushed):
            self._publishers[org].flush()
        self._unflushed.clear()

    def _tick(self, producer: KafkaProducer, partitions: list[int], now: datetime) -> None:
        """Let time pass to `now` where nothing happens: a broadcast tick to every partition of
        `followup.ticks` (deadlines) and of `referral.ticks` (events held too long)."""
        value = self.catalogue.encode(Tick(person_ref=BROADCAST, now=now))
        for topic in (self.names.followup_ticks, self.names.referral_ticks):
            for partition in partitions:
                producer.send(topic, value=value, key=BROADCAST.encode(), partition=partition)
        producer.flush(timeout=30)  # on the topics before anything counts them as sent
        self.report.ticks += 1

    def _read_tasks(self, reader: Tail) -> None:
        """Plan the counties' answers to the tasks that arrived; none before `not_before`, none
        for a case about to close."""
        for task in self._decoded(reader, Task):
            self._plan_answers(task)
        for source in self._task_sources.values():
            for task in source.fetch_tasks():
                self._plan_answers(task)

    def _read_alerts(self, reader: Tail) -> None:
        """Plan the operators' escalations of the alerts that opened; note those resolved, so
        that an escalation planned for an alert resolved in the meantime is not sent."""
        for alert in self._decoded(reader, Alert):
            if alert.state == AlertState.RESOLVED:
                self._resolved_alerts[alert.alert_id] = alert.resolved_at or alert.opened_at
            elif alert.alert_id in self._escalating:
                continue
            elif (planned := escalation(alert, self.config.seed)) is not None:
                self._escalating.add(alert.alert_id)
                at = max(planned.occurred_at, not_before(alert.opened_at))
                event = planned.model_copy(update={"occurred_at": at})
                heapq.heappush(self._pending, (at, next(self._order), event))

    def _decoded(self, reader: Tail, model: type[M]) -> Iterator[M]:
        """Every record that arrived since the last read, as `model`; what does not decode,
        skipped."""
        for value in reader.read():
            try:
                yield self.catalogue.decode_as(value, model)
            except DecodeError:
                continue

    def _plan_answers(self, task: Task) -> None:
        self.report.tasks_seen += 1
        closes = self._closures.get(task.person_ref)
        for planned in responses(task, self.counties, self.registry, self.config.seed):
            at = max(planned.occurred_at, not_before(task.created_at))
            if closes is not None and at >= closes - timedelta(days=1):
                continue
            answer = planned.model_copy(update={"occurred_at": at})
            heapq.heappush(self._pending, (at, next(self._order), answer))

    def _pace(self, began: float, days_done: int) -> None:
        if self.speed <= 0:
            return
        ahead = began + days_done / self.speed - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)


class _Lockstep:
    """Each day: once the gate has taken it in, wait until the registry and followup have
    taken in everything, then tick the day's midnight."""

    def __init__(self, settings: Settings, tick: Callable[[datetime], None], partitions: int):
        self._tick, self._partitions = tick, partitions
        self._progress = ServiceProgress(settings)

    def day_taken_in(self, day_end: datetime) -> float:
        waited = self._progress.wait_until_done()
        self._tick(day_end)
        self._progress.broadcasts += 2 * self._partitions  # followup and referral ticks
        return waited

    def finish(self) -> float:
        return 0.0

    def close(self) -> None:
        self._progress.close()


class _Pipeline:
    """Day N+1 is published while the registry and followup finish day N: once the gate has
    taken a day in, the registry's inputs so far are noted; before the next day's first wave
    goes out, the registry has decided those, followup every fact and tick that reached it by
    then, and the day's midnight is ticked."""

    def __init__(self, settings: Settings, tick: Callable[[datetime], None], partitions: list[int]):
        self._tick, self._partitions = tick, partitions
        self._registry, self._followup = registry_progress(settings), followup_progress(settings)
        self._pending: tuple[datetime, dict[int, int]] | None = None

    def day_taken_in(self, day_end: datetime) -> float:
        waited = self.finish()
        self._pending = (day_end, self._registry.snapshot())
        return waited

    def finish(self) -> float:
        """Until the pending day is done as far as the registry and followup go; then tick."""
        if self._pending is None:
            return 0.0
        day_end, taken_in = self._pending
        self._pending = None
        waited = self._registry.wait_past(taken_in)
        waited += self._followup.wait_past(self._followup.snapshot())
        self._tick(day_end)
        for watch in (self._registry, self._followup):
            for partition in self._partitions:
                watch.silent[partition] = watch.silent.get(partition, 0) + 1
        return waited

    def close(self) -> None:
        self._registry.close()
        self._followup.close()
