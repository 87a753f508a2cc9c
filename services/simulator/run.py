"""The simulator's shell: publish the timeline to Kafka, a simulated day at a time.

Each organisation publishes its own events on `inbound.<org>` (one SDK publisher each), in
event-time order. Inbound topics are read in no particular order and the services' event clocks
follow the newest message they have seen, so each simulated day runs in lockstep: publish the
day's events, wait until the referral gate has taken them in (`GateWatch`) and the case
registry and followup have processed everything that followed (`ServiceProgress`), then let
time pass to midnight where nothing happens: a broadcast `Tick` (person_ref "*") to every
partition of `followup.ticks`. The next day starts when the pace allows. Counties answer the
tasks they receive (`responder`), read from their task topics.
"""

import heapq
import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from kafka import KafkaConsumer, KafkaProducer

from services.core.calendar import start_of_local_day
from services.core.envelopes import Tick
from services.core.events import AlertEscalated, CaseClosed, InboundEvent
from services.core.identity import person_ref
from services.core.organisations import OrgKind, Registry, default_registry
from services.core.records import Alert, AlertState
from services.core.tasks import Task
from services.platform.codec import Catalogue, DecodeError
from services.platform.settings import Settings
from services.platform.topics import TopicNames
from services.sdk import Publisher
from services.simulator.behaviour import county_behaviours
from services.simulator.config import SimulationConfig
from services.simulator.kafka_io import (
    GateWatch,
    ServiceProgress,
    SimulationError,
    alert_reader,
    security,
    task_reader,
    ticker,
)
from services.simulator.moments import Scheduled
from services.simulator.naming import as_named_by_sender
from services.simulator.operators import escalation
from services.simulator.responder import responses
from services.simulator.timeline import period, timeline

__all__ = ["DEFAULT_SPEED", "DayDone", "RunReport", "Simulation", "SimulationError"]

