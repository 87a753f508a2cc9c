"""Reading topics in tests: bounded polls for a condition, never a fixed sleep."""

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import NewTopic
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import UnknownTopicOrPartitionError
from pydantic import BaseModel

from services.platform.codec import Catalogue

CATALOGUE = Catalogue()


class TopicReader:
    """Accumulates decoded records from some topics, from the beginning."""

    def __init__(self, bootstrap: str, *topics: str) -> None:
        self.records: list[tuple[str, BaseModel]] = []
        self.raw: list[Any] = []
        self._consumer = KafkaConsumer(
            *topics,
            bootstrap_servers=bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=None,
            metadata_max_age_ms=2000,
        )

    def poll(self) -> None:
        for batch in self._consumer.poll(timeout_ms=300).values():
            for message in batch:
                self.raw.append(message)
                self.records.append((message.topic, CATALOGUE.decode(message.value)))

    def wait_for(
        self,
        condition: Callable[[list[tuple[str, BaseModel]]], bool],
        timeout: float = 60.0,
        what: str = "condition",
    ) -> list[tuple[str, BaseModel]]:
        """Poll until `condition(records)` holds; fail with what was seen after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll()
            if condition(self.records):
                return self.records
        kinds = sorted({f"{t}:{type(r).__name__}" for t, r in self.records})
        raise AssertionError(f"timed out waiting for {what}; saw {len(self.records)}: {kinds}")

    def catch_up(self, timeout: float = 30.0) -> list[tuple[str, BaseModel]]:
        """Read every topic to the end offsets it has now (after a barrier: all there is)."""
        deadline = time.monotonic() + timeout
        subscribed = self._consumer.subscription()
        while {
            tp.topic for tp in self._consumer.assignment()
        } != subscribed and time.monotonic() < deadline:
            self.poll()
        ends = self._consumer.end_offsets(list(self._consumer.assignment()))
        while time.monotonic() < deadline:
            if all(self._consumer.position(tp) >= end for tp, end in ends.items()):
                return self.records
            self.poll()
        raise AssertionError(f"could not read to the end within {timeout} s")

    def of(self, model: type[BaseModel], topic: str | None = None) -> list[Any]:
        return [r for t, r in self.records if isinstance(r, model) and topic in (None, t)]

    def close(self) -> None:
        self._consumer.close()


def read_to_end(
    bootstrap: str, topics: list[str], timeout: float = 60.0, **security: Any
) -> Iterator[ConsumerRecord]:
    """Every record of the topics, from the beginning to the end each had when asked."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, **security
    )
    try:
        partitions = [
            TopicPartition(t, p)
            for t in topics
            for p in sorted(consumer.partitions_for_topic(t) or [])
        ]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, "topics could not be read to their end"
            for batch in consumer.poll(timeout_ms=500, max_records=5000).values():
                yield from batch
    finally:
        consumer.close()


def drop_topics(bootstrap: str, batch: int = 200) -> None:
    """Delete every topic of the broker but its own (`__consumer_offsets` and the like). A
    topic already gone is no error."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="jatkumo-test-cleanup")
    try:
        names = sorted(t for t in admin.list_topics() if not t.startswith("__"))
        for start in range(0, len(names), batch):
            try:
                admin.delete_topics(names[start : start + batch], timeout_ms=60_000)
            except UnknownTopicOrPartitionError:
                continue
    finally:
        admin.close()


def new_topic(bootstrap: str, prefix: str, partitions: int) -> str:
    """Create a topic of a fresh name starting with `prefix`; its name."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        admin.close()
    return name
