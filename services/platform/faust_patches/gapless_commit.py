"""Never commit past a message no agent acknowledged, and read such a message again.

Upstream (faust-streaming 0.15.3): `faust.transport.consumer.Consumer._new_offset` (the run
check), `Consumer.force_commit` (nothing reads a dropped message again) and
`Consumer.perform_seek` (aiokafka 0.14.0 leaves a never-committed partition where it is).

faust commits a partition up to the end of the run of consecutive acknowledged offsets. It
checks that the run starts at the committed offset with `min(acked) - committed > 1`, which
lets a run that starts one past the committed offset through (and skips the check entirely
when the committed offset is 0). The message at the committed offset, never acknowledged, was
then committed over: in a fault run a worker joining its group made the streams skip a message
(`ack_guard`), the next two messages of its partition were processed, and the commit moved from
41 to 44; message 41 never became a fact.

For a stream topic (acknowledged, never compacted, no transactions; see `ordered_fetch`) an
acknowledged run that starts above the committed offset means the messages in between were
dropped on their way to the agents and will never be acknowledged: streams acknowledge a
partition's messages in order. `install()` wraps faust's consumer so that such a partition is
not committed, and after the commit the consumer seeks it back to the committed offset: the
dropped messages are read again, in order, and the ones after them are read twice at worst
(consumers drop repeats by id). A partition is sought back for the same offset at most once
per `REREAD_AFTER` seconds, so a slow batch is not read over and over.

A skipped message with nothing acknowledged after it leaves no such run: the last message of a
quiet partition, skipped while the flow was stopped, would hold the partition's lag until the
next rebalance. So the messages `ack_guard` refuses are noted too; one that is still neither
acknowledged nor committed past `GRACE` seconds later (when a rebalance's own seek to the
committed offset has had time to read it again) is read again the same way. So is a partition
that stalls with lag and nothing in flight (`stall_watch`).

A partition nothing was ever committed on escapes these checks: faust skips its own, and after a
rebalance aiokafka's seek to the committed offset leaves such a partition where it is, so what
the rebalance skipped there is never read again. A worker that joined lost the first messages
of five inbound topics that way. So after faust's seek, the consumer seeks every stream
partition without a committed offset to its beginning (where `auto_offset_reset="earliest"`
starts a new group) and takes that as its committed offset.
"""

import asyncio
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from aiokafka.errors import IllegalStateError, KafkaError
from faust.transport.consumer import Consumer

from services.platform.faust_patches import enabled, stall_watch
from services.platform.faust_patches.ordered_fetch import is_stream_topic
from services.platform.metrics import GUARD_REREADS

REREAD_AFTER = 30.0
"""Seconds before the same dropped offset of a partition is sought back to again."""
GRACE = 10.0
"""Seconds a refused message has to be read again by the rebalance before the guard does it."""

_original_new_offset = Consumer._new_offset
_original_force_commit = Consumer.force_commit
_original_perform_seek = Consumer.perform_seek


def dropped_below(first_acked: int, committed: int | None) -> bool:
    """True when acknowledged offsets start above the committed one (the next to process):
    the messages from `committed` up to `first_acked` were never acknowledged."""
    return committed is not None and first_acked > committed


def _new_offset_without_skips(self: Any, tp: Any) -> int | None:
    acked = self._acked[tp]
    if acked and is_stream_topic(self, tp.topic):
        committed = self._committed_offset[tp]
        if dropped_below(min(acked), committed):
            note_dropped(self, tp, committed, at=time.monotonic() - GRACE)  # certain: no grace
            return None
    result: int | None = _original_new_offset(self, tp)
    return result


async def _perform_seek_from_the_beginning(self: Any) -> None:
    await _original_perform_seek(self)
    uncommitted = [
        tp
        for tp in self.assignment()
        if is_stream_topic(self, tp.topic) and not self._committed_offset.get(tp)
    ]
    if not uncommitted:
        return
    beginnings = await self.earliest_offsets(*uncommitted)
    await self.seek_wait({tp: beginnings[tp] for tp in uncommitted})
    for tp in uncommitted:
        start = beginnings[tp]
        self._committed_offset[tp] = start
        self._read_offset[tp] = _read_before(start)


async def _force_commit_then_reread(self: Any, *args: Any, **kwargs: Any) -> bool:
    committed: bool = await _original_force_commit(self, *args, **kwargs)
    if enabled("stall_watch"):
        watch_stalls_aside(self)
    await reread_dropped(self)
    return committed


def watch_stalls_aside(consumer: Any) -> None:
    """Run `notice_stalls` beside the commit, one at a time; what it notes is read again at a
    later commit.

    Its question for the end offsets goes through faust's consumer thread and took up to 1.5 s
    in the demo; faust's fetch loop awaits a commit every `broker_commit_every` messages, so
    awaiting the question there held every partition of the worker for that long."""
    rereads = _rereads(consumer)
    if rereads.stall_check is None or rereads.stall_check.done():
        rereads.stall_check = asyncio.ensure_future(notice_stalls(consumer))
        rereads.stall_check.add_done_callback(partial(_report_failure, consumer))


