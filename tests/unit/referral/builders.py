"""Builders for referral tests: valid temporary identity codes, events with sensible defaults,
and a helper that feeds events through the registry.

Registry events are built already admitted and sanitised (`person_ref` set, no identity code);
`raw` turns one back into what a prison publishes, for the gate.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from services.core import identity
from services.core.envelopes import Origin
from services.core.events import (
    AssessmentCompleted,
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
from services.core.facts import CaseFact
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
)
from services.referral.decide import (
    Outcome,
    PersonState,
    ReferralSettings,
    RejectedEvent,
    apply,
)

E = TypeVar("E", bound=InboundEvent)

SECRET = b"referral-test-secret"
CODE = "010594Y9021"
OTHER_CODE = "020504B904H"
PERSON = identity.person_ref(CODE, SECRET)
OTHER_PERSON = identity.person_ref(OTHER_CODE, SECRET)

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)
PRISON = "prison-kuopion"
OTHER_PRISON = "prison-sukevan"
COUNTY = "county-13"
NGO = "ngo-polku"
KUOPIO, VANTAA, OULU, HELSINKI, MARIEHAMN, NO_SUCH = "297", "092", "564", "091", "478", "999"
SEALED_IDENTITY = "sealed:identity"
SEALED_SUMMARY = "sealed:summary"
SETTINGS = ReferralSettings()
ORIGIN = Origin(topic=f"inbound.{PRISON}", partition=0, offset=0)


def temporary_code(n: int, born: str = "150385", sign: str = "-") -> str:
    """A valid temporary identity code (individual number 900-999) that belongs to nobody."""
    nine = f"{born}{900 + n % 100:03d}"
    return f"{born}{sign}{nine[6:]}{identity.check_character(nine)}"


def _event(cls: type[E], defaults: dict[str, Any], overrides: dict[str, Any]) -> E:
    base: dict[str, Any] = {"occurred_at": T0, "source_org": PRISON, "person_ref": PERSON}
    return cls.model_validate({**base, **defaults, **overrides})


def custody(**o: Any) -> CustodyStarted:
    defaults = {
        "event_id": "e-custody",
        "prison": PRISON,
        "sentence_type": SentenceType.LONG_TERM,
        "sentence_start": date(2025, 3, 3),
        "home_municipality": KUOPIO,
        "expected_release": date(2025, 9, 1),
    }
    return _event(CustodyStarted, defaults, o)


def release_date(**o: Any) -> ReleaseDateSet:
    defaults = {
        "event_id": "e-release-date",
        "occurred_at": T0 + DAY,
        "release_date": date(2025, 8, 1),
        "release_type": ReleaseType.CONDITIONAL_RELEASE,
    }
    return _event(ReleaseDateSet, defaults, o)


def transfer(**o: Any) -> PrisonTransferred:
    defaults = {
        "event_id": "e-transfer",
        "occurred_at": T0 + 2 * DAY,
        "from_prison": PRISON,
        "to_prison": OTHER_PRISON,
        "transferred_on": date(2025, 3, 5),
    }
    return _event(PrisonTransferred, defaults, o)


def released(**o: Any) -> Released:
    defaults = {
        "event_id": "e-released",
        "occurred_at": T0 + 150 * DAY,
        "released_at": T0 + 150 * DAY,
        "release_type": ReleaseType.CONDITIONAL_RELEASE,
        "housing_status": HousingStatus.SECURED,
    }
    return _event(Released, defaults, o)


def assigned(**o: Any) -> ContactPersonAssigned:
    defaults = {
        "event_id": "e-assigned",
        "occurred_at": T0 + 3 * DAY,
        "role": ContactRole.PRISON_CASE_WORKER,
        "org": PRISON,
        "worker_ref": "w-1",
    }
    return _event(ContactPersonAssigned, defaults, o)


def ended(**o: Any) -> ContactPersonEnded:
    defaults = {
        "event_id": "e-ended",
        "occurred_at": T0 + 4 * DAY,
        "role": ContactRole.PRISON_CASE_WORKER,
        "org": PRISON,
        "worker_ref": "w-1",
    }
    return _event(ContactPersonEnded, defaults, o)


def referral(**o: Any) -> ReferralSubmitted:
    defaults = {
        "event_id": "e-referral",
        "occurred_at": T0 + 5 * DAY,
        "referral_id": "r-1",
        "kind": ReferralKind.NOTIFICATION_WITHOUT_CONSENT,
        "ground": Shl35Ground.UNABLE_TO_CARE_FOR_SELF,
        "consent_not_obtained": ConsentNotObtained.CLIENT_UNABLE_TO_CONSENT,
        "needs": [Need.HOUSING, Need.INCOME],
    }
    return _event(ReferralSubmitted, defaults, o)


def acknowledged(**o: Any) -> ReferralAcknowledged:
    defaults = {
        "event_id": "e-ack",
        "occurred_at": T0 + 6 * DAY,
        "source_org": COUNTY,
        "referral_id": "r-1",
    }
    return _event(ReferralAcknowledged, defaults, o)


def assessment_started(**o: Any) -> AssessmentStarted:
    defaults = {"event_id": "e-assess-start", "occurred_at": T0 + 7 * DAY, "source_org": COUNTY}
    return _event(AssessmentStarted, defaults, o)


def assessment_completed(**o: Any) -> AssessmentCompleted:
    defaults = {"event_id": "e-assess-done", "occurred_at": T0 + 8 * DAY, "source_org": COUNTY}
    return _event(AssessmentCompleted, defaults, o)


def consent(**o: Any) -> ConsentGiven:
    defaults = {
        "event_id": "e-consent",
        "occurred_at": T0 + 4 * DAY,
        "consent_id": "k-1",
        "categories": [Category.IDENTITY, Category.RELEASE_SCHEDULE],
        "recipients": [COUNTY, NGO],
        "purpose": "release_planning",
        "valid_from": date(2025, 3, 7),
        "valid_until": date(2026, 3, 7),
        "collection_method": ConsentCollection.WRITTEN,
    }
    return _event(ConsentGiven, defaults, o)


def withdrawn(**o: Any) -> ConsentWithdrawn:
    defaults = {"event_id": "e-withdrawn", "occurred_at": T0 + 9 * DAY, "consent_id": "k-1"}
    return _event(ConsentWithdrawn, defaults, o)


def plan_agreed(**o: Any) -> ClientPlanAgreed:
    defaults = {
        "event_id": "e-plan",
        "occurred_at": T0 + 10 * DAY,
        "source_org": COUNTY,
        "review_date": date(2025, 12, 1),
        "network": [COUNTY, NGO],
    }
    return _event(ClientPlanAgreed, defaults, o)


def plan_reviewed(**o: Any) -> ClientPlanReviewed:
    defaults = {
        "event_id": "e-plan-review",
        "occurred_at": T0 + 11 * DAY,
        "source_org": COUNTY,
        "next_review_date": date(2026, 3, 1),
    }
    return _event(ClientPlanReviewed, defaults, o)


def closed(**o: Any) -> CaseClosed:
    defaults = {
        "event_id": "e-closed",
        "occurred_at": T0 + 200 * DAY,
        "source_org": COUNTY,
        "reason": CaseClosure.NO_LONGER_NEEDED,
    }
    return _event(CaseClosed, defaults, o)


def task_status(**o: Any) -> TaskStatusChanged:
    defaults = {
        "event_id": "e-task",
        "occurred_at": T0 + 12 * DAY,
        "source_org": COUNTY,
        "task_id": "t-1",
        "status": TaskStatus.ACCEPTED,
    }
    return _event(TaskStatusChanged, defaults, o)


def raw(event: InboundEvent, code: str = CODE) -> InboundEvent:
    """The event as its sender publishes it: named by identity code, not by person_ref."""
    return event.model_copy(update={"identity_code": code, "person_ref": None})


def sealed_for(event: InboundEvent) -> str | None:
    if isinstance(event, CustodyStarted):
        return SEALED_IDENTITY
    if isinstance(event, ReferralSubmitted):
        return SEALED_SUMMARY
    return None


@dataclass
class Run:
    """The result of feeding a stream of events to the registry, one `apply` per event."""

    state: PersonState | None = None
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def facts(self) -> list[CaseFact]:
        return [fact for outcome in self.outcomes for fact in outcome.facts]

    @property
    def rejections(self) -> list[RejectedEvent]:
        return [r for outcome in self.outcomes for r in outcome.rejections]

    @property
    def last(self) -> Outcome:
        return self.outcomes[-1]

    def deliver(
        self,
        event: InboundEvent,
        now: datetime | None = None,
        settings: ReferralSettings = SETTINGS,
    ) -> Outcome:
        offset = len(self.outcomes)
        origin = Origin(topic=f"inbound.{event.source_org}", partition=0, offset=offset)
        moment = now if now is not None else event.occurred_at
        outcome = apply(self.state, event, sealed_for(event), origin, settings, moment)
        self.state = outcome.state
        self.outcomes.append(outcome)
        return outcome


def run(events: Iterable[InboundEvent], settings: ReferralSettings = SETTINGS) -> Run:
    """Deliver each event at its own occurred_at."""
    result = Run()
    for event in events:
        result.deliver(event, settings=settings)
    return result
