"""What the projection remembers per person, task and alert: allow-listed fields only.

A case fact carries the whole case; only the fields the operator view needs are copied out of
it here, so nothing else (sealed identity, summaries, worker references) is ever held.
"""

from dataclasses import dataclass, field
from datetime import datetime

from services.core.case import CaseState, CaseStatus
from services.core.facts import CaseFact, FactKind
from services.core.organisations import OrgKind, Registry
from services.core.tasks import TaskKind
from services.core.vocabulary import SentenceType, TaskStatus
from services.operator.views import TimelineFact

UNKNOWN_KIND = "unknown"


@dataclass(frozen=True)
class ReferralTrack:
    submitted_at: datetime
    acknowledged_at: datetime | None


@dataclass
class PersonTrack:
    """The latest case snapshot of one person, reduced to what the operator view shows."""

    person_ref: str
    case_id: str
    status: CaseStatus
    area: str | None
    referrals: tuple[ReferralTrack, ...] = ()
    open_vacancies: int = 0
    long_sentence: bool = False
    release_plan: bool = False
    """A release plan (Imprisonment Act ch. 4 § 6) has been agreed for the case."""
    released_at: datetime | None = None
    first_contact_at: datetime | None = None
    """The first event from the responsible county at or after release."""
    facts: list[TimelineFact] = field(default_factory=list)


@dataclass(frozen=True)
class IssuedTask:
    """One task, known from its disclosure record (exactly one per task)."""

    person_ref: str
    kind: TaskKind
    recipient_org: str
    issued_at: datetime


@dataclass(frozen=True)
class StatusReport:
    status: TaskStatus
    at: datetime


def org_kind(registry: Registry, code: str) -> str:
    """The kind of an organisation (prison, county, ...); `unknown` when not registered."""
    org = registry.get(code)
    return org.kind.value if org is not None else UNKNOWN_KIND


def _snapshot(track: PersonTrack, case: CaseState) -> None:
    track.case_id = case.case_id
    track.status = case.status
    track.area = case.responsible_area
    track.referrals = tuple(
        ReferralTrack(r.submitted_at, r.acknowledged_at) for r in case.referrals
    )
    track.open_vacancies = len(case.vacancies)
    track.long_sentence = case.sentence_type == SentenceType.LONG_TERM
    track.release_plan = case.release_plan is not None


def follow(track: PersonTrack | None, fact: CaseFact, registry: Registry) -> PersonTrack:
    """The person's track after one case fact (a new custody period starts a fresh track)."""
    case = fact.case
    if track is None:
        track = PersonTrack(fact.person_ref, case.case_id, case.status, case.responsible_area)
    elif track.case_id != case.case_id:
        track.released_at = None
        track.first_contact_at = None
    _snapshot(track, case)
    if fact.kind == FactKind.RELEASED:
        track.released_at = case.released_at or fact.occurred_at
        track.first_contact_at = None
    elif (
        track.released_at is not None
        and track.first_contact_at is None
        and fact.occurred_at >= track.released_at
        and fact.source_org == case.responsible_area
        and org_kind(registry, fact.source_org) == OrgKind.COUNTY.value
    ):
        track.first_contact_at = fact.occurred_at
    track.facts.append(
        TimelineFact(
            at=fact.occurred_at, kind=fact.kind, source_org_kind=org_kind(registry, fact.source_org)
        )
    )
    return track
