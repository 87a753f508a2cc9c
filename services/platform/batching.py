"""Decide message after message, deliver the outputs once, then write the tables.

A stateful shell must not write the table that remembers a decision before the broker has the
decision's outputs (see `runtime.delivered`). Waiting for each message's outputs on its own
makes every message a produce request of its own and a round trip to the broker. A `Batch`
keeps the guarantee for a whole batch of messages instead: the shell decides each message in
order, reading the states the batch has decided so far, and queues its outputs and its table
writes; `flush` waits once for every output of the batch and only then writes the tables,
in message order, one write per decision as before. Each write is made in the name of the
message that caused it (faust picks the changelog partition from the message being
processed), so a person's state stays on its own partition.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar
from weakref import ref

from faust.streams import _current_event

from services.platform.faust_patches.batch_acks import acknowledged_when_decided
from services.platform.metrics import DECISION_SECONDS
from services.platform.runtime import Runtime, delivered

T = TypeVar("T")

BATCH_SIZE = 500
"""At most this many messages are decided before their outputs are delivered."""
BATCH_WITHIN = 0.01
"""Seconds a partly filled batch waits for more messages: the latency a quiet stream pays."""


@dataclass
class _Write:
    event: Any
    table: Any
    key: bytes
    value: bytes | None


@dataclass
class Batch:
    """The outputs and table writes that a batch of messages has decided so far."""

    sent: list[Awaitable[Any]] = field(default_factory=list)
    _writes: list[_Write] = field(default_factory=list)
    _latest: dict[tuple[int, bytes], tuple[bytes | None, Any]] = field(default_factory=dict)

    def read(self, event: Any, table: Any, key: bytes, parse: Callable[[bytes], T]) -> T | None:
        """The state this batch decided last for `key`, else the table's, parsed."""
        staged = self._latest.get((id(table), key))
        if staged is not None:
            raw, decoded = staged
            if raw is None:
                return None
            return parse(raw) if decoded is None else decoded
        raw = self._stored(event, table, key)
        return parse(raw) if raw else None

    def raw(self, event: Any, table: Any, key: bytes) -> bytes | None:
        """The bytes this batch wrote last for `key`, else the table's."""
        staged = self._latest.get((id(table), key))
        return staged[0] if staged is not None else self._stored(event, table, key)

    @staticmethod
    def _stored(event: Any, table: Any, key: bytes) -> bytes | None:
        with processing(event):  # a partitioned store reads the event's partition
            value: bytes | None = table.get(key)
        return value

    def write(
        self, event: Any, table: Any, key: bytes, value: bytes | None, decoded: Any = None
    ) -> None:
        """Queue `table[key] = value` (None deletes) in the name of `event`."""
        self._writes.append(_Write(event, table, key, value))
        self._latest[(id(table), key)] = (value, decoded)

    def extend(self, sent: Sequence[Awaitable[Any]]) -> None:
        self.sent.extend(sent)

    async def flush(self) -> None:
        """Deliver every output, then write the tables in message order."""
        await delivered(self.sent)
        for write in self._writes:
            with processing(write.event):
                if write.value is not None:
                    write.table[write.key] = write.value
                elif write.table.get(write.key) is not None:
                    del write.table[write.key]
        self.sent.clear()
        self._writes.clear()
        self._latest.clear()


@contextmanager
def processing(event: Any) -> Iterator[None]:
    """Make `event` faust's current event: table writes go to its partition."""
    token = _current_event.set(ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


async def batches(stream: Any) -> AsyncIterator[Sequence[Any]]:
    """The stream's events a batch at a time; faust acknowledges them after the batch's body
    (with `acknowledged_when_decided`, only after a body that ended without an exception)."""
    async for events in stream.take_events(BATCH_SIZE, BATCH_WITHIN):
        yield events


Handler = Callable[[Any, Batch], Awaitable[None]]


async def decide_in_batches(
    rt: Runtime, stream: Any, handle: Handler, *, stage: str, lock: asyncio.Lock | None = None
) -> None:
    """Run `handle` on each event of each batch, then flush the batch.

    Whatever goes wrong with one message dead-letters that message and the batch goes on; if
    the batch's outputs cannot be delivered, its messages are dead-lettered and nothing of
    the batch is written. The batch's messages are acknowledged once the batch is decided and
    its outputs are delivered. What escapes (a cancellation, as when the worker stops in the
    middle of a batch) leaves every message of the batch unacknowledged, to be read again."""
    async for events in batches(stream):
        with acknowledged_when_decided(events):
            async with lock or nullcontext():
                await _decide_and_flush(rt, events, handle, stage)


async def _decide_and_flush(
    rt: Runtime, events: Sequence[Any], handle: Handler, stage: str
) -> None:
    batch = Batch()
    seconds = DECISION_SECONDS.labels(stage)
    for event in events:
        try:
            with seconds.time():
                await handle(event, batch)
        except Exception as error:
            rt.log.exception("decision_failed", stage=stage, error=type(error).__name__)
            batch.extend(
                [
                    await rt.dead_letter(
                        "internal_error", type(error).__name__, event.message, stage=stage
                    )
                ]
            )
    try:
        await batch.flush()
    except Exception as error:
        rt.log.exception("batch_failed", stage=stage, error=type(error).__name__)
        for event in events:
            await rt.dead_letter("internal_error", type(error).__name__, event.message, stage=stage)