BROADCAST = "*"
DEFAULT_SPEED = 6.0
"""Simulated days per wall-clock second at most: a year in about a minute."""


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
    ) -> None:
        """`publishers` replaces the Kafka publisher of some organisations and `task_sources`
        their task topics (e.g. one county working through the HTTPS gateway)."""
        self.settings, self.config, self.speed = settings, config, speed
        self.registry = registry or default_registry()
        self.names = TopicNames(settings.namespace)
        self.catalogue = Catalogue()
        self.counties = county_behaviours(self.registry, config.seed)
        self.report = RunReport(settings.namespace, config.days, config.people)
        self._publishers: dict[str, EventSink] = dict(publishers or {})
        self._task_sources: dict[str, TaskSource] = dict(task_sources or {})
        self._pending: list[tuple[datetime, int, InboundEvent]] = []
        self._order = itertools.count()
        self._closures: dict[str, datetime] = {}
        self._resolved_alerts: set[str] = set()
        self._escalating: set[str] = set()

    def run(self, on_day: Callable[[DayDone], None] = lambda _: None) -> RunReport:
        began = time.monotonic()
        first, _ = period(self.config)
        scheduled = list(timeline(self.config, self.registry))
        self._closures = self._closing_times(scheduled)
        events = iter(scheduled)
        clock, partitions = ticker(self.settings)
        counties = [o.code for o in self.registry.of_kind(OrgKind.COUNTY)]
        tasks = task_reader(self.settings, [c for c in counties if c not in self._task_sources])
        alerts = alert_reader(self.settings)
        gate, progress = GateWatch(self.settings), ServiceProgress(self.settings)
        upcoming: Scheduled | None = next(events, None)
        try:
            for day in range(self.config.days):
                today = first + timedelta(days=day)
                day_end = start_of_local_day(self.config.start + timedelta(days=day + 1))
                upcoming = self._publish_until(day_end, upcoming, events)
                self._flush()
                self.report.wait_seconds += gate.wait_for(self.report.events)
                self.report.wait_seconds += progress.wait_until_done()
                self._tick(clock, partitions, day_end)
                progress.broadcasts += len(partitions)
                self._read_tasks(tasks, day_end)
                self._read_alerts(alerts, day_end)
                self.report.wall_seconds = time.monotonic() - began
                on_day(DayDone(day + 1, today, self.report))
                self._pace(began, day + 1)
        finally:
            for publisher in self._publishers.values():
                publisher.close()
            clock.close(timeout=10)
            tasks.close()
            alerts.close()
            gate.close()
            progress.close()
        self.report.wall_seconds = time.monotonic() - began
        return self.report

    def _closing_times(self, scheduled: list[Scheduled]) -> dict[str, datetime]:
        """When each closed case closes, by person_ref (answers stop a day before)."""
        key = self.settings.person_ref_key
        return {
            person_ref(s.event.identity_code, key): s.occurred_at
            for s in scheduled
            if isinstance(s.event, CaseClosed) and s.event.identity_code
        }

    def _publish_until(
        self, limit: datetime, upcoming: Scheduled | None, events: Iterator[Scheduled]
    ) -> Scheduled | None:
        """Publish the timeline and the pending task answers that happen before `limit`."""
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
                    if answer.alert_id not in self._resolved_alerts:
                        self._publish(answer.source_org, answer)
                        self.report.escalations += 1
                    continue
                self._publish(answer.source_org, answer)
                self.report.task_answers += 1
                continue
            if upcoming is None or event_at is None or event_at >= limit:
                return upcoming
            self._publish(upcoming.org, upcoming.event)
            upcoming = next(events, None)

    def _publish(self, org: str, event: InboundEvent) -> None:
        publisher = self._publishers.get(org)
        if publisher is None:
            publisher = Publisher(
                org,
                self.settings.bootstrap_servers,
                namespace=self.settings.namespace,
                catalogue=self.catalogue,
                **security(self.settings),
            )
            self._publishers[org] = publisher
        publisher.publish(as_named_by_sender(event, org, self.settings.person_ref_key))
        self.report.events_by_type[type(event).__name__] += 1
        kind = self.registry.get(org)
        self.report.events_by_kind[kind.kind.value if kind else "unknown"] += 1

    def _flush(self) -> None:
        for publisher in self._publishers.values():
            publisher.flush()

    def _tick(self, producer: KafkaProducer, partitions: list[int], now: datetime) -> None:
        """Move every followup worker's event clock to `now`, even where no event happens."""
        value = self.catalogue.encode(Tick(person_ref=BROADCAST, now=now))
        for partition in partitions:
            producer.send(
                self.names.followup_ticks, value=value, key=BROADCAST.encode(), partition=partition
            )
        self.report.ticks += 1

    def _read_tasks(self, consumer: KafkaConsumer, now: datetime) -> None:
        """Plan the counties' answers to the tasks that arrived; none before `now`, none for a
        case about to close."""
        for records in consumer.poll(timeout_ms=0, max_records=2000).values():
            for record in records:
                try:
                    task = self.catalogue.decode_as(record.value, Task)
                except DecodeError:
                    continue
                self._plan_answers(task, now)
        for source in self._task_sources.values():
            for task in source.fetch_tasks():
                self._plan_answers(task, now)

    def _read_alerts(self, consumer: KafkaConsumer, now: datetime) -> None:
        """Plan the operators' escalations of the alerts that opened; note those resolved, so
        that an escalation planned for an alert resolved in the meantime is not sent."""
        for records in consumer.poll(timeout_ms=0, max_records=2000).values():
            for record in records:
                try:
                    alert = self.catalogue.decode_as(record.value, Alert)
                except DecodeError:
                    continue
                if alert.state == AlertState.RESOLVED:
                    self._resolved_alerts.add(alert.alert_id)
                elif alert.alert_id in self._escalating:
                    continue
                elif (planned := escalation(alert, self.config.seed)) is not None:
                    self._escalating.add(alert.alert_id)
                    at = max(planned.occurred_at, now)
                    event = planned.model_copy(update={"occurred_at": at})
                    heapq.heappush(self._pending, (at, next(self._order), event))

    def _plan_answers(self, task: Task, now: datetime) -> None:
        self.report.tasks_seen += 1
        closes = self._closures.get(task.person_ref)
        for planned in responses(task, self.counties, self.registry, self.config.seed):
            at = max(planned.occurred_at, now)
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
