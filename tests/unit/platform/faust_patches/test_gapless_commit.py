"""A stream partition is never committed past an unacknowledged message; the consumer reads
such a message again from the committed offset."""

import asyncio
import time
from collections import defaultdict
from types import SimpleNamespace
from typing import Any, NamedTuple

from faust.transport.consumer import Consumer
from intervaltree import IntervalTree  # type: ignore[import-untyped]

from services.platform.faust_patches import gapless_commit


class TP(NamedTuple):
    topic: str
    partition: int


STREAM = TP("ns.inbound.prison-kayran", 0)


class FakeConsumer:
    """The parts of faust's consumer the guard reads and writes."""

    def __init__(
        self,
        committed: int | None,
        acked: list[int],
        *,
        flowing: bool = True,
        assigned: bool = True,
    ) -> None:
        self._committed_offset: defaultdict[Any, int | None] = defaultdict(lambda: None)
        self._committed_offset[STREAM] = committed
        self._acked: defaultdict[Any, list[int]] = defaultdict(list)
        self._acked[STREAM] = list(acked)
        self._acked_index = defaultdict(set, {STREAM: set(acked)})
        self._gap: defaultdict[Any, IntervalTree] = defaultdict(IntervalTree)
        self._read_offset: dict[Any, int | None] = {STREAM: max(acked, default=None)}
        self.flow_active = flowing
        self.app = SimpleNamespace(
            topics=SimpleNamespace(acks_enabled_for=lambda topic: True),
            flow_control=SimpleNamespace(is_active=lambda: flowing),
        )
        self.log = SimpleNamespace(warning=lambda *a, **k: None)
        self.assigned = {STREAM} if assigned else set()
        self.seeks: list[dict[Any, int]] = []

    def assignment(self) -> set[Any]:
        return self.assigned

    async def seek_wait(self, partitions: dict[Any, int]) -> None:
        self.seeks.append(partitions)


def _new_offset(consumer: FakeConsumer) -> int | None:
    return gapless_commit._new_offset_without_skips(consumer, STREAM)


def test_dropped_below_needs_the_run_to_start_at_the_committed_offset() -> None:
    """Acknowledged from 42 with 41 committed leaves 41 unacknowledged; from 41 it does not."""
    assert gapless_commit.dropped_below(42, 41)
    assert not gapless_commit.dropped_below(41, 41)
    assert not gapless_commit.dropped_below(42, None)


def test_a_run_one_past_the_committed_offset_is_not_committed() -> None:
    """faust's own check would commit 44 over an unacknowledged 41; the guard commits nothing."""
    assert _new_offset(FakeConsumer(committed=41, acked=[42, 43])) is None


def test_a_run_above_a_committed_zero_is_not_committed() -> None:
    """faust skips its check when the committed offset is 0; the guard does not."""
    assert _new_offset(FakeConsumer(committed=0, acked=[3, 4])) is None


def test_a_run_from_the_committed_offset_is_committed() -> None:
    """Acknowledged 41..43 with 41 committed commits 44, as faust would."""
    assert _new_offset(FakeConsumer(committed=41, acked=[43, 41, 42])) == 44


def test_a_partition_with_a_dropped_message_is_read_again_from_the_committed_offset() -> None:
    """After the commit the consumer seeks back to 41, and 41 is the next offset in order."""
    consumer = FakeConsumer(committed=41, acked=[42, 43])
    _new_offset(consumer)
    asyncio.run(gapless_commit.reread_dropped(consumer))
    assert consumer.seeks == [{STREAM: 41}]
    assert consumer._read_offset[STREAM] == 40


def test_the_same_dropped_offset_is_not_sought_again_at_once() -> None:
    """A slow batch is not read over and over: one seek per offset per REREAD_AFTER."""
    consumer = FakeConsumer(committed=41, acked=[42, 43])
    for _ in range(3):
        _new_offset(consumer)
        asyncio.run(gapless_commit.reread_dropped(consumer))
    assert consumer.seeks == [{STREAM: 41}]


def test_no_seek_while_the_flow_is_stopped() -> None:
    """During a rebalance the guard waits; the partition's next owner reads from the commit."""
    consumer = FakeConsumer(committed=41, acked=[42, 43], flowing=False)
    _new_offset(consumer)
    asyncio.run(gapless_commit.reread_dropped(consumer))
    assert consumer.seeks == []


