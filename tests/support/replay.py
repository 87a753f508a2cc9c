"""A seeded generator of realistic inbound event streams for many synthetic persons.

Each person gets one custody period as prisons and counties would report it: custody starts,
a case worker is named, consent is given (most of the time), a referral is submitted and
acknowledged, a named worker is assigned, the release date is set (and sometimes moved), a
transfer, a contact person leaving, a withdrawn consent, a client plan, the release (sometimes to
another municipality), a plan review and occasionally the closure. Fine-conversion sentences of a
few days get the short path. Identity codes come from the temporary range only.

The stream is published in waves: wave k holds the k-th event of every person, so a person's
events keep their order whatever happens to partitions, workers or the broker in between.
"""

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from services.core import identity, reference
from services.core.events import (
    AssessmentStarted,
    CaseClosed,
    ClientPlanAgreed,
    ClientPlanReviewed,
    ConsentGiven,
    ConsentWithdrawn,
    ContactPersonAssigned,
    ContactPersonEnded,
    CustodyStarted,
    InboundEvent,
    PrisonTransferred,
    ReferralAcknowledged,
    ReferralSubmitted,
    Released,
    ReleaseDateSet,
    TaskStatusChanged,
)
from services.core.ids import stable_id
from services.core.organisations import OrgKind, county_code, default_registry
from services.core.vocabulary import (
    CaseClosure,
    Category,
    ConsentCollection,
    ConsentNotObtained,
    ContactRole,
    HousingStatus,
    Need,
    ReferralKind,
    ReleaseType,
    SentenceType,
    Shl35Ground,
    TaskStatus,
    Urgency,
)
from services.platform.settings import DEV_SECRET
from services.sdk import Publisher
from tests.support.people import temporary_identity_code

GROUNDS: dict[str, object] = {
    "ground": Shl35Ground.UNABLE_TO_CARE_FOR_SELF,
    "consent_not_obtained": ConsentNotObtained.CLIENT_UNABLE_TO_CONSENT,
}
"""A notification without consent names its SHL 35 § 2 mom. ground."""

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
CONSENTED = [Category.IDENTITY, Category.CONTACT_DETAILS, Category.RELEASE_SCHEDULE, Category.NEEDS]
UNKNOWN_MUNICIPALITY = "998"


@dataclass(frozen=True)
class Replay:
    """Every person's timeline, in the order the person's events happen."""

    timelines: list[list[InboundEvent]]

    def waves(self) -> list[list[InboundEvent]]:
        """Wave k: the k-th event of every person that has one, in time order."""
        depth = max(len(t) for t in self.timelines)
        return [
            sorted((t[k] for t in self.timelines if len(t) > k), key=lambda e: e.occurred_at)
            for k in range(depth)
        ]

    def events(self) -> Iterator[InboundEvent]:
        for wave in self.waves():
            yield from wave

    def __len__(self) -> int:
        return sum(len(t) for t in self.timelines)


def generate(persons: int, seed: int, secret: str = DEV_SECRET) -> Replay:
    """`persons` synthetic timelines (about ten events each), the same for the same seed."""
    rng = random.Random(seed)
    return Replay([_Person(n, rng, secret.encode()).timeline() for n in range(persons)])


def _mainland_municipalities() -> list[str]:
    return sorted(
        code for code, m in reference.municipalities().items()
        if m.area_code != reference.ALAND_AREA
    )


def _aland_municipality() -> str:
    return next(
        code for code, m in sorted(reference.municipalities().items())
        if m.area_code == reference.ALAND_AREA
    )


