"""Clocks: wall time for production, event time for replays, the simulator and tests.

In event time, `now` is the latest instant seen in the messages processed so far, so a year of
releases can be replayed in a minute and deadlines fire when the replayed clock passes them.
"""

from datetime import UTC, datetime

from services.platform.settings import ClockMode


class Clock:
    def __init__(self, mode: ClockMode) -> None:
        self.mode = mode
        self._event_now: datetime | None = None

    def observe(self, instant: datetime) -> None:
        """Advance event time to `instant` if it is later (no effect on the wall clock)."""
        if self._event_now is None or instant > self._event_now:
            self._event_now = instant

    def now(self) -> datetime:
        if self.mode == ClockMode.WALL:
            return datetime.now(UTC)
        return self._event_now or datetime.fromtimestamp(0, UTC)

    def started(self) -> bool:
        return self.mode == ClockMode.WALL or self._event_now is not None
