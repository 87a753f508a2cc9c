"""The prison side of one person's story: custody, release dates, transfers, case workers and
release (consent and referral are `services.simulator.consent`, the county side
`services.simulator.county`)."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from services.core.calendar import local_date
from services.core.events import (
    ContactPersonAssigned,
    ContactPersonEnded,
    CustodyStarted,
    PrisonTransferred,
    Released,
    ReleaseDateSet,
)
from services.core.organisations import OrgKind, default_registry
from services.core.vocabulary import ContactRole, HousingStatus, ReleaseType, SentenceType
from services.simulator.config import SimulationConfig
from services.simulator.consent import give_consent, submit_referral, withdraw_consent
from services.simulator.moments import Script, after, any_day, local, working_days_after
from services.simulator.population import ONBOARDING_DAYS, Person

SHORT_STAY_DAYS = 60
K = TypeVar("K")
HOUSING_WEIGHTS = {
    HousingStatus.SECURED: 5,
    HousingStatus.TEMPORARY: 2.5,
    HousingStatus.NONE: 1.5,
    HousingStatus.UNKNOWN: 1,
}


@dataclass(frozen=True)
class Custody:
    """What the county side needs to know about the custody period."""

    started: datetime
    released: datetime
    referral_at: datetime | None
    referral_id: str | None
    ngo: str | None
    consent_at: datetime | None


def worker_ref(rng: random.Random, org: str, other_than: str | None = None) -> str:
    """A pseudonymous worker reference such as `county-13/w042` (never `other_than`)."""
    while True:
        ref = f"{org}/w{rng.randint(1, 999):03d}"
        if ref != other_than:
            return ref


class CustodyStory:
    def __init__(self, script: Script, config: SimulationConfig, rng: random.Random) -> None:
        self.s, self.config, self.rng = script, config, rng
        self.p: Person = script.person
        self.start_day = config.start
        self.started = self._started()
        self.released = local(self.p.release_on, rng.randint(8, 11), rng.randrange(60))
        self.transfer_at: datetime | None = None
        self.transfer_to: str | None = None

    @property
    def short_stay(self) -> bool:
        p = self.p
        return (
            p.sentence_type in (SentenceType.FINE_CONVERSION, SentenceType.REMAND)
            or p.custody_days < SHORT_STAY_DAYS
        )

    def prison_at(self, moment: datetime) -> str:
        if self.transfer_at is not None and self.transfer_to and moment >= self.transfer_at:
            return self.transfer_to
        return self.p.prison

    def _started(self) -> datetime:
        p, rng = self.p, self.rng
        if p.sentence_start >= self.start_day:
            return any_day(rng, p.sentence_start)
        room = (p.release_on - self.start_day).days - 2
        return any_day(
            rng, self.start_day + timedelta(days=rng.randint(0, min(ONBOARDING_DAYS, room)))
        )

    def before_release(self, moment: datetime) -> bool:
        return moment < self.released - timedelta(hours=1)

    def tell(self) -> Custody:
        planned = self._release_dates()
        expected = None if self.p.sentence_type == SentenceType.REMAND else planned
        if self.p.sentence_type == SentenceType.LONG_TERM and self.rng.random() < 0.5:
            expected = None
        self.s.emit(
            self.started,
            self.p.prison,
            CustodyStarted,
            prison=self.p.prison,
            sentence_type=self.p.sentence_type,
            sentence_start=self.p.sentence_start,
            home_municipality=self.p.home_municipality,
            expected_release=expected,
            full_name=self.p.full_name,
        )
        self._transfer()
        self._case_workers()
        ngo, consent_at = give_consent(self)
        referral_at, referral_id = submit_referral(self, consent_at)
        self._probation_officer()
        self.s.emit(
            self.released,
            self.prison_at(self.released),
            Released,
            released_at=self.released,
            release_type=self.p.release_type,
            destination_municipality=self.p.destination_municipality,
            housing_status=_weighted(self.rng, HOUSING_WEIGHTS),
        )
        withdraw_consent(self, consent_at, ngo)
        return Custody(self.started, self.released, referral_at, referral_id, ngo, consent_at)

    def _release_dates(self) -> date:
        """Decide the release date, and for some change it once; returns the first plan."""
        p, rng, config = self.p, self.rng, self.config
        if p.sentence_type not in (SentenceType.LONG_TERM, SentenceType.SHORT_TERM):
            return p.release_on
        roll, planned, change_day = rng.random(), p.release_on, None
        if roll < config.release_moved_earlier_rate:
            planned = p.release_on + timedelta(days=rng.randint(14, 45))
            change_day = p.release_on - timedelta(days=rng.randint(10, 25))
        elif roll < config.release_moved_earlier_rate + config.release_moved_later_rate:
            planned = p.release_on - timedelta(days=rng.randint(14, 60))
            change_day = planned - timedelta(days=rng.randint(5, 30))
        lead = rng.randint(60, 150) if p.sentence_type == SentenceType.LONG_TERM else 0
        first = max(
            self.started + timedelta(days=rng.randint(1, 5)),
            any_day(rng, planned - timedelta(days=lead)),
        )
        if local_date(first) >= min(planned, p.release_on) - timedelta(days=1):
            return p.release_on
        self.s.emit(
            first,
            self.prison_at(first),
            ReleaseDateSet,
            release_date=planned,
            release_type=p.release_type,
        )
        if change_day is not None:
            change = after(rng, first, any_day(rng, change_day))
            if local_date(change) < min(planned, p.release_on):
                self.s.emit(
                    change,
                    self.prison_at(change),
                    ReleaseDateSet,
                    release_date=p.release_on,
                    release_type=p.release_type,
                )
        return planned

    def _transfer(self) -> None:
        p, rng = self.p, self.rng
        span = self.released - self.started
        if p.sentence_type != SentenceType.LONG_TERM or span < timedelta(days=40):
            return
        if rng.random() >= self.config.transfer_rate:
            return
        self.transfer_at = self.started + span * rng.uniform(0.2, 0.6)
        others = [org for org in _prisons() if org != p.prison]
        self.transfer_to = rng.choice(others)
        self.s.emit(
            self.transfer_at,
            p.prison,
            PrisonTransferred,
            from_prison=p.prison,
            to_prison=self.transfer_to,
            transferred_on=local_date(self.transfer_at),
        )
        if rng.random() < 0.85:
            at = working_days_after(rng, self.transfer_at, (1, 8))
            if self.before_release(at):
                self._assign(at, self.transfer_to, ContactRole.PRISON_CASE_WORKER)

    def _assign(self, at: datetime, org: str, role: ContactRole) -> str:
        ref = worker_ref(self.rng, org)
        self.s.emit(at, org, ContactPersonAssigned, role=role, org=org, worker_ref=ref)
        return ref

    def _case_workers(self) -> None:
        """A case worker soon after custody starts; some leave, most with a named successor."""
        rng, prison = self.rng, self.p.prison
        at = after(rng, self.started, self.started + timedelta(hours=rng.randint(2, 72)))
        if not self.before_release(at):
            return
        current = self._assign(at, prison, ContactRole.PRISON_CASE_WORKER)
        segment_end = self.transfer_at or self.released
        window = segment_end - timedelta(days=3) - (at + timedelta(days=7))
        if window <= timedelta(0) or rng.random() >= self.config.case_worker_churn_rate:
            return
        left = at + timedelta(days=7) + window * rng.random()
        role = ContactRole.PRISON_CASE_WORKER
        if rng.random() < 0.7:
            self.s.emit(
                left,
                prison,
                ContactPersonEnded,
                role=role,
                org=prison,
                worker_ref=current,
                successor_worker_ref=worker_ref(rng, prison, current),
            )
            return
        self.s.emit(left, prison, ContactPersonEnded, role=role, org=prison, worker_ref=current)
        if rng.random() < 0.8:
            again = working_days_after(rng, left, (1, 12))
            if again < segment_end:
                self._assign(again, prison, role)

    def _probation_officer(self) -> None:
        """Supervised probationary freedom: the sanctions office names a probation officer."""
        office = self.p.sanctions_office
        if self.p.release_type != ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM or office is None:
            return
        at = self.released - timedelta(days=self.rng.randint(3, 10))
        if at > self.started + timedelta(hours=2):
            self._assign(at, office, ContactRole.PROBATION_OFFICER)


def _weighted(rng: random.Random, weights: dict[K, float]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _prisons() -> list[str]:
    return [o.code for o in default_registry().of_kind(OrgKind.PRISON)]
