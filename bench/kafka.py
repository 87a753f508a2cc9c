"""The bench's broker, topics, publisher and observer.

The publisher sends pre-encoded messages (burst or paced) and remembers when it sent each one;
the observer reads output topics from the beginning and remembers, for each message, the
broker's record timestamp (when the producing worker sent it) and when the observer saw it.
"""

import asyncio
import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from bench.workload import Timed
from services.core.organisations import default_registry
from services.platform import broker
from services.platform.admin import apply_topics
from services.platform.codec import Catalogue
from services.platform.kafka_security import client_options
from services.platform.settings import Settings
from services.platform.topics import TopicNames, catalogue


def security() -> dict[str, Any]:
    """The configured principal and TLS (`JATKUMO_SASL_*`, `JATKUMO_KAFKA_SSL_*`), for a
    broker given in `KAFKA_BOOTSTRAP_SERVERS`; nothing for the bench's own local broker."""
    return client_options(Settings()) if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") else {}


@contextlib.contextmanager
def running_broker() -> Iterator[str]:
    """`KAFKA_BOOTSTRAP_SERVERS` if set, else a local broker on free ports in a fresh dir."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="jatkumo-bench-") as state:
        config = broker.BrokerConfig(
            state_dir=Path(state), port=broker.free_port(), controller_port=broker.free_port()
        )
        broker.start(config, timeout=120)
        try:
            yield config.bootstrap
        finally:
            broker.stop(config)


def prepare_topics(bootstrap: str, names: TopicNames, partitions: int, timeout: float = 60) -> None:
    """Create the namespace's topics and wait until every partition has a leader."""
    specs = catalogue(default_registry(), names, partitions)
    apply_topics(bootstrap, specs, **security())
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, **security())
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            consumer.topics()  # refreshes the metadata
            cluster = consumer._client.cluster
            if all(
                len(cluster.partitions_for_topic(s.name) or ()) == s.partitions
                and all(
                    cluster.leader_for_partition(TopicPartition(s.name, p)) not in (None, -1)
                    for p in range(s.partitions)
                )
                for s in specs
            ):
                return
            time.sleep(0.2)
    finally:
        consumer.close()
    raise TimeoutError(f"topics of {names.namespace} have no leaders after {timeout:.0f} s")


@dataclass(frozen=True)
class Outgoing:
    topic: str
    key: bytes
    value: bytes
    event_id: str


def encode(events: list[Timed], names: TopicNames, codec: Catalogue) -> list[Outgoing]:
    """Each event on its sender's `inbound.<org>` topic, keyed by the synthetic person."""
    return [
        Outgoing(
            names.inbound(t.event.source_org),
            t.person_key.encode(),
            codec.encode(t.event),
            t.event.event_id,
        )
        for t in events
    ]


async def publish(bootstrap: str, messages: list[Outgoing], rate: float | None) -> dict[str, float]:
    """Send every message (as fast as possible, or `rate` per second); wall time of each send."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks=1, linger_ms=5, max_batch_size=262144, **security()
    )
    await producer.start()
    sent: dict[str, float] = {}
    pending: list[asyncio.Future[Any]] = []
    try:
        loop = asyncio.get_running_loop()
        began = loop.time()
        for index, message in enumerate(messages):
            if rate is not None:
                delay = began + index / rate - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            sent[message.event_id] = time.time()
            pending.append(await producer.send(message.topic, message.value, key=message.key))
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


@dataclass
class Seen:
    topic: str
    key: bytes | None
    value: bytes
    produced: float
    """The record's timestamp: when the worker that wrote it sent it (seconds)."""
    received: float


BATCHED_FETCH = {"fetch_min_bytes": 1 << 20, "fetch_max_wait_ms": 500}
"""Fetch settings for an observer whose read time does not matter (the soak): the broker
answers once a MiB is waiting or after 500 ms. With the eager defaults every fetch over a
soak's 366 receipt partitions came back with a record or two, and reading about 70 receipts
a second took a fifth of a core in the observer alone (4.6 s of CPU in 20 s; 0.4 s batched)."""


@dataclass
class Observer:
    """Reads topics from the beginning in the background; `seen` grows as messages arrive.

    By default each fetch returns as soon as anything is there (50 ms at most without), so
    `received` is close to when a record became readable (the latency runs need that)."""

    bootstrap: str
    topics: list[str]
    seen: list[Seen] = field(default_factory=list)
    fetch: dict[str, int] = field(default_factory=lambda: {"fetch_max_wait_ms": 50})
    _task: asyncio.Task[None] | None = None
    _consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            **self.fetch,
            **security(),
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        assert self._consumer is not None
        while True:
            batches = await self._consumer.getmany(timeout_ms=100, max_records=5000)
            now = time.time()
            for records in batches.values():
                self.seen.extend(
                    Seen(r.topic, r.key, r.value, r.timestamp / 1000, now) for r in records
                )

    async def wait(self, done: Any, timeout: float, what: str) -> None:
        """Until `done()` holds; fail after `timeout` seconds with what was awaited."""
        deadline = time.monotonic() + timeout
        while not done():
            if self._task is not None and self._task.done():
                self._task.result()
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()


def groups_stable(bootstrap: str, groups: list[str], timeout: float, alive: Any) -> None:
    """Until every consumer group is Stable with members (workers ready), or fail."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, **security())
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            alive()
            try:
                described = admin.describe_groups(groups)
            except KafkaError:  # the group coordinator is still loading
                described = {}
            if all(_stable(described.get(g)) for g in groups):
                return
            time.sleep(0.5)
    finally:
        admin.close()
    raise TimeoutError(f"consumer groups {groups} not stable within {timeout:.0f} s")


def _stable(group: dict[str, Any] | None) -> bool:
    if not group:
        return False
    return group.get("group_state") == "Stable" and bool(group.get("members"))


class CommitWatch:
    """Whether a consumer group has committed every partition of a topic up to its end."""

    def __init__(self, bootstrap: str, group: str, topic: str) -> None:
        self.group, self.topic = group, topic
        self._admin = KafkaAdminClient(bootstrap_servers=bootstrap, **security())
        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap, **security())

    def done(self) -> bool:
        partitions = [
            TopicPartition(self.topic, p)
            for p in self._consumer.partitions_for_topic(self.topic) or []
        ]
        ends = self._consumer.end_offsets(partitions)
        offsets = self._admin.list_group_offsets(self.group).get(self.group, {})
        return all(
            tp in offsets and offsets[tp].offset >= end for tp, end in ends.items() if end > 0
        )

    def close(self) -> None:
        self._consumer.close()
        self._admin.close()
