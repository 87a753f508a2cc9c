"""Just enough of faust's stream and event for a shell's agent to run without a broker."""

from collections.abc import AsyncIterator
from typing import Any

from faust.types.tuples import Message

NO_CONSUMER: Any = None
"""A plain `Message`'s last acknowledgement marks it acknowledged without any consumer."""


class FakeEvent:
    """A consumed message as faust hands it over (faust refers to events weakly): a faust
    `Message` that one stream received, acknowledged as faust's `Event.ack` does."""

    def __init__(self, key: bytes, value: bytes, partition: int = 0, offset: int = 0) -> None:
        self.message = Message("t", partition, offset, 0.0, 0, None, key, value, None)
        self.message.incref()  # the one stream the conductor handed it to

    def ack(self) -> bool:
        acked: bool = self.message.ack(NO_CONSUMER)
        return acked


class FakeStream:
    """A stream that hands its events over as one batch and, as faust's `take_events` does,
    acknowledges them in the `finally` around the `yield`."""

    def __init__(self, *events: FakeEvent) -> None:
        self._events = list(events)

    async def take_events(self, max_: int, within: float) -> AsyncIterator[list[FakeEvent]]:
        try:
            yield self._events
        finally:
            for event in self._events:
                event.ack()