def _report_failure(consumer: Any, check: "asyncio.Future[None]") -> None:
    if not check.cancelled() and (error := check.exception()) is not None:
        consumer.log.warning("looking for stalled partitions failed: %r", error)


async def notice_stalls(consumer: Any) -> None:
    """Note the committed offset of every stalled stream partition as dropped (`stall_watch`)."""
    flowing = _flowing(consumer)
    tps = [tp for tp in consumer.assignment() if is_stream_topic(consumer, tp.topic)]
    quiet = stall_watch.quiet_partitions(consumer, tps, flowing)
    if not quiet:
        return
    try:
        ends = await consumer.highwaters(*quiet)
    except (KafkaError, IllegalStateError):
        return  # asked again at the next commit
    now = time.monotonic()
    for tp in quiet:
        committed = consumer._committed_offset.get(tp)
        if stall_watch.has_lag(committed, ends.get(tp)):
            GUARD_REREADS.labels("stall_watch").inc()
            note_dropped(consumer, tp, committed, at=now - GRACE)  # certain: nothing in flight
        stall_watch.restart_clock(consumer, tp, now)


def note_dropped(consumer: Any, tp: Any, offset: int, at: float | None = None) -> None:
    """Remember that the message at `offset` of `tp` was left unacknowledged (lowest kept)."""
    dropped = _rereads(consumer).dropped
    known = dropped.get(tp)
    if known is None or offset < known[0]:
        dropped[tp] = (offset, time.monotonic() if at is None else at)


async def reread_dropped(consumer: Any) -> None:
    """Seek every partition whose dropped messages are still unprocessed back to its committed
    offset (or to the dropped offset when nothing was ever committed)."""
    dropped, sought = _rereads(consumer).dropped, _rereads(consumer).sought
    if not dropped or not _flowing(consumer):
        return
    assignment = consumer.assignment()
    now = time.monotonic()
    for tp, (offset, noted_at) in list(dropped.items()):
        committed = consumer._committed_offset.get(tp)
        if tp not in assignment or not still_unprocessed(
            offset, committed, consumer._acked_index.get(tp, ())
        ):
            del dropped[tp]  # moved to another owner, or read again and processed
            continue
        start = offset if committed is None else committed
        if now - noted_at < GRACE or now - sought.get((tp, start), -REREAD_AFTER) < REREAD_AFTER:
            continue
        del dropped[tp]
        sought[(tp, start)] = now
        GUARD_REREADS.labels("gapless_commit").inc()
        consumer.log.warning(
            "message %d of %s[%d] was never acknowledged; reading again from %d",
            offset,
            tp.topic,
            tp.partition,
            start,
        )
        try:
            await consumer.seek_wait({tp: start})
        except IllegalStateError:
            continue  # revoked meanwhile: its new owner reads from the committed offset
        consumer._read_offset[tp] = _read_before(start)


def still_unprocessed(offset: int, committed: int | None, acked: Collection[int]) -> bool:
    """True while a dropped message is neither committed past nor acknowledged."""
    return (committed is None or committed <= offset) and offset not in acked


def _flowing(consumer: Any) -> bool:
    """True while the consumer's flow runs (not during a rebalance)."""
    return bool(consumer.flow_active and consumer.app.flow_control.is_active())


def _read_before(start: int) -> int | None:
    """The last read offset that makes the record at `start` the next one in order."""
    return start - 1 if start > 0 else None


@dataclass
class _Rereads:
    dropped: dict[Any, tuple[int, float]] = field(default_factory=dict)
    """Per partition: the lowest dropped offset and when it was noted."""
    sought: dict[tuple[Any, int], float] = field(default_factory=dict)
    """When each (partition, offset) was last sought back to."""
    stall_check: "asyncio.Future[None] | None" = None
    """The `notice_stalls` running beside the commits, if any (`watch_stalls_aside`)."""


def _rereads(consumer: Any) -> _Rereads:
    found: _Rereads | None = consumer.__dict__.get("_jatkumo_rereads")
    if found is None:
        found = consumer.__dict__["_jatkumo_rereads"] = _Rereads()
    return found


def install() -> None:
    """Patch faust's consumer once per process (every app of the process shares it)."""
    if Consumer._new_offset is not _new_offset_without_skips:
        Consumer._new_offset = _new_offset_without_skips  # type: ignore[method-assign]
    if Consumer.force_commit is not _force_commit_then_reread:
        Consumer.force_commit = _force_commit_then_reread  # type: ignore[method-assign]
    if Consumer.perform_seek is not _perform_seek_from_the_beginning:
        Consumer.perform_seek = _perform_seek_from_the_beginning  # type: ignore[method-assign]
