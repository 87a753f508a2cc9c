"""The synthetic population: who is in custody during the simulated period, and where.

Home municipalities are drawn in proportion to their 2020 population (so Åland appears about
as often as it does in Finland), prisons mostly in the home county, sentence and release types
from the configured mix. Release days spread evenly over the period and a little beyond it;
people whose custody began before the first day are onboarded on the first days.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from services.core import reference
from services.core.organisations import (
    OrgKind,
    Registry,
    county_code,
    prison_code,
    sanctions_office_code,
)
from services.core.vocabulary import ReleaseType, SentenceType
from services.simulator.config import SimulationConfig
from services.simulator.identities import synthetic_name, temporary_identity_code

ALAND_MUNICIPALITY = "478"
UNKNOWN_MUNICIPALITY = "000"
"""A three-digit code that is no Finnish municipality (a typing error in a prison system)."""

ONBOARDING_DAYS = 10
"""People already in custody on the first day are onboarded over this many days."""

DURATION_DAYS: dict[SentenceType, tuple[int, int]] = {
    SentenceType.LONG_TERM: (240, 1100),
    SentenceType.SHORT_TERM: (30, 240),
    SentenceType.FINE_CONVERSION: (4, 60),
    SentenceType.REMAND: (14, 150),
}


@dataclass(frozen=True)
class Person:
    index: int
    identity_code: str
    full_name: str
    home_municipality: str
    prison: str
    sanctions_office: str | None
    sentence_type: SentenceType
    sentence_start: date
    release_on: date
    """The day the person is actually released (possibly after the simulated period)."""
    release_type: ReleaseType
    destination_municipality: str

    @property
    def custody_days(self) -> int:
        return (self.release_on - self.sentence_start).days


def county_of(municipality_code: str) -> str | None:
    """The responsible county organisation, or None for Åland and unknown codes."""
    found = reference.municipalities().get(municipality_code)
    if found is None or found.area_code == reference.ALAND_AREA:
        return None
    return county_code(found.area_code)


class _Draw:
    """The reference data prepared once for weighted draws."""

    def __init__(self, registry: Registry) -> None:
        municipalities = list(reference.municipalities().values())
        self.codes = [m.code for m in municipalities]
        self.weights = [max(m.population, 1) for m in municipalities]
        self.mainland = [
            (m.code, m.population) for m in municipalities if m.area_code != reference.ALAND_AREA
        ]
        self.prisons = registry.of_kind(OrgKind.PRISON)
        self.offices = {
            prison_code(p.name_fi): sanctions_office_code(p.region_fi) for p in reference.prisons()
        }

    def home(self, rng: random.Random) -> str:
        return rng.choices(self.codes, weights=self.weights)[0]

    def prison(self, rng: random.Random, county: str | None) -> str:
        local = [
            p.code for p in self.prisons if county and county_code(p.area_code or "") == county
        ]
        if local and rng.random() < 0.7:
            return rng.choice(local)
        return rng.choice([p.code for p in self.prisons])

    def elsewhere(self, rng: random.Random, county: str | None) -> str:
        """A mainland municipality of another county, weighted by population."""
        options = [(code, pop) for code, pop in self.mainland if county_of(code) != county]
        return rng.choices([c for c, _ in options], weights=[max(p, 1) for _, p in options])[0]


K = TypeVar("K")


def _pick(rng: random.Random, shares: dict[K, float]) -> K:
    keys = list(shares)
    return rng.choices(keys, weights=[shares[k] for k in keys])[0]


def _release_type(
    rng: random.Random, config: SimulationConfig, sentence: SentenceType
) -> ReleaseType:
    if sentence == SentenceType.REMAND:
        return ReleaseType.REMAND_ENDED
    if sentence == SentenceType.FINE_CONVERSION:
        return ReleaseType.END_OF_SENTENCE
    chosen = _pick(rng, config.release_shares())
    if chosen == ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM and sentence != SentenceType.LONG_TERM:
        return ReleaseType.CONDITIONAL_RELEASE
    return chosen


def _destination(rng: random.Random, config: SimulationConfig, draw: _Draw, home: str) -> str:
    roll = rng.random()
    if roll < config.aland_rate:
        return ALAND_MUNICIPALITY
    roll -= config.aland_rate
    if roll < config.unknown_municipality_rate:
        return UNKNOWN_MUNICIPALITY
    roll -= config.unknown_municipality_rate
    if roll < config.moving_rate:
        return draw.elsewhere(rng, county_of(home))
    return home


def _identity(rng: random.Random, used: set[str]) -> str:
    while True:
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(55 * 365))
        code = temporary_identity_code(birth, rng.randint(900, 999))
        if code not in used:
            used.add(code)
            return code


def population(config: SimulationConfig, registry: Registry) -> list[Person]:
    """`config.people` people, the same ones for the same seed."""
    rng = random.Random(config.seed)
    draw = _Draw(registry)
    used: set[str] = set()
    people = []
    latest_release = config.days + 45
    for index in range(1, config.people + 1):
        sentence = _pick(rng, config.sentence_shares())
        low, high = DURATION_DAYS[sentence]
        duration = rng.randint(low, high)
        release_on = config.start + timedelta(days=rng.randint(3, latest_release))
        home = draw.home(rng)
        if rng.random() < config.unknown_municipality_rate:
            home = UNKNOWN_MUNICIPALITY
        prison = draw.prison(rng, county_of(home))
        people.append(
            Person(
                index=index,
                identity_code=_identity(rng, used),
                full_name=synthetic_name(index),
                home_municipality=home,
                prison=prison,
                sanctions_office=draw.offices.get(prison),
                sentence_type=sentence,
                sentence_start=release_on - timedelta(days=duration),
                release_on=release_on,
                release_type=_release_type(rng, config, sentence),
                destination_municipality=_destination(rng, config, draw, home),
            )
        )
    return people
