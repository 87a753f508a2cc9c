"""The county side of one person's story: acknowledgement, assessment, named worker, client
plan, reviews and closure, at the pace of the county's behaviour; and the NGO's support person.

With a referral the home county works from its acknowledgement; without one (or when the person
moves to another county) the responsible county can start only after the release.
"""

import random
from datetime import date, datetime, timedelta
from typing import Any

from services.core.calendar import local_date, start_of_local_day
from services.core.events import (
    AssessmentCompleted,
    AssessmentStarted,
    CaseClosed,
    ClientPlanAgreed,
    ClientPlanReviewed,
    ContactPersonAssigned,
    ContactPersonEnded,
    InboundEvent,
    ReferralAcknowledged,
)
from services.core.vocabulary import CaseClosure, ContactRole, ReleaseType
from services.simulator.behaviour import Behaviour
from services.simulator.config import SimulationConfig
from services.simulator.custody import Custody, worker_ref
from services.simulator.moments import (
    Script,
    after,
    days_from,
    office_hours,
    working_days_after,
)
from services.simulator.population import county_of

CLOSURE_AFTER_DAYS = 90
"""Cases close at a plan review at least this long after release, never earlier."""


class CountyStory:
    def __init__(
        self,
        script: Script,
        config: SimulationConfig,
        rng: random.Random,
        *,
        custody: Custody,
        counties: dict[str, Behaviour],
        horizon: datetime,
    ) -> None:
        self.s, self.p, self.config, self.rng = script, script.person, config, rng
        self.custody, self.counties, self.horizon = custody, counties, horizon
        self.cutoff: datetime | None = None

    def tell(self) -> None:
        home = county_of(self.p.home_municipality)
        responsible = county_of(self.p.destination_municipality)
        moved = responsible != home
        worked = False
        if home is not None and self.custody.referral_at is not None:
            self.cutoff = self.custody.released if moved else None
            worked = self._with_referral(home, self.counties[home])
            self.cutoff = None
        if responsible is not None and (moved or not worked):
            self._after_release(responsible, self.counties[responsible])
        self._ngo_support()

    def _emit(
        self, at: datetime, source: str, event_type: type[InboundEvent], **fields: Any
    ) -> bool:
        if self.cutoff is not None and at >= self.cutoff:
            return False
        self.s.emit(at, source, event_type, **fields)
        return True

    def _with_referral(self, county: str, b: Behaviour) -> bool:
        """True when the county took the referral up (acknowledged it)."""
        referral_at = self.custody.referral_at
        assert referral_at is not None
        if self.rng.random() < b.ack_never:
            return False
        ack = working_days_after(self.rng, referral_at, b.ack_working_days)
        if not self._emit(ack, county, ReferralAcknowledged, referral_id=self.custody.referral_id):
            return False
        self._work(county, b, ack)
        return True

    def _after_release(self, county: str, b: Behaviour) -> None:
        self._work(county, b, self.custody.released + timedelta(days=1))

    def _on(self, earliest: datetime, span: tuple[int, int]) -> datetime:
        """Office hours `span` days from release, never before `earliest`."""
        return after(
            self.rng,
            earliest,
            office_hours(self.rng, days_from(self.rng, self.custody.released, span)),
        )

    def _work(self, county: str, b: Behaviour, earliest: datetime) -> None:
        rng = self.rng
        if rng.random() < b.assessment_never:
            return
        assessed = self._on(earliest, b.assessment_days)
        self._emit(assessed, county, AssessmentStarted)
        if rng.random() >= b.plan_never:
            done = after(rng, assessed, office_hours(rng, days_from(rng, assessed, (14, 45))))
            self._emit(done, county, AssessmentCompleted)
        if rng.random() < b.named_worker_never:
            return
        named = self._on(assessed, b.named_worker_days)
        worker = worker_ref(rng, county)
        self._emit(
            named,
            county,
            ContactPersonAssigned,
            role=ContactRole.NAMED_WORKER,
            org=county,
            worker_ref=worker,
        )
        self._named_worker_churn(county, b, named, worker)
        if rng.random() < b.plan_never:
            return
        agreed = self._on(named, b.plan_days)
        review = days_from(rng, agreed, b.review_interval_days)
        if self._emit(
            agreed, county, ClientPlanAgreed, review_date=review, network=self._network(county)
        ):
            self._reviews(county, b, agreed, review)

    def _network(self, county: str) -> list[str]:
        network = [county]
        if self.custody.ngo:
            network.append(self.custody.ngo)
        office = self.p.sanctions_office
        if self.p.release_type == ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM and office:
            network.append(office)
        return network

    def _reviews(self, county: str, b: Behaviour, agreed: datetime, review: date) -> None:
        """Reviews at the agreed dates (some late, some never); the case may close at one."""
        rng, last = self.rng, agreed
        closing_from = local_date(self.custody.released) + timedelta(days=CLOSURE_AFTER_DAYS)
        closes = rng.random() < b.closure
        while start_of_local_day(review) < self.horizon:
            if closes and review >= closing_from:
                at = after(rng, last, office_hours(rng, review - timedelta(days=rng.randint(0, 3))))
                self._emit(at, county, CaseClosed, reason=CaseClosure.NO_LONGER_NEEDED)
                return
            if rng.random() < b.review_missed:
                if rng.random() < 0.5:
                    return
                day = review + timedelta(days=rng.randint(5, 20))
            else:
                day = review - timedelta(days=rng.randint(1, 5))
            last = after(rng, last, office_hours(rng, day))
            review = local_date(last) + timedelta(days=rng.randint(*b.review_interval_days))
            self._emit(last, county, ClientPlanReviewed, next_review_date=review)

    def _named_worker_churn(self, county: str, b: Behaviour, since: datetime, worker: str) -> None:
        rng = self.rng
        if rng.random() >= self.config.named_worker_churn_rate:
            return
        left = since + timedelta(days=rng.randint(20, 120), hours=rng.randint(0, 6))
        role = ContactRole.NAMED_WORKER
        if rng.random() < 0.6:
            self._emit(
                left,
                county,
                ContactPersonEnded,
                role=role,
                org=county,
                worker_ref=worker,
                successor_worker_ref=worker_ref(rng, county, worker),
            )
            return
        self._emit(left, county, ContactPersonEnded, role=role, org=county, worker_ref=worker)
        if rng.random() >= b.reassign_never:
            again = working_days_after(
                rng, left, b.ack_working_days if b.ack_never < 0.1 else (3, 15)
            )
            self._emit(
                again,
                county,
                ContactPersonAssigned,
                role=role,
                org=county,
                worker_ref=worker_ref(rng, county),
            )

    def _ngo_support(self) -> None:
        """With consent to an NGO, it names a support person (or an expert by experience)."""
        ngo, consented = self.custody.ngo, self.custody.consent_at
        if ngo is None or consented is None:
            return
        rng = self.rng
        role = ContactRole.EXPERT_BY_EXPERIENCE if ngo == "ngo-kokemus" else ContactRole.NGO_SUPPORT
        at = after(rng, consented, office_hours(rng, days_from(rng, consented, (3, 15))))
        worker = worker_ref(rng, ngo)
        self._emit(at, ngo, ContactPersonAssigned, role=role, org=ngo, worker_ref=worker)
        if rng.random() >= self.config.ngo_churn_rate:
            return
        left = at + timedelta(days=rng.randint(30, 200), hours=rng.randint(0, 6))
        if rng.random() < 0.5:
            self._emit(
                left,
                ngo,
                ContactPersonEnded,
                role=role,
                org=ngo,
                worker_ref=worker,
                successor_worker_ref=worker_ref(rng, ngo, worker),
            )
            return
        self._emit(left, ngo, ContactPersonEnded, role=role, org=ngo, worker_ref=worker)
        if rng.random() < 0.5:
            again = working_days_after(rng, left, (2, 15))
            self._emit(
                again,
                ngo,
                ContactPersonAssigned,
                role=role,
                org=ngo,
                worker_ref=worker_ref(rng, ngo),
            )
