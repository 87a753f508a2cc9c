"""The operating model in one person's story: the release plan, the SHL 41 § request and the
network meeting, the client's wishes and refusals, supervision orders, revoked probationary
freedom and alerts a county closes with a reason.

It draws from its own random stream, so the rest of the story (and every figure that depends on
it) is the same with or without it.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.core.calendar import local_date
from services.core.case import MeetingParticipant, PlannedService
from services.core.events import (
    AlertDismissed,
    ClientDeclined,
    ClientPreferenceRecorded,
    CooperationRequested,
    NetworkMeetingHeld,
    NetworkMeetingScheduled,
    ProbationaryFreedomRevoked,
    Released,
    ReleasePlanAgreed,
    ReleasePlanUpdated,
    ResponsibleCountyNamed,
    SupervisionOrdered,
)
from services.core.organisations import OPERATORS, county_code, default_registry
from services.core.records import AlertRule
from services.core.vocabulary import (
    ContactChannel,
    CooperationPurpose,
    Declined,
    DeclineReason,
    DismissalReason,
    Need,
    ParticipantRole,
    ReleaseType,
    SentenceType,
)
from services.simulator.consent import PrisonSide
from services.simulator.custody import Custody
from services.simulator.moments import after, any_day, office_hours, working_days_after
from services.simulator.population import county_of

RELEASE_PLAN_RATE = 0.8
"""Long sentences whose release plan is agreed in time (the rest are late or never)."""
PLAN_UPDATE_RATE = 0.15
NETWORK_RATE = 0.7
"""Consented long sentences with an NGO whose county calls the network together."""
MEETING_HELD_RATE = 0.85
PREFERENCE_RATE = 0.5
HOUSING_DECLINED_RATE = 0.05
CONTACT_REFUSED_RATE = 0.02
SUPERVISION_RATE = 0.35
"""Conditional releases with a supervision order (young offenders, long sentences)."""
REVOCATION_RATE = 0.1
DISMISSAL_RATE = 0.04
OPERATOR_ROUTING_RATE = 0.9
"""Operators name a county for most cases whose municipality routes nowhere, within days."""


@dataclass
class PlanningStory:
    side: PrisonSide
    custody: Custody
    rng: random.Random

    @classmethod
    def of(cls, side: PrisonSide, custody: Custody) -> "PlanningStory":
        rng = random.Random(f"{side.config.seed}:planning:{side.p.index}")
        return cls(side=side, custody=custody, rng=rng)

    @property
    def county(self) -> str | None:
        return county_of(self.side.p.home_municipality)

    def tell(self) -> None:
        plan_at = self._release_plan()
        self._network(plan_at)
        self._voice()
        self._supervision()
        self._revocation()
        self._dismissal()
        self._county_named()

    def _release_plan(self) -> datetime | None:
        side, rng = self.side, self.rng
        if side.p.sentence_type != SentenceType.LONG_TERM or side.short_stay:
            return None
        if rng.random() >= RELEASE_PLAN_RATE:
            return None
        at = any_day(rng, local_date(side.released) - timedelta(days=rng.randint(30, 110)))
        at = after(rng, side.started + timedelta(days=3), at)
        if not side.before_release(at):
            return None
        services = [PlannedService(need=Need.INCOME, org=self.county)] if self.county else []
        if self.county and rng.random() < 0.6:
            services.append(PlannedService(need=Need.HOUSING, org=self.county))
        fields = {
            "plan_id": f"rp-{side.s.seed}-{side.p.index:05d}",
            "agreed_with_client": rng.random() < 0.9,
            "services": services,
            "responsible_orgs": [self.custody.ngo] if self.custody.ngo else [],
            "review_date": local_date(side.released) + timedelta(days=60),
        }
        side.s.emit(at, side.prison_at(at), ReleasePlanAgreed, **fields)
        update = at + timedelta(days=rng.randint(7, 30))
        if rng.random() < PLAN_UPDATE_RATE and side.before_release(update):
            side.s.emit(update, side.prison_at(update), ReleasePlanUpdated, **fields)
        return at

    def _network(self, plan_at: datetime | None) -> None:
        side, rng, ngo, county = self.side, self.rng, self.custody.ngo, self.county
        consent_at = self.custody.consent_at
        if plan_at is None or ngo is None or county is None or consent_at is None:
            return
        if rng.random() >= NETWORK_RATE:
            return
        asked = after(rng, consent_at, office_hours(rng, local_date(plan_at) - timedelta(15)))
        meeting_on = local_date(asked) + timedelta(days=10)
        if not side.before_release(asked + timedelta(days=11)):
            return
        request_id = f"coop-{side.s.seed}-{side.p.index:05d}"
        side.s.emit(
            asked,
            county,
            CooperationRequested,
            request_id=request_id,
            invited_org=ngo,
            purpose=CooperationPurpose.NETWORK_MEETING,
            respond_by=local_date(asked) + timedelta(days=7),
        )
        participants = [
            MeetingParticipant(org=county, role=ParticipantRole.SOCIAL_WORKER),
            MeetingParticipant(org=ngo, role=ParticipantRole.NGO_WORKER),
            MeetingParticipant(org=side.prison_at(asked), role=ParticipantRole.PRISON_CASE_WORKER),
        ]
        meeting_id = f"meeting-{side.s.seed}-{side.p.index:05d}"
        scheduled = asked + timedelta(hours=2)
        side.s.emit(
            scheduled,
            county,
            NetworkMeetingScheduled,
            meeting_id=meeting_id,
            meeting_on=meeting_on,
            participants=participants,
        )
        if rng.random() < MEETING_HELD_RATE:
            held = office_hours(rng, meeting_on)
            side.s.emit(
                held,
                county,
                NetworkMeetingHeld,
                meeting_id=meeting_id,
                held_on=local_date(held),
                participants=participants,
                client_present=rng.random() < 0.9,
            )

    def _voice(self) -> None:
        side, rng, county = self.side, self.rng, self.county
        consent_at = self.custody.consent_at
        if consent_at is None or county is None or rng.random() >= PREFERENCE_RATE:
            return
        told = working_days_after(rng, consent_at, (1, 10))
        if not side.before_release(told):
            return
        side.s.emit(
            told,
            side.prison_at(told),
            ClientPreferenceRecorded,
            wants=[Need.INCOME, Need.HOUSING],
            contact_channel=rng.choice(list(ContactChannel)),
            wants_to_attend_meeting=rng.random() < 0.8,
        )
        roll = rng.random()
        declined_at = working_days_after(rng, told, (2, 20))
        if roll < HOUSING_DECLINED_RATE:
            side.s.emit(
                declined_at,
                county,
                ClientDeclined,
                declined=Declined.SERVICE,
                need=Need.HOUSING,
                reason=DeclineReason.HAS_ARRANGEMENT,
            )
        elif roll < HOUSING_DECLINED_RATE + CONTACT_REFUSED_RATE:
            side.s.emit(declined_at, county, ClientDeclined, declined=Declined.CONTACT)

    def _supervision(self) -> None:
        side, rng = self.side, self.rng
        office = side.p.sanctions_office
        if side.p.release_type != ReleaseType.CONDITIONAL_RELEASE or office is None:
            return
        if side.short_stay or rng.random() >= SUPERVISION_RATE:
            return
        at = side.released - timedelta(days=rng.randint(3, 14))
        if at <= side.started + timedelta(hours=4):
            return
        start = local_date(side.released)
        side.s.emit(
            at,
            side.prison_at(at),
            SupervisionOrdered,
            supervision_start=start,
            supervision_end=start + timedelta(days=rng.randint(180, 720)),
            supervising_office=office,
        )

    def _revocation(self) -> None:
        """Some probationary freedoms are revoked; the conditional release follows later."""
        side, rng = self.side, self.rng
        if side.p.release_type != ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM:
            return
        if rng.random() >= REVOCATION_RATE:
            return
        revoked = side.released + timedelta(days=rng.randint(10, 60), hours=rng.randint(1, 6))
        prison = side.prison_at(side.released)
        side.s.emit(
            revoked,
            prison,
            ProbationaryFreedomRevoked,
            revoked_on=local_date(revoked),
        )
        again = revoked + timedelta(days=rng.randint(30, 120))
        side.s.emit(
            again,
            prison,
            Released,
            released_at=again,
            release_type=ReleaseType.CONDITIONAL_RELEASE,
            destination_municipality=side.p.destination_municipality,
        )

    def _county_named(self) -> None:
        """An operator names the county of the prison's area for a case that routes nowhere
        (Åland, an unknown municipality), a few working days after custody starts."""
        side, rng = self.side, self.rng
        if self.county is not None or rng.random() >= OPERATOR_ROUTING_RATE:
            return
        prison = default_registry().get(side.prison_at(side.started))
        at = working_days_after(rng, side.started, (1, 4))
        if prison is None or prison.area_code is None or not side.before_release(at):
            return
        side.s.emit(
            at,
            OPERATORS,
            ResponsibleCountyNamed,
            county=county_code(prison.area_code),
            named_by=f"op-{rng.randint(1, 40):03d}",
        )

    def _dismissal(self) -> None:
        """A county that arranged the services otherwise says a named worker is not needed."""
        side, rng = self.side, self.rng
        county = county_of(side.p.destination_municipality)
        if county is None or rng.random() >= DISMISSAL_RATE:
            return
        at = working_days_after(rng, side.released, (1, 5))
        side.s.emit(
            at,
            county,
            AlertDismissed,
            rule=AlertRule.NO_NAMED_WORKER_AT_RELEASE.value,
            reason=DismissalReason.NAMED_WORKER_NOT_NEEDED,
            dismissed_by=f"{county}/w{rng.randint(1, 999):03d}",
        )
