"""Never commit past a message no agent acknowledged, and read such a message again.

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
"""

import time
from typing import Any

from aiokafka.errors import IllegalStateError
from faust.transport.consumer import Consumer

from services.platform.ordered_fetch import is_stream_topic

REREAD_AFTER = 30.0
"""Seconds before the same dropped offset of a partition is sought back to again."""

_original_new_offset = Consumer._new_offset
_original_force_commit = Consumer.force_commit


def dropped_below(first_acked: int, committed: int | None) -> bool:
    """True when acknowledged offsets start above the committed one (the next to process):
    the messages from `committed` up to `first_acked` were never acknowledged."""
    return committed is not None and first_acked > committed


def _new_offset_without_skips(self: Any, tp: Any) -> int | None:
    acked = self._acked[tp]
    if acked and is_stream_topic(self, tp.topic):
        committed = self._committed_offset[tp]
        if dropped_below(min(acked), committed):
            _dropped(self)[tp] = committed
            return None
    result: int | None = _original_new_offset(self, tp)
    return result


async def _force_commit_then_reread(self: Any, *args: Any, **kwargs: Any) -> bool:
    committed: bool = await _original_force_commit(self, *args, **kwargs)
    await reread_dropped(self)
    return committed


async def reread_dropped(consumer: Any) -> None:
    """Seek every partition that has dropped messages back to its committed offset."""
    dropped = _dropped(consumer)
    if not dropped or not (consumer.flow_active and consumer.app.flow_control.is_active()):
        return
    sought = _sought(consumer)
    assignment = consumer.assignment()
    now = time.monotonic()
    for tp, offset in list(dropped.items()):
        del dropped[tp]
        if tp not in assignment or consumer._committed_offset.get(tp) != offset:
            continue  # moved meanwhile: its new owner reads from the committed offset
        if now - sought.get((tp, offset), -REREAD_AFTER) < REREAD_AFTER:
            continue
        sought[(tp, offset)] = now
        consumer.log.warning(
            "messages of %s[%d] from %d were never acknowledged; reading again from %d",
            tp.topic, tp.partition, offset, offset,
        )
        try:
            await consumer.seek_wait({tp: offset})
        except IllegalStateError:
            continue  # revoked meanwhile: its new owner reads from the committed offset
        # the last offset read is the one before: the record at `offset` is the next in order
        consumer._read_offset[tp] = offset - 1 if offset > 0 else None


def _dropped(consumer: Any) -> dict[Any, int]:
    found: dict[Any, int] | None = consumer.__dict__.get("_jatkumo_dropped")
    if found is None:
        found = consumer.__dict__["_jatkumo_dropped"] = {}
    return found


def _sought(consumer: Any) -> dict[tuple[Any, int], float]:
    found: dict[tuple[Any, int], float] | None = consumer.__dict__.get("_jatkumo_sought")
    if found is None:
        found = consumer.__dict__["_jatkumo_sought"] = {}
    return found


def install() -> None:
    """Patch faust's consumer once per process (every app of the process shares it)."""
    if Consumer._new_offset is not _new_offset_without_skips:
        Consumer._new_offset = _new_offset_without_skips  # type: ignore[method-assign]
    if Consumer.force_commit is not _force_commit_then_reread:
        Consumer.force_commit = _force_commit_then_reread  # type: ignore[method-assign]