def test_no_seek_for_a_partition_revoked_meanwhile() -> None:
    """A partition no longer assigned is left to its new owner."""
    consumer = FakeConsumer(committed=41, acked=[42, 43], assigned=False)
    _new_offset(consumer)
    asyncio.run(gapless_commit.reread_dropped(consumer))
    assert consumer.seeks == []


def test_still_unprocessed_until_acknowledged_or_committed_past() -> None:
    """A dropped 41 counts as unprocessed until it is acknowledged or the commit passes it."""
    assert gapless_commit.still_unprocessed(41, 41, set())
    assert gapless_commit.still_unprocessed(41, None, set())
    assert not gapless_commit.still_unprocessed(41, 41, {41})
    assert not gapless_commit.still_unprocessed(41, 42, set())


def test_a_refused_message_waits_for_the_grace_period() -> None:
    """Right after a rebalance its own seek may still be reading the message: no seek yet."""
    consumer = FakeConsumer(committed=41, acked=[])
    gapless_commit.note_dropped(consumer, STREAM, 41)
    asyncio.run(gapless_commit.reread_dropped(consumer))
    assert consumer.seeks == []
    assert STREAM in gapless_commit._rereads(consumer).dropped


def test_a_refused_last_message_is_read_again_after_the_grace_period() -> None:
    """A skipped message with nothing after it is still read again, from the committed offset."""
    consumer = FakeConsumer(committed=41, acked=[])
    gapless_commit.note_dropped(consumer, STREAM, 41, at=time.monotonic() - gapless_commit.GRACE)
    asyncio.run(gapless_commit.reread_dropped(consumer))
    assert consumer.seeks == [{STREAM: 41}]


def test_a_refused_message_processed_since_is_forgotten() -> None:
    """Once the rebalance's own seek had it processed and committed past, nothing is sought."""
    consumer = FakeConsumer(committed=45, acked=[])
    gapless_commit.note_dropped(consumer, STREAM, 41, at=time.monotonic() - gapless_commit.GRACE)
    asyncio.run(gapless_commit.reread_dropped(consumer))
    assert consumer.seeks == []
    assert gapless_commit._rereads(consumer).dropped == {}


def test_the_lowest_dropped_offset_is_kept() -> None:
    """Several refusals on one partition are read again from the lowest."""
    consumer = FakeConsumer(committed=None, acked=[])
    for offset in (44, 41, 43):
        gapless_commit.note_dropped(consumer, STREAM, offset, at=0.0)
    asyncio.run(gapless_commit.reread_dropped(consumer))
    assert consumer.seeks == [{STREAM: 41}]


def test_after_a_rebalance_an_uncommitted_partition_starts_from_its_beginning(
    monkeypatch: Any,
) -> None:
    """aiokafka leaves a never-committed partition where it is; the guard seeks it to its start
    and takes that as the committed offset, so what the rebalance skipped is read again."""
    already_committed = TP("ns.inbound.county-12", 0)
    changelog = TP("jatkumo-ns-referral-referral-persons-changelog", 0)
    consumer = FakeConsumer(committed=None, acked=[])
    consumer._committed_offset[already_committed] = 7
    consumer.assigned = {STREAM, already_committed, changelog}

    async def earliest_offsets(*tps: Any) -> dict[Any, int]:
        return dict.fromkeys(tps, 3)

    async def faust_seek(self: Any) -> None:
        return None

    consumer.earliest_offsets = earliest_offsets  # type: ignore[attr-defined]
    consumer.app.topics.acks_enabled_for = lambda topic: not topic.endswith("-changelog")
    monkeypatch.setattr(gapless_commit, "_original_perform_seek", faust_seek)
    asyncio.run(gapless_commit._perform_seek_from_the_beginning(consumer))
    assert consumer.seeks == [{STREAM: 3}]
    assert consumer._committed_offset[STREAM] == 3
    assert consumer._read_offset[STREAM] == 2
    assert consumer._committed_offset[already_committed] == 7


def test_install_patches_the_consumer() -> None:
    """After install faust's consumer commits and re-reads through the guard."""
    gapless_commit.install()
    assert Consumer._new_offset is gapless_commit._new_offset_without_skips
    assert Consumer.force_commit is gapless_commit._force_commit_then_reread
    assert Consumer.perform_seek is gapless_commit._perform_seek_from_the_beginning
