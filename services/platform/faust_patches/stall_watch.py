"""Notice a stream partition that has messages to process but no one processing them.

Upstream (faust-streaming 0.15.3): `faust.transport.consumer.Consumer`'s fetch loop
(`_drain_messages`) can leave fetched messages unprocessed with nothing to reveal it. This
module patches nothing itself: `gapless_commit`'s wrapped `force_commit` asks it after each
commit, reading faust's `_committed_offset`, `_read_offset` and `_acked`.

faust can lose track of fetched messages in more places than a wrapper can reach: its fetch
loop ends a fetched batch when the flow stops or the generation changes, hands messages to
streams that skip them, or never fetches a partition again. When the partition has no later
message to reveal the hole (see `gapless_commit`), it just keeps its lag: in a fault run a
worker that took over a partition after another left never processed its last message.

A partition is stalled when its committed offset lies below its end offset, none of its
messages is in flight (handed over by the consumer and neither acknowledged nor released),
and its committed offset, last read offset and acknowledgements have not moved for `STALL`
seconds of running flow. `gapless_commit` then reads it again from the committed offset.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakSet

STALL = 20.0
"""Seconds of running flow without progress before a partition with lag counts as stalled."""


@dataclass
class _Watch:
    in_flight: dict[Any, WeakSet[Any]] = field(default_factory=dict)
    seen: dict[Any, tuple[Any, ...]] = field(default_factory=dict)
    since: dict[Any, float] = field(default_factory=dict)


def is_quiet(quiet_for: float, busy: bool) -> bool:
    """True when nothing of a partition is in flight and it has not moved for `STALL` s."""
    return not busy and quiet_for >= STALL


def has_lag(committed: int | None, end: int | None) -> bool:
    """True when messages lie beyond the committed offset (the next one to process)."""
    return committed is not None and end is not None and end > committed


def hand_over(consumer: Any, tp: Any, message: Any) -> None:
    """Remember a message the consumer hands to the streams (weakly: a released message that
    was never acknowledged is exactly what this watch looks for)."""
    in_flight = _watch(consumer).in_flight
    messages = in_flight.get(tp)
    if messages is None:
        messages = in_flight[tp] = WeakSet()
    messages.add(message)


def quiet_partitions(
    consumer: Any, tps: Iterable[Any], flowing: bool, now: float | None = None
) -> list[Any]:
    """The partitions among `tps` with nothing in flight and no progress for `STALL` seconds."""
    watch = _watch(consumer)
    now = time.monotonic() if now is None else now
    quiet = []
    for tp in tps:
        progress = (
            consumer._committed_offset.get(tp),
            consumer._read_offset.get(tp),
            len(consumer._acked.get(tp, ())),
        )
        if not flowing or watch.seen.get(tp) != progress:
            watch.seen[tp] = progress
            watch.since[tp] = now
            continue
        busy = any(not message.acked for message in watch.in_flight.get(tp, ()))
        if is_quiet(now - watch.since[tp], busy):
            quiet.append(tp)
    return quiet


def restart_clock(consumer: Any, tp: Any, now: float | None = None) -> None:
    """Count a partition's quiet time from now (after it was read again)."""
    _watch(consumer).since[tp] = time.monotonic() if now is None else now


def _watch(consumer: Any) -> _Watch:
    found: _Watch | None = consumer.__dict__.get("_jatkumo_stall_watch")
    if found is None:
        found = consumer.__dict__["_jatkumo_stall_watch"] = _Watch()
    return found
