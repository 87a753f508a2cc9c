"""The operator view's Kafka side: the feed that reads topics into the projection, and the lag
of the services' consumer groups.

The feed uses no consumer group: it reads every partition of its topics from the beginning and
keeps consuming, so each operator process rebuilds the same view and commits nothing. It waits
for the topics to exist rather than subscribing early (the broker would create them with the
wrong partition counts).
"""

import asyncio
import threading
from collections import defaultdict
from datetime import datetime
from enum import StrEnum
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from kafka import KafkaAdminClient
from kafka.admin import OffsetSpec
from kafka.errors import KafkaError
from pydantic import BaseModel

from services.core.facts import CaseFact
from services.core.records import ActionRecord, Alert, DeadLetter, DisclosureRecord, Erasure
from services.operator.projection import OperatorProjection
from services.platform.clock import Clock
from services.platform.codec import Catalogue, DecodeError
from services.platform.kafka_security import client_options
from services.platform.logging import get_logger
from services.platform.settings import Settings
from services.platform.topics import TopicNames

SERVICES = ("referral", "handover", "followup")
TOPIC_WAIT_SECONDS = 1.0

log = get_logger("jatkumo.operator")


def view_topics(names: TopicNames) -> dict[str, type[BaseModel]]:
    """The topics the operator view reads and the record type on each."""
    return {
        names.alerts: Alert,
        names.case_facts: CaseFact,
        names.disclosures: DisclosureRecord,
        names.audit_actions: ActionRecord,
        names.dlq: DeadLetter,
    }


def service_groups(namespace: str) -> list[str]:
    """The consumer groups of the services (their faust app ids)."""
    names = TopicNames(namespace)
    return [names.app_id(service) for service in SERVICES]


def kafka_security(settings: Settings) -> dict[str, Any]:
    """Client options for the configured principal and TLS (the same for both clients)."""
    return client_options(settings)


def record_time(record: BaseModel) -> datetime | None:
    """The instant a record speaks for (moves the event clock)."""
    if isinstance(record, Alert):
        return record.resolved_at or record.opened_at
    if isinstance(record, CaseFact):
        return record.occurred_at
    if isinstance(record, DisclosureRecord):
        return record.disclosed_at
    if isinstance(record, DeadLetter | ActionRecord):
        return record.at
    return None


class FeedStatus(StrEnum):
    STARTING = "starting"
    WAITING_FOR_TOPICS = "waiting_for_topics"
    CATCHING_UP = "catching_up"
    LIVE = "live"
    FAILED = "failed"


