"""The gateway's Kafka side: a producer per organisation (its own principal), and feeds per
organisation that tail `tasks.<org>` (long polls, status reports, FHIR) and `receipts.<org>`."""

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import BaseModel

from services.core.events import InboundEvent
from services.core.receipts import Receipt
from services.core.records import Alert
from services.core.tasks import Task
from services.gateway import cursor as cursors
from services.gateway.problems import ProblemError
from services.platform.acls import derive_password, org_username, service_username
from services.platform.codec import Catalogue, DecodeError
from services.platform.kafka_security import sasl_ssl
from services.platform.logging import get_logger
from services.platform.topics import TopicNames

log = get_logger("jatkumo.gateway")

M = TypeVar("M", bound=BaseModel)

GATEWAY_PRODUCER = ""
"""The key of the gateway's own producer among the organisations' (no code is empty)."""

POLL_MS = 100
"""How long one fetch of the task feed waits: bounds how late a long poll hears of a task."""


def org_security(
    org: str, principal_secret: str | None, cafile: Path | None = None
) -> dict[str, Any]:
    """Client settings that connect as the organisation's own principal (secure profile),
    over TLS when the brokers' CA is given."""
    return _security(org_username(org), principal_secret, cafile)


def gateway_security(principal_secret: str | None, cafile: Path | None = None) -> dict[str, Any]:
    """Client settings that connect as the gateway's own principal (`svc-gateway`), which may
    only write operator alerts."""
    return _security(service_username("gateway"), principal_secret, cafile)


def _security(user: str, principal_secret: str | None, cafile: Path | None) -> dict[str, Any]:
    if principal_secret is None:
        return {}
    return sasl_ssl(user, derive_password(principal_secret, user), cafile)


def broker_unavailable(detail: str) -> ProblemError:
    return ProblemError("broker-unavailable", "Broker unavailable", 503, detail)


@dataclass
class KafkaSide:
    bootstrap: str
    names: TopicNames
    catalogue: Catalogue
    principal_secret: str | None
    cafile: Path | None = None
    """The CA of the brokers' certificates (`JATKUMO_KAFKA_SSL_CAFILE`): TLS when set."""
    _producers: dict[str, AIOKafkaProducer] = field(default_factory=dict)
    _task_feeds: dict[str, "TopicFeed[Task]"] = field(default_factory=dict)
    _receipt_feeds: dict[str, "TopicFeed[Receipt]"] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def publish(self, org: str, event: InboundEvent) -> None:
        """Send one event to `inbound.<org>` as that organisation; wait for the broker."""
        producer = await self._producer(org)
        try:
            await producer.send_and_wait(
                self.names.inbound(org), self.catalogue.encode(event), key=event.event_id.encode()
            )
        except KafkaError as error:
            log.warning("gateway_publish_failed", org=org, error=type(error).__name__)
            raise broker_unavailable("the event was not stored; send it again") from error

    async def send_alert(self, alert: Alert) -> None:
        """Send an organisation-level alert to `ops.alerts` as the gateway's own principal,
        keyed by the organisation; raises KafkaError when the broker did not store it."""
        producer = await self._producer(
            GATEWAY_PRODUCER, gateway_security(self.principal_secret, self.cafile)
        )
        await producer.send_and_wait(
            self.names.alerts, self.catalogue.encode(alert), key=(alert.subject or "").encode()
        )

    async def _producer(self, org: str, security: dict[str, Any] | None = None) -> AIOKafkaProducer:
        async with self._lock:
            producer = self._producers.get(org)
            if producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self.bootstrap,
                    client_id="-".join(filter(None, ["jatkumo-gateway", org])),
                    acks="all",
                    enable_idempotence=True,
                    request_timeout_ms=15000,
                    **(
                        security
                        if security is not None
                        else org_security(org, self.principal_secret, self.cafile)
                    ),
                )
                try:
                    await producer.start()
                except KafkaError as error:
                    with contextlib.suppress(KafkaError):
                        await producer.stop()
                    raise broker_unavailable("the broker does not answer") from error
                self._producers[org] = producer
            return producer

    async def feed(self, org: str) -> "TopicFeed[Task]":
        """The organisation's task feed, started on first use and caught up."""
        return await self._feed(
            self._task_feeds, org, self.names.tasks(org), Task, lambda task: task.task_id
        )

    async def receipts(self, org: str) -> "TopicFeed[Receipt]":
        """The organisation's receipt feed, started on first use and caught up."""
        return await self._feed(
            self._receipt_feeds,
            org,
            self.names.receipts(org),
            Receipt,
            lambda receipt: receipt.event_id,
        )

    async def _feed(
        self,
        feeds: dict[str, "TopicFeed[M]"],
        org: str,
        topic: str,
        model: type[M],
        identify: Callable[[M], str | None],
    ) -> "TopicFeed[M]":
        async with self._lock:
            feed = feeds.get(org)
            if feed is not None and feed.failed:
                await feed.stop()
                feed = None
            if feed is None:
                feed = feeds[org] = TopicFeed(
                    org,
                    topic,
                    self.catalogue,
                    AIOKafkaConsumer(
                        topic,
                        auto_offset_reset="earliest",
                        bootstrap_servers=self.bootstrap,
                        client_id=f"jatkumo-gateway-{org}",
                        enable_auto_commit=False,
                        group_id=None,
                        **org_security(org, self.principal_secret, self.cafile),
                    ),
                    model=model,
                    identify=identify,
                )
                feed.start()
        await feed.wait_caught_up()
        return feed

    async def close(self) -> None:
        for task_feed in self._task_feeds.values():
            await task_feed.stop()
        for receipt_feed in self._receipt_feeds.values():
            await receipt_feed.stop()
        for producer in self._producers.values():
            with contextlib.suppress(KafkaError):
                await producer.stop()


