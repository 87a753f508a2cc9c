"""The whole simulated period: every person's story, merged into one event-time ordered stream."""

import heapq
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from services.core.calendar import start_of_local_day
from services.core.organisations import Registry, default_registry
from services.simulator.behaviour import Behaviour, county_behaviours
from services.simulator.config import SimulationConfig
from services.simulator.county import CountyStory
from services.simulator.custody import CustodyStory
from services.simulator.moments import Scheduled, Script
from services.simulator.planning import PlanningStory
from services.simulator.population import Person, population


def period(config: SimulationConfig) -> tuple[datetime, datetime]:
    """From midnight starting the first day to midnight ending the last, in Helsinki."""
    first = start_of_local_day(config.start)
    return first, start_of_local_day(config.start + timedelta(days=config.days))


def story(
    person: Person, config: SimulationConfig, counties: dict[str, Behaviour]
) -> list[Scheduled]:
    """One person's events in time order, the same for the same seed and person."""
    rng = random.Random(f"{config.seed}:person:{person.index}")
    script = Script(person=person, seed=config.seed)
    prison_side = CustodyStory(script, config, rng)
    custody = prison_side.tell()
    PlanningStory.of(prison_side, custody).tell()
    CountyStory(
        script, config, rng, custody=custody, counties=counties, horizon=period(config)[1]
    ).tell()
    return script.ordered()


def timeline(config: SimulationConfig, registry: Registry | None = None) -> Iterator[Scheduled]:
    """(occurred_at, org, event) for every event inside the period, in event-time order."""
    registry = registry or default_registry()
    counties = county_behaviours(registry, config.seed)
    first, end = period(config)
    stories = [
        [s for s in story(person, config, counties) if first <= s.occurred_at < end]
        for person in population(config, registry)
    ]
    yield from heapq.merge(*stories, key=lambda s: (s.occurred_at, s.event.event_id))
