"""Clocks: wall time for production, event time for replays, the simulator and tests.

In event time there are two clocks, and neither is shared between people:

- a person is judged at their own event time, `judge(last, instant)`: the later of the instant
  of the message being decided (a fact, an event, a tick) and the latest instant that person was
  judged at before (kept in the person's own state, so it moves with the partition on a
  rebalance and is rebuilt with the table on a replay). Another person's messages, however far
  ahead their partition is read, never move it;
- `now()` is the worker's watermark, moved by `observe`: the instant up to which time may pass
  for people who send nothing (the followup service's broadcast ticks). It only decides when a
  person's deadline tick is sent; the tick itself is judged at that person's time.

A year of releases can so be replayed in a minute, and deadlines fire when the replayed clock
passes them, at the same instants whatever order the partitions are read in.
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

    def judge(self, last: datetime | None, instant: datetime) -> datetime:
        """The instant to judge one person at: the wall clock, or in event time the later of
        the message's `instant` and the person's `last` (their own time never runs back)."""
        if self.mode == ClockMode.WALL:
            return datetime.now(UTC)
        return instant if last is None or instant > last else last

    def started(self) -> bool:
        return self.mode == ClockMode.WALL or self._event_now is not None
