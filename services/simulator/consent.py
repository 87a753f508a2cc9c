"""How the person and the prison reach the county: consent for release planning in one of
three scopes, a referral with consent or a notification without (SHL §35), and withdrawals."""

import random
from datetime import datetime, timedelta
from typing import Protocol

from services.core.calendar import local_date
from services.core.events import ConsentGiven, ConsentWithdrawn, ReferralSubmitted
from services.core.vocabulary import (
    Category,
    ConsentCollection,
    ConsentNotObtained,
    Need,
    ReferralKind,
    ReleaseType,
    Shl35Ground,
    Urgency,
)
from services.simulator.config import SimulationConfig
from services.simulator.moments import Script, after
from services.simulator.population import Person, county_of

PURPOSE = "release_planning"
NGOS = ("ngo-polku", "ngo-silta", "ngo-kokemus", "ngo-verkko")
NEEDS_WEIGHTS = {
    Need.HOUSING: 5,
    Need.INCOME: 5,
    Need.SUBSTANCE_USE: 4,
    Need.MENTAL_HEALTH: 3,
    Need.EMPLOYMENT: 3,
    Need.DEBT: 2,
    Need.HEALTH_CARE: 2,
    Need.DAILY_LIVING: 2,
    Need.FAMILY: 1,
    Need.EDUCATION: 1,
}
FULL = (
    Category.IDENTITY,
    Category.CONTACT_DETAILS,
    Category.RELEASE_SCHEDULE,
    Category.PLACEMENT,
    Category.NEEDS,
    Category.REFERRAL_SUMMARY,
    Category.CONTACT_PERSONS,
    Category.CLIENT_PLAN,
    Category.SERVICE_STATUS,
    Category.HEALTH,
)
NOTIFICATION_GROUNDS = (
    Shl35Ground.UNABLE_TO_CARE_FOR_SELF,
    Shl35Ground.UNABLE_TO_CARE_FOR_HEALTH,
    Shl35Ground.UNABLE_TO_ENSURE_SAFETY,
)
"""Adults: the child's-interest ground does not arise for the simulated people."""
BASIC = (Category.IDENTITY, Category.RELEASE_SCHEDULE, Category.PLACEMENT, Category.NEEDS)
SHORT_LIVED = (Category.IDENTITY, Category.RELEASE_SCHEDULE, Category.NEEDS, Category.CLIENT_PLAN)


class PrisonSide(Protocol):
    """What these steps need from the custody story."""

    s: Script
    p: Person
    config: SimulationConfig
    rng: random.Random
    started: datetime
    released: datetime

    @property
    def short_stay(self) -> bool: ...

    def prison_at(self, moment: datetime) -> str: ...

    def before_release(self, moment: datetime) -> bool: ...


def consent_id(script: Script) -> str:
    return f"consent-{script.seed}-{script.person.index:05d}"


def give_consent(side: PrisonSide) -> tuple[str | None, datetime | None]:
    """Consent for release planning, in one of three scopes; some never consent."""
    p, rng = side.p, side.rng
    if rng.random() >= side.config.consent_rate:
        return None, None
    county = county_of(p.home_municipality)
    hours = rng.randint(1, 30) if side.short_stay else rng.randint(48, 14 * 24)
    at = after(rng, side.started, side.started + timedelta(hours=hours))
    if not side.before_release(at):
        return None, None
    scope = rng.choices(("full", "basic", "short"), weights=(0.5, 0.35, 0.15))[0]
    ngo = rng.choice(NGOS) if scope == "short" or (scope == "full" and rng.random() < 0.6) else None
    recipients = [org for org in (county, ngo) if org]
    if (
        scope == "full"
        and p.release_type == ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM
        and p.sanctions_office
    ):
        recipients.append(p.sanctions_office)
    if not recipients:
        return None, None
    categories = {"full": FULL, "basic": BASIC, "short": SHORT_LIVED}[scope]
    valid_days = {"full": 365, "basic": 180, "short": rng.randint(20, 60)}[scope]
    side.s.emit(
        at,
        side.prison_at(at),
        ConsentGiven,
        consent_id=consent_id(side.s),
        categories=list(categories),
        recipients=recipients,
        purpose=PURPOSE,
        valid_from=local_date(at),
        valid_until=side.p.release_on + timedelta(days=valid_days),
        collection_method=rng.choice(list(ConsentCollection)),
    )
    return ngo, at


def submit_referral(
    side: PrisonSide, consent_at: datetime | None
) -> tuple[datetime | None, str | None]:
    """With consent a contact (SHL 35 § 1 mom.); without, where staff see that the person
    cannot cope, a notification without consent (35 § 2 mom.) with its ground and why consent
    could not be obtained."""
    rng = side.rng
    if consent_at is not None:
        kind, base = ReferralKind.CONTACT_WITH_CONSENT, consent_at
    elif rng.random() < side.config.notification_rate:
        kind, base = ReferralKind.NOTIFICATION_WITHOUT_CONSENT, side.started
    else:
        return None, None
    hours = rng.randint(1, 20) if side.short_stay else rng.randint(2, 10 * 24)
    at = after(rng, base, base + timedelta(hours=hours))
    if not side.before_release(at):
        return None, None
    needs = rng.sample(
        list(NEEDS_WEIGHTS), k=rng.randint(1, 4), counts=list(NEEDS_WEIGHTS.values())
    )
    referral = f"ref-{side.s.seed}-{side.p.index:05d}"
    grounds: dict[str, object] = {}
    if kind == ReferralKind.NOTIFICATION_WITHOUT_CONSENT:
        grounds = {
            "ground": rng.choice(NOTIFICATION_GROUNDS),
            "consent_not_obtained": rng.choice(list(ConsentNotObtained)),
        }
    side.s.emit(
        at,
        side.prison_at(at),
        ReferralSubmitted,
        referral_id=referral,
        kind=kind,
        needs=list(dict.fromkeys(needs)),
        urgency=Urgency.URGENT if side.short_stay else Urgency.NORMAL,
        summary=f"Synteettinen testilähete {side.p.index:04d}",
        **grounds,
    )
    return at, referral


def withdraw_consent(side: PrisonSide, consent_at: datetime | None, ngo: str | None) -> None:
    """Some withdraw consent: in prison through the prison, later through the network."""
    if consent_at is None or side.rng.random() >= side.config.withdrawal_rate:
        return
    at = consent_at + timedelta(days=side.rng.randint(10, 200))
    if side.before_release(at):
        org = side.prison_at(at)
    else:
        at = max(at, side.released + timedelta(hours=2))
        org = ngo or county_of(side.p.destination_municipality) or side.prison_at(at)
    side.s.emit(at, org, ConsentWithdrawn, consent_id=consent_id(side.s))
