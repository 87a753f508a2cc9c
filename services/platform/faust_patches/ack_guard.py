"""Acknowledge only messages processed under the consumer's current assignment.

Upstream (faust-streaming 0.15.3): `faust.transport.consumer.Consumer.ack` counts any message
handed to it, and `faust.streams.Stream` acknowledges the messages it skips during a rebalance;
`faust.streams._CStreamIterator` (the compiled iterator) acknowledges without the consumer.

When a rebalance starts, faust stops its flow and its streams skip the messages already
fetched: those of an old assignment, or any while the flow is stopped. They are meant to be
read again after the rebalance, from the committed offset. But faust acknowledges a skipped
message as if it had been processed (so that a filtered message does not hold the lag), and
the acknowledgement lands in the offsets it commits: a commit made before the partitions were
revoked then moved the partition's committed offset past messages no agent had processed, and
the worker that took the partition over started after them. They were lost without an error
(the fault tests lost 760 handover tasks that way when a worker joined).

`install()` wraps `Consumer.ack`: a message fetched under another generation of the group, or
acknowledged while the flow is stopped, is not acknowledged. It is read again after the
rebalance by whoever owns its partition (`gapless_commit` makes sure of it); at worst a
message that was processed is processed twice, which consumers drop by id. faust's compiled
stream iterator inlines its own acknowledgement and would bypass the wrapper, so streams use
the pure-Python iterator.
"""

from typing import Any

import faust.streams
from faust.transport.consumer import Consumer

from services.platform.faust_patches.gapless_commit import note_dropped
from services.platform.faust_patches.ordered_fetch import is_stream_topic
from services.platform.metrics import GUARD_REREADS

_original_ack = Consumer.ack


def current(message_generation: int | None, app_generation: int, flowing: bool) -> bool:
    """True when a message may be acknowledged: fetched in this generation, flow running."""
    return flowing and (message_generation is None or message_generation == app_generation)


def _ack_if_current(self: Any, message: Any) -> bool:
    app = self.app
    generation = getattr(message, "generation_id", None)
    if not current(generation, app.consumer_generation_id, app.flow_control.is_active()):
        if is_stream_topic(self, message.topic):
            GUARD_REREADS.labels("ack_guard").inc()
            note_dropped(self, message.tp, message.offset)  # read again if no one else does
        return False
    return bool(_original_ack(self, message))


def install() -> None:
    """Patch faust once per process (every app of the process shares it)."""
    faust.streams._CStreamIterator = None  # type: ignore[attr-defined]  # inlines its own ack
    if Consumer.ack is not _ack_if_current:
        Consumer.ack = _ack_if_current  # type: ignore[method-assign]