class _Person:
    """One person's custody period; `timeline()` returns the events in the order they happen."""

    def __init__(self, n: int, rng: random.Random, secret: bytes) -> None:
        registry = default_registry()
        self.n, self.rng = n, rng
        birth = date(1960, 1, 1) + timedelta(days=n // 100)
        self.code = temporary_identity_code(birth, 900 + n % 100)
        self.person_ref = identity.person_ref(self.code, secret)
        self.prisons = [o.code for o in registry.of_kind(OrgKind.PRISON)]
        self.ngos = [o.code for o in registry.of_kind(OrgKind.NGO)]
        self.prison = rng.choice(self.prisons)
        roll = rng.random()
        if roll < 0.02:
            self.home = _aland_municipality()
        elif roll < 0.03:
            self.home = UNKNOWN_MUNICIPALITY
        else:
            self.home = rng.choice(_mainland_municipalities())
        area = reference.municipalities().get(self.home)
        routed = area is not None and area.area_code != reference.ALAND_AREA
        self.county = county_code(area.area_code) if routed and area else None
        self.t0 = START + timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
        self.events: list[InboundEvent] = []

    def _id(self) -> str:
        return f"replay-{self.n}-{len(self.events)}"

    def _at(self, days: float) -> datetime:
        return self.t0 + timedelta(days=days)

    def _add(self, cls: type[InboundEvent], sender: str, days: float, **fields: object) -> None:
        prison_side = sender.startswith(("prison-", "cso-"))
        subject = {"identity_code": self.code} if prison_side else {"person_ref": self.person_ref}
        self.events.append(cls.model_validate({
            "event_id": self._id(), "occurred_at": self._at(days), "source_org": sender,
            **subject, **fields,
        }))

    def timeline(self) -> list[InboundEvent]:
        kind = self.rng.choices(
            [SentenceType.LONG_TERM, SentenceType.SHORT_TERM, SentenceType.FINE_CONVERSION],
            weights=[70, 20, 10],
        )[0]
        if kind == SentenceType.FINE_CONVERSION:
            self._fine_conversion()
        else:
            self._custody(kind)
        return self.events

    def _custody_started(self, kind: SentenceType, days: int) -> None:
        self._add(CustodyStarted, self.prison, 0, prison=self.prison, sentence_type=kind,
                  sentence_start=self.t0.date(), home_municipality=self.home,
                  expected_release=self._at(days).date(), full_name=f"Testi Henkilö {self.n}")

    def _fine_conversion(self) -> None:
        days = self.rng.randint(3, 14)
        self._custody_started(SentenceType.FINE_CONVERSION, days)
        self._add(ReferralSubmitted, self.prison, 0.2, referral_id=f"ref-{self.n}",
                  kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT, needs=[Need.HOUSING],
                  urgency=Urgency.URGENT, summary="Synthetic referral text.", **GROUNDS)
        if self.county:
            self._add(ReferralAcknowledged, self.county, 1, referral_id=f"ref-{self.n}")
        self._add(Released, self.prison, days, released_at=self._at(days),
                  release_type=ReleaseType.END_OF_SENTENCE, housing_status=HousingStatus.NONE)

    def _custody(self, kind: SentenceType) -> None:
        rng, prison, county = self.rng, self.prison, self.county
        days = rng.randint(150, 400) if kind == SentenceType.LONG_TERM else rng.randint(40, 59)
        f = days / 100  # the in-custody schedule is in hundredths of the sentence
        ngo = rng.choice(self.ngos)
        self._custody_started(kind, days)
        self._add(ContactPersonAssigned, prison, 1 * f, role=ContactRole.PRISON_CASE_WORKER,
                  org=prison, worker_ref=f"pw-{self.n}")
        consent = county is not None and rng.random() < 0.7
        if consent and county:
            self._add(ConsentGiven, prison, 3 * f, consent_id=f"consent-{self.n}",
                      categories=CONSENTED, recipients=[county, ngo], purpose="release planning",
                      valid_from=self._at(3 * f - 1).date(),
                      valid_until=self._at(3 * f + 3 * 365).date(),
                      collection_method=ConsentCollection.WRITTEN)
        self._add(ReferralSubmitted, prison, 4 * f, referral_id=f"ref-{self.n}",
                  kind=ReferralKind.CONTACT_WITH_CONSENT if consent
                  else ReferralKind.NOTIFICATION_WITHOUT_CONSENT,
                  needs=rng.sample(list(Need), 2), urgency=Urgency.NORMAL,
                  **({} if consent else GROUNDS))
        release = self._at(days).date()
        release_type = rng.choice([ReleaseType.CONDITIONAL_RELEASE, ReleaseType.END_OF_SENTENCE,
                                   ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM])
        if county:
            self._add(ReferralAcknowledged, county, 6 * f, referral_id=f"ref-{self.n}")
            self._add(ContactPersonAssigned, county, 8 * f, role=ContactRole.NAMED_WORKER,
                      org=county, worker_ref=f"nw-{self.n}")
        if rng.random() < 0.2:
            self._add(ContactPersonAssigned, ngo, 9 * f, role=ContactRole.NGO_SUPPORT, org=ngo,
                      worker_ref=f"ngo-{self.n}")
        self._add(ReleaseDateSet, prison, 10 * f, release_date=release, release_type=release_type)
        if county:
            self._add(AssessmentStarted, county, 12 * f)
            task_id = stable_id(stable_id(self.person_ref, self.events[0].event_id),
                                "release_preparation", f"release:{release.isoformat()}", county)
            self._add(TaskStatusChanged, county, 13 * f, task_id=task_id,
                      status=TaskStatus.ACCEPTED)
        if rng.random() < 0.15:
            target = rng.choice([p for p in self.prisons if p != prison])
            self._add(PrisonTransferred, prison, 30 * f, from_prison=prison, to_prison=target,
                      transferred_on=self._at(30 * f).date())
            self.prison = prison = target
        elif rng.random() < 0.35:
            successor = f"pw2-{self.n}" if rng.random() < 0.6 else None
            self._add(ContactPersonEnded, prison, 40 * f, role=ContactRole.PRISON_CASE_WORKER,
                      org=prison, worker_ref=f"pw-{self.n}", successor_worker_ref=successor)
        if rng.random() < 0.2:
            shift = rng.choice([-21, 14])
            release = release + timedelta(days=shift)
            self._add(ReleaseDateSet, prison, 50 * f, release_date=release,
                      release_type=release_type)
        if consent and rng.random() < 0.2:
            self._add(ConsentWithdrawn, prison, 60 * f, consent_id=f"consent-{self.n}")
        if county:
            self._add(ClientPlanAgreed, county, 70 * f,
                      review_date=release + timedelta(days=80), network=[county])
        released_at = datetime.combine(release, datetime.min.time(), UTC) + timedelta(hours=9)
        destination = rng.choice(_mainland_municipalities()) if rng.random() < 0.1 else None
        self._add_at(Released, prison, released_at, released_at=released_at,
                     release_type=release_type, destination_municipality=destination,
                     housing_status=rng.choice(list(HousingStatus)))
        if county:
            self._add_at(ClientPlanReviewed, county, released_at + timedelta(days=20),
                         next_review_date=release + timedelta(days=120))
            if rng.random() < 0.1:
                self._add_at(CaseClosed, county, released_at + timedelta(days=40),
                             reason=CaseClosure.NO_LONGER_NEEDED)

    def _add_at(
        self, cls: type[InboundEvent], sender: str, at: datetime, **fields: object
    ) -> None:
        """An event at an absolute instant, never before the person's previous event."""
        latest = self.events[-1].occurred_at if self.events else at
        self._add(cls, sender, (max(at, latest + timedelta(minutes=1)) - self.t0)
                  / timedelta(days=1), **fields)


class Feed:
    """Publishes events through the SDK, one `Publisher` per sending organisation."""

    def __init__(self, bootstrap: str, namespace: str) -> None:
        self.bootstrap, self.namespace = bootstrap, namespace
        self._publishers: dict[str, Publisher] = {}

    def publisher(self, org: str) -> Publisher:
        if org not in self._publishers:
            self._publishers[org] = Publisher(org, self.bootstrap, namespace=self.namespace)
        return self._publishers[org]

    def publish(self, events: Iterable[InboundEvent]) -> None:
        """Send every event and wait until the broker has them all."""
        for event in events:
            self.publisher(event.source_org).publish(event)
        self.flush()

    def flush(self) -> None:
        for publisher in self._publishers.values():
            publisher.flush()

    def close(self) -> None:
        for publisher in self._publishers.values():
            publisher.close()
