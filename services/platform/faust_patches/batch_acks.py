"""Withhold faust's acknowledgement of a batch that did not finish.

Upstream (faust-streaming 0.15.3, `faust.streams.Stream.take_events`): the events of a batch
are acknowledged in the `finally` around its `yield`, however the body of the batch ended. A
worker stopped in the middle of a batch (SIGTERM cancels the agent at an await) then commits
messages it never decided, or whose state it never wrote, on its way out. faust acknowledges
a message only once (`Message.acked`), so marking the batch's messages acknowledged first
keeps them out of the commit: the batch is read again from the last commit by whoever owns
the partition next.
"""

from collections.abc import Sequence
from typing import Any

from services.platform.faust_patches import enabled


def withhold_acks(events: Sequence[Any]) -> None:
    """Keep faust from acknowledging `events`, the messages of an unfinished batch."""
    if not enabled("batch_acks"):
        return
    for event in events:
        event.message.acked = True