class ViewFeed:
    """Reads the view's topics from the beginning into the projection, then keeps up."""

    def __init__(
        self,
        settings: Settings,
        projection: OperatorProjection,
        clock: Clock,
        *,
        topics: list[str] | None = None,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.settings = settings
        self.projection = projection
        self.clock = clock
        wanted = view_topics(TopicNames(settings.namespace))
        self.topics = {t: wanted[t] for t in topics} if topics else wanted
        self.catalogue = catalogue or Catalogue()
        self.status = FeedStatus.STARTING
        self.records = 0
        self.undecodable = 0
        self._targets: dict[TopicPartition, int] | None = None

    @property
    def caught_up(self) -> bool:
        """True once everything on the topics when reading began has been read."""
        return self.status == FeedStatus.LIVE

    async def run(self, *, until_caught_up: bool = False) -> None:
        """Consume until cancelled (or, with `until_caught_up`, until caught up)."""
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.bootstrap_servers,
            group_id=None,
            client_id="jatkumo-operator",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=5000,
            **kafka_security(self.settings),
        )
        self._targets = None
        try:
            await consumer.start()
            await self._wait_for_topics(consumer)
            consumer.subscribe(list(self.topics))
            self.status = FeedStatus.CATCHING_UP
            while not (until_caught_up and self.caught_up):
                batches = await consumer.getmany(timeout_ms=500, max_records=2000)
                for messages in batches.values():
                    for message in messages:
                        self._apply(message)
                await self._check_caught_up(consumer)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self.status = FeedStatus.FAILED
            log.exception("operator_feed_failed", error=type(error).__name__)
            raise
        finally:
            await consumer.stop()

    async def _wait_for_topics(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            missing = sorted(set(self.topics) - set(await consumer.topics()))
            if not missing:
                return
            if self.status != FeedStatus.WAITING_FOR_TOPICS:
                log.warning("operator_waiting_for_topics", missing=missing)
                self.status = FeedStatus.WAITING_FOR_TOPICS
            await asyncio.sleep(TOPIC_WAIT_SECONDS)

    def _apply(self, message: Any) -> None:
        model = self.topics.get(message.topic)
        if model is None:
            return
        try:
            record = self.catalogue.decode(message.value)
            if isinstance(record, Erasure):
                return  # the audit topic's erasure records: nothing the view shows
            if not isinstance(record, model):
                record = self.catalogue.decode_as(message.value, model)  # its refusal
        except DecodeError as error:
            self.undecodable += 1
            log.warning(
                "operator_undecodable",
                reason=error.reason,
                topic=message.topic,
                partition=message.partition,
                offset=message.offset,
            )
            return
        instant = record_time(record)
        if instant is not None:
            self.clock.observe(instant)
        self.projection.apply(record)
        self.records += 1

    async def _check_caught_up(self, consumer: AIOKafkaConsumer) -> None:
        if self.caught_up:
            return
        assignment = consumer.assignment()
        if {tp.topic for tp in assignment} != set(self.topics):
            return
        if self._targets is None or set(self._targets) != assignment:
            self._targets = await consumer.end_offsets(list(assignment))
        for tp, end in self._targets.items():
            if await consumer.position(tp) < end:
                return
        self.status = FeedStatus.LIVE
        log.info("operator_caught_up", records=self.records, undecodable=self.undecodable)


async def read_to_end(
    settings: Settings, topics: list[str] | None = None
) -> tuple[OperatorProjection, Clock]:
    """A projection of everything on the topics now (for one-shot commands)."""
    projection = OperatorProjection()
    clock = Clock(settings.clock)
    await ViewFeed(settings, projection, clock, topics=topics).run(until_caught_up=True)
    return projection, clock


class GroupLag:
    """Messages the services' consumer groups have not committed yet, per group and topic."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.groups = service_groups(settings.namespace)
        self.last: dict[tuple[str, str], int] = {}
        self._admin: KafkaAdminClient | None = None
        self._lock = threading.Lock()

    async def measure(self, timeout: float = 10.0) -> dict[tuple[str, str], int]:
        """Fresh lag when the broker answers within `timeout`; the last known lag otherwise."""
        try:
            self.last = await asyncio.wait_for(asyncio.to_thread(self._measure), timeout)
        except (TimeoutError, KafkaError) as error:
            log.warning("operator_lag_unavailable", error=type(error).__name__)
        return self.last

    def _measure(self) -> dict[tuple[str, str], int]:
        with self._lock:
            if self._admin is None:
                self._admin = KafkaAdminClient(
                    bootstrap_servers=self.settings.bootstrap_servers,
                    client_id="jatkumo-operator-lag",
                    request_timeout_ms=8000,
                    **kafka_security(self.settings),
                )
            committed: dict[str, dict[Any, int]] = {}
            for group in self.groups:
                offsets = self._admin.list_group_offsets(group).get(group, {})
                committed[group] = {tp: meta.offset for tp, meta in offsets.items()}
            partitions = {tp for offsets in committed.values() for tp in offsets}
            ends = (
                self._admin.list_partition_offsets(dict.fromkeys(partitions, OffsetSpec.LATEST))
                if partitions
                else {}
            )
            lag: dict[tuple[str, str], int] = defaultdict(int)
            for group, offsets in committed.items():
                for tp, offset in offsets.items():
                    end = ends[tp].offset if tp in ends else offset
                    lag[(group, tp.topic)] += max(0, end - max(offset, 0))
            return dict(lag)

    def close(self) -> None:
        with self._lock:
            if self._admin is not None:
                self._admin.close()
                self._admin = None
