"""A seeded synthetic replay: realistic inbound events for many persons, in event-time order.

Each person's custody period follows the operating model: custody starts, the prisoner
consents (most do), the prison refers to the home county, the county acknowledges, starts the
assessment and names a worker, the release date is set (sometimes moved), contact persons
change, a client plan is agreed, the person is released (sometimes to another municipality)
and, for some, the case closes. Short sentences compress the timeline. Identity codes come from
the temporary range only (individual numbers 900-999); names are obviously synthetic.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from services.core import reference
from services.core.events import (
    AssessmentStarted,
    CaseClosed,
    ClientPlanAgreed,
    ConsentGiven,
    ContactPersonAssigned,
    ContactPersonEnded,
    CustodyStarted,
    InboundEvent,
    ReferralAcknowledged,
    ReferralSubmitted,
    Released,
    ReleaseDateSet,
)
from services.core.identity import CENTURY_SIGNS, check_character, person_ref
from services.core.organisations import OrgKind, Registry, county_code, default_registry
from services.core.vocabulary import (
    CaseClosure,
    Category,
    ConsentCollection,
    ContactRole,
    HousingStatus,
    Need,
    ReferralKind,
    ReleaseType,
    SentenceType,
    Urgency,
)
from services.platform.settings import Settings

SECRET = Settings().person_ref_key
"""The workers' person_ref key: the bench runs them with the development defaults."""
EPOCH = date(2026, 1, 5)
CONSENTED = [
    Category.IDENTITY,
    Category.CONTACT_DETAILS,
    Category.RELEASE_SCHEDULE,
    Category.PLACEMENT,
    Category.NEEDS,
]
SENTENCES = [
    (SentenceType.LONG_TERM, 0.45),
    (SentenceType.SHORT_TERM, 0.35),
    (SentenceType.FINE_CONVERSION, 0.1),
    (SentenceType.REMAND, 0.1),
]


@dataclass(frozen=True)
class Timed:
    """One event with the synthetic person token its publisher keys it by."""

    event: InboundEvent
    person_key: str


@dataclass(frozen=True)
class Workload:
    events: list[Timed]
    persons: int
    peak_open_cases: int


