"""A batch delivers every output before it writes a table, and writes in message order, each
write in the name of the message that caused it."""

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from types import SimpleNamespace
from typing import Any

from faust.events import Event
from faust.streams import current_event
from faust.types.tuples import Message

from services.platform.batching import Batch, decide_in_batches, processing


class RecordingTable(dict[bytes, bytes]):
    """A table that records every write with the partition of faust's current event."""

    def __init__(self, log: list[tuple[str, bytes, bytes | None, int]]) -> None:
        super().__init__()
        self.log = log

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.log.append(("write", key, value, _partition()))
        super().__setitem__(key, value)

    def __delitem__(self, key: bytes) -> None:
        self.log.append(("delete", key, None, _partition()))
        super().__delitem__(key)


def _partition() -> int:
    event = current_event()
    assert event is not None, "a table write outside of any message"
    return int(event.message.partition)


class FakeEvent:
    """faust refers to its current event weakly, so a fake event must allow weak references."""

    def __init__(self, partition: int) -> None:
        self.message = SimpleNamespace(partition=partition)


def _event(partition: int) -> Any:
    return FakeEvent(partition)


def _delivery(log: list[tuple[str, bytes, bytes | None, int]], name: bytes) -> Any:
    async def delivered() -> None:
        log.append(("delivered", name, None, -1))

    return delivered()


def test_outputs_are_delivered_before_any_table_write() -> None:
    """Every output of the batch is delivered, then the tables are written."""
    log: list[tuple[str, bytes, bytes | None, int]] = []
    table = RecordingTable(log)
    batch = Batch()
    batch.extend([_delivery(log, b"fact-1")])
    batch.write(_event(0), table, b"p1", b"s1")
    batch.extend([_delivery(log, b"fact-2")])
    batch.write(_event(1), table, b"p2", b"s2")
    asyncio.run(batch.flush())
    assert [entry[0] for entry in log] == ["delivered", "delivered", "write", "write"]


def test_each_write_goes_to_its_own_message_partition_in_order() -> None:
    """Writes keep message order and each uses the partition of the message that caused it."""
    log: list[tuple[str, bytes, bytes | None, int]] = []
    table = RecordingTable(log)
    batch = Batch()
    batch.write(_event(3), table, b"p1", b"a")
    batch.write(_event(5), table, b"p2", b"b")
    batch.write(_event(3), table, b"p1", b"c")
    asyncio.run(batch.flush())
    assert log == [("write", b"p1", b"a", 3), ("write", b"p2", b"b", 5), ("write", b"p1", b"c", 3)]
    assert table == {b"p1": b"c", b"p2": b"b"}


def test_a_later_message_reads_what_the_batch_decided() -> None:
    """Before the flush, reads see the batch's newest state for a key, decoded once."""
    table = RecordingTable([])
    dict.__setitem__(table, b"p1", b"old")
    batch = Batch()
    assert batch.read(_event(0), table, b"p1", bytes.upper) == b"OLD"
    batch.write(_event(0), table, b"p1", b"new", decoded=b"decoded-new")
    assert batch.read(_event(0), table, b"p1", bytes.upper) == b"decoded-new"
    assert batch.raw(_event(0), table, b"p1") == b"new"


def test_a_staged_delete_reads_as_absent_and_deletes_on_flush() -> None:
    """None as a value deletes the key; until the flush, reads already see it gone."""
    log: list[tuple[str, bytes, bytes | None, int]] = []
    table = RecordingTable(log)
    dict.__setitem__(table, b"p1", b"due")
    batch = Batch()
    batch.write(_event(2), table, b"p1", None)
    assert batch.read(_event(0), table, b"p1", bytes.upper) is None
    assert batch.raw(_event(0), table, b"p1") is None
    asyncio.run(batch.flush())
    assert log == [("delete", b"p1", None, 2)]
    assert b"p1" not in table


def test_processing_restores_the_previous_current_event() -> None:
    """Outside `processing`, faust's current event is what it was before."""
    before = current_event()
    with processing(_event(7)):
        assert _partition() == 7
    assert current_event() is before


class TakingStream:
    """Hands over `events` as one batch and, as faust's `Stream.take_events` does, acknowledges
    them in the `finally` around the `yield`, however the generator leaves it."""

    def __init__(self, events: list[Any]) -> None:
        self.events = events
        self.taking: AsyncGenerator[list[Any], None] | None = None

    def take_events(self, max_: int, within: float) -> AsyncGenerator[list[Any], None]:
        self.taking = self._take()
        return self.taking

    async def _take(self) -> AsyncGenerator[list[Any], None]:
        try:
            yield list(self.events)
        finally:
            for event in self.events:
                event.ack()


def _received(offset: int) -> Any:
    """A faust event whose message one stream received (the conductor's one reference)."""
    message = Message("topic", 0, offset, 0.0, 0, None, b"k", b"v", None)
    message.incref()
    app: Any = SimpleNamespace(consumer=None)
    return Event(app, b"k", b"v", None, message)


RUNTIME: Any = SimpleNamespace(log=SimpleNamespace(exception=lambda *a, **k: None))


def test_a_decided_batch_is_acknowledged_only_after_its_outputs_are_delivered() -> None:
    """No message is acknowledged while the outputs are delivered; all are, afterwards."""
    events = [_received(0), _received(1)]
    acked_at_delivery: list[bool] = []

    async def deliver() -> None:
        acked_at_delivery.extend(event.message.acked for event in events)

    async def decide(event: Any, batch: Batch) -> None:
        if event is events[-1]:
            batch.extend([deliver()])

    asyncio.run(decide_in_batches(RUNTIME, TakingStream(events), decide, stage="test"))
    assert acked_at_delivery == [False, False]
    assert [event.message.acked for event in events] == [True, True]


def test_a_batch_stopped_in_its_middle_is_never_acknowledged() -> None:
    """Closed by its stream's stop while the batch waits, then cancelled: nothing is acked."""
    events = [_received(0), _received(1)]
    stream = TakingStream(events)
    started = asyncio.Event()

    async def undecided(event: Any, batch: Batch) -> None:
        started.set()
        await asyncio.Event().wait()

    async def run() -> None:
        task = asyncio.create_task(decide_in_batches(RUNTIME, stream, undecided, stage="test"))
        await started.wait()
        assert stream.taking is not None
        await stream.taking.aclose()  # as faust's `Stream.on_stop` does, ack in its `finally`
        task.cancel()  # then the agent's task, as a stopping worker does
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(run())
    assert [event.message.acked for event in events] == [False, False]


def test_a_batch_cancelled_in_its_body_is_never_acknowledged() -> None:
    """Cancelled first, its generator closed afterwards: nothing of the batch is acked."""
    events = [_received(0), _received(1)]

    async def cancelled(event: Any, batch: Batch) -> None:
        raise asyncio.CancelledError

    async def run() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await decide_in_batches(RUNTIME, TakingStream(events), cancelled, stage="test")

    asyncio.run(run())  # closes the abandoned generators: faust's `finally` acks then
    assert [event.message.acked for event in events] == [False, False]