@dataclass(frozen=True)
class Delivered(Generic[M]):
    """One record as read from the topic, with its position."""

    partition: int
    offset: int
    record: M


class TopicFeed(Generic[M]):
    """Every record of one organisation's topic, read from the beginning and then as they come.

    `by_id` holds the newest record of each id (`identify`): a final receipt after a held one.
    """

    def __init__(
        self,
        org: str,
        topic: str,
        catalogue: Catalogue,
        consumer: AIOKafkaConsumer,
        *,
        model: type[M],
        identify: Callable[[M], str | None],
    ) -> None:
        self.org = org
        self.topic = topic
        self.catalogue = catalogue
        self.model: type[M] = model
        self.identify: Callable[[M], str | None] = identify
        self._consumer = consumer
        self.entries: list[Delivered[M]] = []
        self.by_id: dict[str, M] = {}
        self.undecodable = 0
        self._changed = asyncio.Condition()
        self._caught_up = asyncio.Event()
        self._failed: BaseException | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, KafkaError):
                await self._task
        with contextlib.suppress(KafkaError):
            await self._consumer.stop()

    async def wait_caught_up(self, timeout: float = 20.0) -> None:
        try:
            await asyncio.wait_for(self._caught_up.wait(), timeout)
        except TimeoutError as error:
            raise broker_unavailable(f"{self.topic} could not be read in time") from error
        if self._failed is not None:
            raise broker_unavailable(f"{self.topic} could not be read")

    async def _run(self) -> None:
        try:
            await self._consumer.start()  # subscribed without a group: every partition
            ends: dict[TopicPartition, int] | None = None
            while True:
                if ends is None and self._consumer.assignment():
                    ends = await self._consumer.end_offsets(list(self._consumer.assignment()))
                if not self._caught_up.is_set() and ends is not None:
                    positions = [await self._consumer.position(tp) for tp in ends]
                    if all(p >= end for p, end in zip(positions, ends.values(), strict=True)):
                        self._caught_up.set()
                batches = await self._consumer.getmany(timeout_ms=POLL_MS)
                if batches:
                    await self._take(batches)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - any failure: a 503 now, a new feed next time
            self._failed = error
            self._caught_up.set()
            log.warning("gateway_feed_failed", org=self.org, error=type(error).__name__)

    async def _take(self, batches: dict[TopicPartition, list[Any]]) -> None:
        for tp, records in batches.items():
            for record in records:
                try:
                    decoded = self.catalogue.decode_as(record.value, self.model)
                except DecodeError as error:
                    self.undecodable += 1
                    log.warning(
                        "gateway_record_undecodable",
                        topic=tp.topic,
                        partition=tp.partition,
                        offset=record.offset,
                        reason=error.reason,
                    )
                    continue
                self.entries.append(Delivered(tp.partition, record.offset, decoded))
                ident = self.identify(decoded)
                if ident is not None:
                    self.by_id[ident] = decoded
        async with self._changed:
            self._changed.notify_all()

    @property
    def failed(self) -> bool:
        return self._failed is not None

    def after(self, position: cursors.Cursor) -> list[Delivered[M]]:
        return [e for e in self.entries if e.offset >= position.get(e.partition, 0)]

    async def wait_after(self, position: cursors.Cursor, wait: float) -> list[Delivered[M]]:
        """The records after `position`, waiting up to `wait` seconds for the first one."""
        found = self.after(position)
        if found or wait <= 0:
            return found
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: bool(self.after(position))), wait
                )
        return self.after(position)

    async def wait_for_id(self, ident: str, wait: float) -> M | None:
        """The newest record with this id, waiting up to `wait` seconds for one to arrive."""
        if ident not in self.by_id and wait > 0:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: ident in self.by_id), wait
                    )
        return self.by_id.get(ident)