def identity_code(index: int) -> str:
    """A valid temporary identity code, unique for `index` below 2,000,000."""
    birth = date(1950, 1, 1) + timedelta(days=index // 100)
    digits = f"{birth:%d%m%y}{900 + index % 100:03d}"
    sign = next(s for s, c in CENTURY_SIGNS.items() if c == birth.year // 100 * 100)
    return f"{digits[:6]}{sign}{digits[6:]}{check_character(digits)}"


class _Person:
    """Builds one person's custody period; `add` stamps each event at a day offset."""

    def __init__(self, index: int, rng: random.Random, registry: Registry, start: date) -> None:
        self.index, self.rng, self.start = index, rng, start
        self.code = identity_code(index)
        self.events: list[InboundEvent] = []
        prisons = registry.of_kind(OrgKind.PRISON)
        self.prison = rng.choice(prisons).code
        self.other_prison = rng.choice([p.code for p in prisons if p.code != self.prison])
        self.home = _municipality(rng)
        self.county = county_code(reference.municipalities()[self.home].area_code)
        self.ngo = rng.choice(registry.of_kind(OrgKind.NGO)).code

    def at(self, day: int) -> datetime:
        minutes = self.rng.randrange(8 * 60, 16 * 60)
        moment = datetime.combine(self.start + timedelta(days=day), time(), tzinfo=UTC)
        return moment + timedelta(minutes=minutes, seconds=self.index % 60)

    def add(self, day: int, model: type[InboundEvent], source: str, **fields: object) -> None:
        subject: dict[str, object] = {"identity_code": self.code}
        if source == self.county:  # counties name the person by the reference a task carried
            subject = {"person_ref": person_ref(self.code, SECRET)}
        self.events.append(
            model(
                event_id=f"b{self.index}-{len(self.events)}",
                occurred_at=self.at(day),
                source_org=source,
                **subject,
                **fields,
            )
        )


def _municipality(rng: random.Random) -> str:
    codes = [m for m in reference.municipalities().values() if m.area_code != reference.ALAND_AREA]
    return rng.choices(codes, weights=[m.population for m in codes])[0].code


def _lifecycle(p: _Person, rng: random.Random) -> None:
    sentence = rng.choices([s for s, _ in SENTENCES], weights=[w for _, w in SENTENCES])[0]
    short = sentence in (SentenceType.FINE_CONVERSION, SentenceType.REMAND)
    length = rng.randint(4, 20) if short else rng.randint(60, 400)

    def d(day: int) -> int:
        """A day of a 200-day sentence, scaled to this one (short ones keep their days)."""
        return min(day, length - 1) if short else max(1, round(day * length / 200))

    release = length
    p.add(
        0,
        CustodyStarted,
        p.prison,
        prison=p.prison,
        sentence_type=sentence,
        sentence_start=p.start,
        home_municipality=p.home,
        expected_release=p.start + timedelta(days=release),
        full_name=f"Synteettinen Henkilö {p.index}",
        phone="+358 40 0000000",
    )
    consented = rng.random() < 0.7
    if consented:
        p.add(
            d(2),
            ConsentGiven,
            p.prison,
            consent_id=f"c{p.index}",
            categories=CONSENTED,
            recipients=[p.county, p.ngo],
            purpose="release planning",
            valid_from=p.start,
            valid_until=p.start + timedelta(days=release + 365),
            collection_method=ConsentCollection.WRITTEN,
        )
    kind = (
        ReferralKind.CONTACT_WITH_CONSENT
        if consented
        else ReferralKind.NOTIFICATION_WITHOUT_CONSENT
    )
    p.add(
        d(3),
        ReferralSubmitted,
        p.prison,
        referral_id=f"r{p.index}",
        kind=kind,
        needs=rng.sample(list(Need), rng.randint(1, 3)),
        urgency=Urgency.URGENT if short else Urgency.NORMAL,
        summary="Synthetic summary text for a benchmark.",
    )
    p.add(d(5), ReferralAcknowledged, p.county, referral_id=f"r{p.index}")
    if not short:
        p.add(
            d(10),
            ContactPersonAssigned,
            p.prison,
            role=ContactRole.PRISON_CASE_WORKER,
            org=p.prison,
            worker_ref=f"w{p.index}-1",
        )
        p.add(d(30), AssessmentStarted, p.county)
        p.add(
            d(32),
            ContactPersonAssigned,
            p.county,
            role=ContactRole.NAMED_WORKER,
            org=p.county,
            worker_ref=f"n{p.index}-1",
        )
        p.add(
            d(60),
            ReleaseDateSet,
            p.prison,
            release_date=p.start + timedelta(days=release),
            release_type=ReleaseType.CONDITIONAL_RELEASE,
        )
        if rng.random() < 0.2:
            release -= rng.randint(5, 25)
            p.add(
                d(90),
                ReleaseDateSet,
                p.prison,
                release_date=p.start + timedelta(days=release),
                release_type=ReleaseType.CONDITIONAL_RELEASE,
            )
        if rng.random() < 0.15:
            p.add(
                d(100),
                ContactPersonEnded,
                p.prison,
                role=ContactRole.PRISON_CASE_WORKER,
                org=p.prison,
                worker_ref=f"w{p.index}-1",
                successor_worker_ref=f"w{p.index}-2",
            )
        p.add(
            max(d(110), release - 10),
            ClientPlanAgreed,
            p.county,
            review_date=p.start + timedelta(days=release + 80),
            network=[p.county],
        )
    else:
        p.add(
            d(1),
            ReleaseDateSet,
            p.prison,
            release_date=p.start + timedelta(days=release),
            release_type=ReleaseType.END_OF_SENTENCE,
        )
    moves = rng.random() < 0.1
    p.add(
        release,
        Released,
        p.prison,
        released_at=p.at(release),
        release_type=ReleaseType.END_OF_SENTENCE if short else ReleaseType.CONDITIONAL_RELEASE,
        destination_municipality=_municipality(rng) if moves else p.home,
        housing_status=rng.choice(list(HousingStatus)),
    )
    if rng.random() < 0.3:
        p.add(release + 120, CaseClosed, p.county, reason=CaseClosure.NO_LONGER_NEEDED)


def generate(events: int, *, seed: int = 2026, spread_days: int = 365) -> Workload:
    """At least `events` events in event-time order (the earliest `events` are kept)."""
    rng = random.Random(seed)
    registry = default_registry()
    people: list[_Person] = []
    count = 0
    while count < events * 1.25 + 20:
        start = EPOCH + timedelta(days=rng.randrange(spread_days))
        person = _Person(len(people), rng, registry, start)
        _lifecycle(person, rng)
        people.append(person)
        count += len(person.events)
    timed = sorted(
        (Timed(e, f"person-{p.index}") for p in people for e in p.events),
        key=lambda t: t.event.occurred_at,
    )[:events]
    return Workload(timed, len({t.person_key for t in timed}), _peak_open(timed))


def _peak_open(events: list[Timed]) -> int:
    """The most cases open (custody started, not closed) at any point of the replay."""
    open_now = peak = 0
    for timed in events:
        if isinstance(timed.event, CustodyStarted):
            open_now += 1
            peak = max(peak, open_now)
        elif isinstance(timed.event, CaseClosed):
            open_now -= 1
    return peak


def by_kind(workload: Workload) -> Iterator[tuple[str, int]]:
    """Event counts per type, most frequent first (for the report)."""
    counts: dict[str, int] = {}
    for timed in workload.events:
        name = type(timed.event).__name__
        counts[name] = counts.get(name, 0) + 1
    yield from sorted(counts.items(), key=lambda item: -item[1])
