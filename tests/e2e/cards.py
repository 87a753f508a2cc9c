"""The scenario cards' vocabulary: card calendars and the events each organisation publishes.

Each card of SCENARIOS.md gets its own stretch of event time (`Card`), later than the cards
before it, because the workers' event clock only moves forward. Events are built through the
stage so that each organisation names the person the way its system would.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.core.calendar import local_date
from services.core.case import PlannedService
from services.core.events import (
    ClientPlanAgreed,
    ConsentGiven,
    ContactPersonAssigned,
    ContactPersonEnded,
    CustodyStarted,
    ReferralAcknowledged,
    ReferralSubmitted,
    Released,
    ReleaseDateSet,
    ReleasePlanAgreed,
    TaskStatusChanged,
)
from services.core.tasks import Task
from services.core.vocabulary import (
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
from tests.support.scenario import Person, Stage, local

SHL35_MINIMUM = frozenset(
    {Category.IDENTITY, Category.PLACEMENT, Category.RELEASE_SCHEDULE, Category.NEEDS}
)
"""What a 35 § 2 mom. notification lets the responsible county see: who, where, when released,
the stated non-health need and its urgency."""
AGENCY_OWN = frozenset(
    {
        Category.IDENTITY,
        Category.CONTACT_DETAILS,
        Category.RELEASE_SCHEDULE,
        Category.PLACEMENT,
        Category.SENTENCE,
        Category.NEEDS,
    }
)
"""What the Criminal Sanctions Agency's units use internally: its own data about a prisoner."""
NAME = "Testi Kuvitteellinen Henkilö"
PHONE = "+358 40 000 0000"


def weekday_from(start: date, weekday: int) -> date:
    """The first day on or after `start` with `weekday` (Monday 0)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


@dataclass(frozen=True)
class Card:
    day0: date

    def day(self, n: int) -> date:
        return self.day0 + timedelta(days=n)

    def at(self, n: int, hour: int = 10, minute: int = 0) -> datetime:
        return local(self.day(n), hour, minute)

    def midnight(self, n: int) -> datetime:
        return local(self.day(n), 0, 0)


@dataclass
class Events:
    """Builds one person's events on a stage."""

    stage: Stage
    person: Person
    prison: str

    def custody(
        self,
        at: datetime,
        home: str,
        *,
        sentence: SentenceType = SentenceType.LONG_TERM,
        expected: date | None = None,
    ) -> CustodyStarted:
        return self.stage.event(
            self.person,
            CustodyStarted,
            self.prison,
            at,
            prison=self.prison,
            sentence_type=sentence,
            sentence_start=local_date(at),
            home_municipality=home,
            expected_release=expected,
            full_name=NAME,
            phone=PHONE,
        )

    def consent(
        self, at: datetime, consent_id: str, categories: list[Category], recipients: list[str]
    ) -> ConsentGiven:
        return self.stage.event(
            self.person,
            ConsentGiven,
            self.prison,
            at,
            consent_id=consent_id,
            categories=categories,
            recipients=recipients,
            purpose="release planning",
            valid_from=local_date(at),
            valid_until=local_date(at) + timedelta(days=365),
            collection_method=ConsentCollection.WRITTEN,
        )

    def referral(
        self,
        at: datetime,
        referral_id: str,
        *,
        needs: list[Need],
        kind: ReferralKind = ReferralKind.CONTACT_WITH_CONSENT,
        urgency: Urgency = Urgency.NORMAL,
        summary: str | None = None,
        ground: Shl35Ground | None = Shl35Ground.UNABLE_TO_CARE_FOR_SELF,
    ) -> ReferralSubmitted:
        """A contact with consent, or a notification without consent with its ground (None:
        the ground left out) and why consent could not be obtained."""
        grounds: dict[str, object] = {}
        if kind == ReferralKind.NOTIFICATION_WITHOUT_CONSENT:
            grounds = {
                "ground": ground,
                "consent_not_obtained": ConsentNotObtained.CLIENT_UNABLE_TO_CONSENT,
            }
        return self.stage.event(
            self.person,
            ReferralSubmitted,
            self.prison,
            at,
            referral_id=referral_id,
            kind=kind,
            needs=needs,
            urgency=urgency,
            summary=summary,
            **grounds,
        )

    def release_date(
        self, at: datetime, day: date, release_type: ReleaseType = ReleaseType.CONDITIONAL_RELEASE
    ) -> ReleaseDateSet:
        return self.stage.event(
            self.person,
            ReleaseDateSet,
            self.prison,
            at,
            release_date=day,
            release_type=release_type,
        )

    def released(
        self,
        at: datetime,
        *,
        destination: str | None = None,
        housing: HousingStatus = HousingStatus.UNKNOWN,
        release_type: ReleaseType = ReleaseType.CONDITIONAL_RELEASE,
    ) -> Released:
        return self.stage.event(
            self.person,
            Released,
            self.prison,
            at,
            released_at=at,
            release_type=release_type,
            destination_municipality=destination,
            housing_status=housing,
        )

    def acknowledged(self, at: datetime, county: str, referral_id: str) -> ReferralAcknowledged:
        return self.stage.event(
            self.person, ReferralAcknowledged, county, at, referral_id=referral_id
        )

    def assigned(
        self, at: datetime, sender: str, role: ContactRole, org: str, worker: str
    ) -> ContactPersonAssigned:
        return self.stage.event(
            self.person, ContactPersonAssigned, sender, at, role=role, org=org, worker_ref=worker
        )

    def ended(
        self,
        at: datetime,
        sender: str,
        role: ContactRole,
        org: str,
        worker: str,
        *,
        successor: str | None = None,
    ) -> ContactPersonEnded:
        return self.stage.event(
            self.person,
            ContactPersonEnded,
            sender,
            at,
            role=role,
            org=org,
            worker_ref=worker,
            successor_worker_ref=successor,
        )

    def plan(self, at: datetime, county: str, review: date, network: list[str]) -> ClientPlanAgreed:
        return self.stage.event(
            self.person, ClientPlanAgreed, county, at, review_date=review, network=network
        )

    def release_plan(self, at: datetime, plan_id: str, services: list[PlannedService],
                     responsible: list[str] | None = None) -> ReleasePlanAgreed:
        return self.stage.event(self.person, ReleasePlanAgreed, self.prison, at,
                                plan_id=plan_id, agreed_with_client=True, services=services,
                                responsible_orgs=responsible or [])

    def task_status(self, at: datetime, task: Task, status: TaskStatus) -> TaskStatusChanged:
        return self.stage.event(
            self.person,
            TaskStatusChanged,
            task.recipient_org,
            at,
            task_id=task.task_id,
            status=status,
        )
