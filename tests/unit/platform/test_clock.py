"""The clocks: a person is judged at their own event time, the watermark moves by observation."""

from datetime import UTC, datetime, timedelta

from services.platform.clock import Clock
from services.platform.settings import ClockMode

T = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_event_time_judges_a_later_message_at_its_own_instant() -> None:
    """A message later than the person's time is judged at the message's instant."""
    assert Clock(ClockMode.EVENT).judge(T, T + timedelta(hours=1)) == T + timedelta(hours=1)


def test_event_time_never_runs_back_for_a_person() -> None:
    """A message older than the person's time is judged at the person's time."""
    assert Clock(ClockMode.EVENT).judge(T, T - timedelta(days=1)) == T


def test_judging_a_person_does_not_move_the_watermark() -> None:
    """Judging at a person's time leaves the worker's watermark unset."""
    clock = Clock(ClockMode.EVENT)
    clock.judge(None, T)
    assert not clock.started()


def test_wall_time_judges_at_the_wall_clock() -> None:
    """On the wall clock a person is judged now, whatever the message's instant."""
    before = datetime.now(UTC)
    assert Clock(ClockMode.WALL).judge(T + timedelta(days=365), T) >= before
