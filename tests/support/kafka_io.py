"""Reading topics in tests: bounded polls for a condition, never a fixed sleep."""

import time
from collections.abc import Callable
from typing import Any

from kafka import KafkaConsumer
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
