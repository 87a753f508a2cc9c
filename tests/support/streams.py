"""Just enough of faust's stream and event for a shell's agent to run without a broker."""

from collections.abc import AsyncIterator
from types import SimpleNamespace


class FakeEvent:
    """A consumed message as faust hands it over (faust refers to events weakly)."""

    def __init__(self, key: bytes, value: bytes, partition: int = 0, offset: int = 0) -> None:
        self.message = SimpleNamespace(
            key=key, value=value, topic="t", partition=partition, offset=offset
        )


class FakeStream:
    """A stream that hands its events over as one batch."""

    def __init__(self, *events: FakeEvent) -> None:
        self._events = list(events)

    async def take_events(self, max_: int, within: float) -> AsyncIterator[list[FakeEvent]]:
        yield self._events
