"""Acknowledge a batch's messages only once the batch is decided.

Upstream (faust-streaming 0.15.3): `faust.streams.Stream.take_events` acknowledges the events of
a batch in the `finally` around its `yield`, however the generator leaves that `yield`: resumed
for the next batch, or closed. `faust.streams.Stream.on_stop` closes it (`aclose()` of every
generator in `_active_agens`) while the agent is still in the middle of the batch.

A worker that stops (SIGTERM) stops its agents: `faust.agents.actor.Actor.cancel` throws
`StopAsyncIteration` into the stream's channel, which ends the stream's background reader
(`Stream._py_aiter`, run by `take_events`); its `finally` stops the stream, and `on_stop`
closes `take_events`, whose `finally` acknowledges the whole batch. Only afterwards is the
agent's task cancelled at its await in the batch: the batch was acknowledged, and committed on
the way out, before any of it was decided or its outputs sent.

faust acknowledges a message when the last of its references is acknowledged
(`Message.ack`: the conductor gives it one per stream that receives it, `Message.incref`).
`acknowledged_when_decided` gives each message of the batch one more, held by the batch, and
acknowledges it (`Event.ack`) only when the batch's body ends without an exception. Whichever
comes last, faust's own acknowledgement in `take_events` or the batch's, acknowledges the
message; a batch cut short keeps its reference, so none of its messages is acknowledged and
the batch is read again from the last commit by whoever owns the partition next.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from services.platform.faust_patches import enabled


@contextmanager
def acknowledged_when_decided(events: Sequence[Any]) -> Iterator[None]:
    """Keep faust from acknowledging `events` until the block ends without an exception."""
    if not enabled("batch_acks"):
        yield
        return
    for event in events:
        event.message.incref()
    yield  # an exception or a cancellation leaves here: the batch's references stay held
    for event in events:
        event.ack()
