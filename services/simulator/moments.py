"""When things happen: prisons act on any day, offices on Finnish working days, in office hours.

`Scheduled` is one item of the timeline; `Script` collects one person's events with ids,
identity and order, so the story modules only say what happens when and from whom.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from services.core.calendar import HELSINKI, add_working_days, is_working_day, local_date
from services.core.events import CaseClosed, InboundEvent
from services.simulator.population import Person


class Scheduled(NamedTuple):
    occurred_at: datetime
    org: str
    event: InboundEvent


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Helsinki wall-clock moment, as a UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI).astimezone(UTC)


def any_day(rng: random.Random, day: date) -> datetime:
    """Day time on `day` (prisons work every day)."""
    return local(day, rng.randint(8, 15), rng.randrange(60))


def office_day(day: date) -> date:
    """`day`, or the next working day when it is a weekend or a holiday."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def office_hours(rng: random.Random, day: date) -> datetime:
    """Office hours on the first working day from `day`."""
    return local(office_day(day), rng.randint(8, 15), rng.randrange(60))


def working_days_after(rng: random.Random, moment: datetime, span: tuple[int, int]) -> datetime:
    """Office hours `span` working days after `moment`, never before it."""
    day = add_working_days(local_date(moment), rng.randint(*span))
    return after(rng, moment, office_hours(rng, day))


def after(rng: random.Random, earlier: datetime, candidate: datetime) -> datetime:
    """`candidate`, or shortly after `earlier` when the candidate would come first."""
    floor = earlier + timedelta(minutes=rng.randint(20, 90))
    return max(candidate, floor)


def days_from(rng: random.Random, moment: datetime, span: tuple[int, int]) -> date:
    return local_date(moment) + timedelta(days=rng.randint(*span))


@dataclass
class Script:
    """One person's events; every event names the person by the identity code."""

    person: Person
    seed: int
    events: list[Scheduled] = field(default_factory=list)

    def emit(
        self, at: datetime, source: str, event_type: type[InboundEvent], **fields: Any
    ) -> datetime:
        number = len(self.events) + 1
        event = event_type(
            event_id=f"sim{self.seed}-{self.person.index:05d}-{number:02d}",
            occurred_at=at,
            source_org=source,
            identity_code=self.person.identity_code,
            **fields,
        )
        self.events.append(Scheduled(at, source, event))
        return at

    def ordered(self) -> list[Scheduled]:
        """The events in time order, without any after the case was closed."""
        events = sorted(self.events, key=lambda s: (s.occurred_at, s.event.event_id))
        closure = next((s for s in events if isinstance(s.event, CaseClosed)), None)
        if closure is None:
            return events
        return [s for s in events if s.occurred_at < closure.occurred_at or s is closure]
