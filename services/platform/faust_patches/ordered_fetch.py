"""Keep faust from acknowledging messages that no agent processed.

Upstream (faust-streaming 0.15.3): `faust.transport.consumer.Consumer.getmany` and its fetch
loop (`Consumer._add_gap`) take a jump in a partition's offsets for a gap to acknowledge, and
drop a record below the last read offset as a repeat (over aiokafka 0.14.0's fetcher).

faust treats a jump in a partition's offsets as a gap that needs no processing and marks the
skipped offsets acknowledged: right for compacted topics and transaction markers. After a
rebalance the consumer can hand over a record that lies beyond messages which were fetched but
never processed (their queue was cleared while partitions moved). faust then takes those
messages for a gap, acknowledges them and commits past them: they are lost, with no error.

Jatkumo's stream topics are never compacted and carry no transactions, so a jump there only
means "not read yet". `install()` wraps `Consumer.getmany`: at such a jump the consumer seeks
the partition back to the first offset it has not read and leaves the partition's remaining
records of the batch; the next fetch reads the missing messages, in order. The batch's other
partitions go on: their records are already past the consumer's position, and dropping them
would leave a quiet partition with nothing to read and its messages unprocessed. Table
changelogs (compacted, read by recovery) are left as they are.

The opposite happens too. faust drops a record whose offset lies below the partition's last
read offset, taking it for one it has handed over already. After a rebalance its fetch loop can
finish handing over a record of the old assignment once recovery has already moved the
partition back to its committed offset; the last read offset then lies ahead of the position
the consumer reads from, and every record in between was dropped: never processed, never
acknowledged, so the committed offset stopped there and the partition stalled with its lag
until the worker restarted. For a stream topic the position the consumer reads from is the
truth: such a record resets the last read offset to itself and is handed over (a repeat at
worst, which consumers drop by id).

faust's fetch loop also records a jump as a gap of its own, after awaits (a commit, the hand-over
to the stream) during which a rebalance can move the last read offset; a record fetched before
the rebalance then looks like a jump the wrapper never saw, and faust acknowledged the "gap".
For stream topics that bookkeeping is switched off: skipped offsets are read again, never
acknowledged unread.
"""

from collections.abc import AsyncIterator
from contextlib import aclosing, suppress
from typing import Any

from aiokafka.errors import IllegalStateError
from faust.transport.consumer import Consumer

from services.platform.faust_patches import stall_watch
from services.platform.metrics import GUARD_REREADS

_original_getmany = Consumer.getmany
_original_add_gap = Consumer._add_gap


def is_stream_topic(consumer: Any, topic: str) -> bool:
    """A topic whose offsets have no legitimate gaps: acknowledged, and not a changelog."""
    return bool(consumer.app.topics.acks_enabled_for(topic)) and not topic.endswith("-changelog")


def jumps_ahead(last_read: int | None, offset: int) -> bool:
    """True when `offset` is beyond the next offset after `last_read` (faust's own gap test)."""
    return last_read is not None and offset > last_read + 1


def went_back(last_read: int | None, offset: int) -> bool:
    """True when faust would drop the record at `offset` as read already."""
    return last_read is not None and offset < last_read


async def _getmany_in_order(self: Any, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
    records: Any = _original_getmany(self, timeout)
    rewound: set[Any] = set()
    async with aclosing(records) as batch:
        async for tp, message in batch:
            if tp in rewound:
                continue  # read again after the seek; the batch's other partitions go on
            stream_topic = is_stream_topic(self, tp.topic)
            last_read = self._read_offset.get(tp)
            if stream_topic and jumps_ahead(last_read, message.offset):
                self.log.warning(
                    "offsets jumped ahead in %s[%d]: %d after %d; reading again from %d",
                    tp.topic,
                    tp.partition,
                    message.offset,
                    last_read,
                    last_read + 1,
                )
                with suppress(IllegalStateError):  # revoked meanwhile: its new owner reads it
                    await self.seek_wait({tp: last_read + 1})  # in the consumer's own thread
                GUARD_REREADS.labels("ordered_fetch").inc()
                rewound.add(tp)
                continue
            if stream_topic and went_back(last_read, message.offset):
                self.log.warning(
                    "offsets went back in %s[%d]: %d after %d; handing it over",
                    tp.topic,
                    tp.partition,
                    message.offset,
                    last_read,
                )
                self._read_offset[tp] = message.offset
            if stream_topic:
                stall_watch.hand_over(self, tp, message)
            yield tp, message


async def _add_gap_unless_stream(self: Any, tp: Any, offset_from: int, offset_to: int) -> None:
    """faust's fetch loop compares a record with the last read offset again after awaits of
    its own (a commit, the hand-over to the stream), and a rebalance in between moves that
    offset: a record fetched before it can then look like a jump the check above never saw.
    Skipped offsets of a stream topic are never acknowledged; they are read again."""
    if not is_stream_topic(self, tp.topic):
        await _original_add_gap(self, tp, offset_from, offset_to)


def install() -> None:
    """Patch faust's consumer once per process (every app of the process shares it)."""
    if Consumer.getmany is not _getmany_in_order:
        Consumer.getmany = _getmany_in_order  # type: ignore[method-assign]
    if Consumer._add_gap is not _add_gap_unless_stream:
        Consumer._add_gap = _add_gap_unless_stream  # type: ignore[method-assign]
