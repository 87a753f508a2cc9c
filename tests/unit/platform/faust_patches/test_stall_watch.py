"""A stream partition with lag, nothing in flight and no progress for a while is noticed, and
read again from its committed offset; a busy or moving partition is left alone."""

import asyncio
from collections import defaultdict
from types import SimpleNamespace
from typing import Any, NamedTuple

from services.platform.faust_patches import gapless_commit, stall_watch
from services.platform.faust_patches.stall_watch import STALL


class TP(NamedTuple):
    topic: str
    partition: int


STUCK = TP("ns.inbound.county-06", 1)


class Record:
    def __init__(self, offset: int, acked: bool = False) -> None:
        self.offset = offset
        self.acked = acked


class FakeConsumer:
    def __init__(self, committed: int, end: int) -> None:
        self._committed_offset: defaultdict[Any, int | None] = defaultdict(lambda: None)
        self._committed_offset[STUCK] = committed
        self._read_offset: dict[Any, int | None] = {STUCK: committed}
        self._acked: defaultdict[Any, list[int]] = defaultdict(list)
        self._acked_index: defaultdict[Any, set[int]] = defaultdict(set)
        self.end = end
        self.flow_active = True
        self.app = SimpleNamespace(
            topics=SimpleNamespace(acks_enabled_for=lambda topic: True),
            flow_control=SimpleNamespace(is_active=lambda: True),
        )
        self.log = SimpleNamespace(warning=lambda *a, **k: None)
        self.seeks: list[dict[Any, int]] = []

    def assignment(self) -> set[Any]:
        return {STUCK}

    async def highwaters(self, *tps: Any) -> dict[Any, int]:
        return dict.fromkeys(tps, self.end)

    async def seek_wait(self, partitions: dict[Any, int]) -> None:
        self.seeks.append(partitions)


def _quiet(consumer: FakeConsumer, at: float) -> list[Any]:
    return stall_watch.quiet_partitions(consumer, [STUCK], flowing=True, now=at)


def test_quiet_needs_stall_seconds_without_progress() -> None:
    """Seen first at 0 and unchanged: quiet only from STALL seconds on."""
    consumer = FakeConsumer(committed=22, end=23)
    assert _quiet(consumer, 0.0) == []
    assert _quiet(consumer, STALL - 1) == []
    assert _quiet(consumer, STALL) == [STUCK]


def test_progress_restarts_the_clock() -> None:
    """A partition whose read offset moved is not quiet, however long it was watched."""
    consumer = FakeConsumer(committed=22, end=30)
    _quiet(consumer, 0.0)
    consumer._read_offset[STUCK] = 25
    assert _quiet(consumer, STALL) == []
    assert _quiet(consumer, 2 * STALL) == [STUCK]


def test_a_message_in_flight_keeps_the_partition_busy() -> None:
    """A handed-over message not yet acknowledged means someone is processing the partition."""
    consumer = FakeConsumer(committed=22, end=23)
    in_flight = Record(22)
    stall_watch.hand_over(consumer, STUCK, in_flight)
    _quiet(consumer, 0.0)
    assert _quiet(consumer, STALL) == []
    in_flight.acked = True
    assert _quiet(consumer, STALL) == [STUCK]


def test_time_with_the_flow_stopped_does_not_count() -> None:
    """A rebalance's pause is not a stall: the clock starts again when the flow runs."""
    consumer = FakeConsumer(committed=22, end=23)
    stall_watch.quiet_partitions(consumer, [STUCK], flowing=False, now=0.0)
    stall_watch.quiet_partitions(consumer, [STUCK], flowing=False, now=STALL)
    assert _quiet(consumer, STALL + 1) == []


def test_lag_is_an_end_beyond_the_committed_offset() -> None:
    """End 23 over committed 22 is one message to process; equal offsets are none."""
    assert stall_watch.has_lag(22, 23)
    assert not stall_watch.has_lag(23, 23)
    assert not stall_watch.has_lag(None, 23)


def test_a_stalled_partition_with_lag_is_read_again_from_its_committed_offset() -> None:
    """Quiet for STALL seconds with message 22 unprocessed: the consumer seeks back to 22."""
    consumer = FakeConsumer(committed=22, end=23)
    _quiet(consumer, -2 * STALL)  # first seen long ago, nothing has moved since
    asyncio.run(gapless_commit.notice_stalls(consumer))
    asyncio.run(gapless_commit.reread_dropped(consumer))
    assert consumer.seeks == [{STUCK: 22}]


def test_a_quiet_partition_without_lag_is_left_alone() -> None:
    """An idle partition that processed everything is quiet but not stalled."""
    consumer = FakeConsumer(committed=23, end=23)
    _quiet(consumer, -2 * STALL)
    asyncio.run(gapless_commit.notice_stalls(consumer))
    asyncio.run(gapless_commit.reread_dropped(consumer))
    assert consumer.seeks == []


async def _running_check(consumer: FakeConsumer) -> None:
    check = gapless_commit._rereads(consumer).stall_check
    assert check is not None
    await check


class SlowEnds(FakeConsumer):
    """A consumer whose question for the end offsets waits until `answer` is set."""

    def __init__(self, committed: int, end: int) -> None:
        super().__init__(committed, end)
        self.answer = asyncio.Event()
        self.asked = 0

    async def highwaters(self, *tps: Any) -> dict[Any, int]:
        self.asked += 1
        await self.answer.wait()
        return dict.fromkeys(tps, self.end)


def test_the_stall_check_runs_beside_the_caller_without_holding_it() -> None:
    """While the end offsets are still unanswered, the check has not noted anything yet and
    the caller (the commit) has gone on; once answered, the stalled partition is noted."""

    async def scenario() -> tuple[int, list[dict[Any, int]], list[dict[Any, int]]]:
        consumer = SlowEnds(committed=22, end=23)
        _quiet(consumer, -2 * STALL)
        gapless_commit.watch_stalls_aside(consumer)
        await asyncio.sleep(0)  # the check starts and waits for its answer
        await gapless_commit.reread_dropped(consumer)
        before = list(consumer.seeks)
        consumer.answer.set()
        await _running_check(consumer)
        await gapless_commit.reread_dropped(consumer)
        return consumer.asked, before, consumer.seeks

    asked, before, after = asyncio.run(scenario())
    assert (asked, before, after) == (1, [], [{STUCK: 22}])


def test_one_stall_check_at_a_time() -> None:
    """A commit while the previous check still waits for its answer starts no second one."""

    async def scenario() -> int:
        consumer = SlowEnds(committed=22, end=23)
        _quiet(consumer, -2 * STALL)
        gapless_commit.watch_stalls_aside(consumer)
        await asyncio.sleep(0)
        gapless_commit.watch_stalls_aside(consumer)
        await asyncio.sleep(0)
        consumer.answer.set()
        await _running_check(consumer)
        return consumer.asked

    assert asyncio.run(scenario()) == 1
