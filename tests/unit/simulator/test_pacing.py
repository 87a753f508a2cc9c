"""How the simulator orders a day: waves per person, when answers may go out, and how often its
waits ask the broker."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from services.core.calendar import start_of_local_day
from services.core.events import InboundEvent, ReferralAcknowledged
from services.simulator.kafka_io import LONGEST_PAUSE, backoff
from services.simulator.run import not_before, waves, withdrawn


def _event(n: int, person: str) -> InboundEvent:
    return ReferralAcknowledged(
        event_id=f"e-{n}",
        occurred_at=datetime(2026, 3, 2, 8, tzinfo=UTC) + timedelta(hours=n),
        source_org="county-13",
        person_ref=person,
        referral_id="r-1",
    )


def _person(event: InboundEvent) -> str:
    return event.person_ref or ""


def test_a_wave_holds_at_most_one_event_of_each_person() -> None:
    """Two people's events of a day: each wave has one event of each person who has one left."""
    a, b = "p-" + "a" * 40, "p-" + "b" * 40
    day = [("county-13", _event(n, who)) for n, who in enumerate([a, a, b, a, b])]
    split = waves(day, _person)
    assert [[e.event_id for _, e in wave] for wave in split] == [
        ["e-0", "e-2"],
        ["e-1", "e-4"],
        ["e-3"],
    ]


def test_a_day_of_different_people_is_one_wave() -> None:
    """When nobody has two events in the day, the day goes out at once."""
    day = [("county-13", _event(n, f"p-{n:040d}")) for n in range(4)]
    assert len(waves(day, _person)) == 1


def test_an_answer_waits_two_nights_after_the_task() -> None:
    """A task created on Monday 2 March is answered no earlier than midnight ending Wednesday."""
    monday_morning = datetime(2026, 3, 2, 7, tzinfo=UTC)
    assert not_before(monday_morning) == start_of_local_day(date(2026, 3, 5))


def test_a_task_created_at_midnight_belongs_to_the_day_it_starts() -> None:
    """A task created at the first instant of Tuesday waits for the end of Thursday."""
    assert not_before(start_of_local_day(date(2026, 3, 3))) == start_of_local_day(date(2026, 3, 6))


def test_an_escalation_stands_for_an_alert_resolved_the_day_before() -> None:
    """An alert resolved on Monday is still escalated on Wednesday: the operator's list was
    reviewed at the start of Monday."""
    monday_noon = datetime(2026, 3, 2, 10, tzinfo=UTC)
    wednesday = datetime(2026, 3, 4, 9, tzinfo=UTC)
    assert not withdrawn(wednesday, monday_noon)


def test_an_escalation_is_dropped_for_an_alert_resolved_before_the_review() -> None:
    """An alert resolved on Sunday is not escalated on Wednesday."""
    sunday = datetime(2026, 3, 1, 10, tzinfo=UTC)
    wednesday = datetime(2026, 3, 4, 9, tzinfo=UTC)
    assert withdrawn(wednesday, sunday)


def test_an_open_alert_is_escalated() -> None:
    """With no resolution seen, the planned escalation is sent."""
    assert not withdrawn(datetime(2026, 3, 4, 9, tzinfo=UTC), None)


def test_waits_ask_often_at_first_then_at_most_every_50_ms() -> None:
    """The pauses between a wait's questions to the broker grow by half from 5 ms to 50 ms."""
    pauses = list(itertools.islice(backoff(0.005), 8))
    assert pauses[:3] == pytest.approx([0.005, 0.0075, 0.01125])
    assert all(later >= earlier for earlier, later in itertools.pairwise(pauses))
    assert pauses[-1] == LONGEST_PAUSE == 0.05
