"""Case states, case facts and followup states built directly for the followup unit tests."""

from datetime import date, datetime, time, timedelta
from typing import Any

from services.core.calendar import HELSINKI
from services.core.case import (
    CaseState,
    CaseStatus,
    ClientPlan,
    Consent,
    ContactPerson,
    Referral,
    Vacancy,
)
from services.core.facts import CaseFact, FactDetail, FactKind
from services.core.records import Alert, AlertRule, AlertState
from services.core.vocabulary import (
    Category,
    ContactRole,
    Need,
    ReferralKind,
    ReleaseType,
    SentenceType,
    TaskStatus,
    Urgency,
)
from services.followup.decide import on_fact, on_tick
from services.followup.levels import LevelsConfig
from services.followup.state import FollowupOutcome, FollowupState

LEVELS = LevelsConfig()
COUNTY = "county-13"
PRISON = "prison-kuopion"
NGO = "ngo-kriminaalihuollon-tukisaatio"
WORKER = "worker-county-13-a"


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A Helsinki-local instant on `day`."""
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def case(**changes: Any) -> CaseState:
    """A long-term prisoner at Kuopio prison, county 13 responsible; `changes` override."""
    base = CaseState(
        case_id="case-1",
        person_ref="person-1",
        status=CaseStatus.IN_CUSTODY,
        opened_at=at(date(2025, 1, 2)),
        prison=PRISON,
        sentence_type=SentenceType.LONG_TERM,
        sentence_start=date(2025, 1, 2),
        home_municipality="297",
        responsible_area=COUNTY,
    )
    return base.model_copy(update=changes)


def released(c: CaseState, when: datetime) -> CaseState:
    """The case after release at `when`."""
    return c.model_copy(
        update={
            "status": CaseStatus.RELEASED,
            "released_at": when,
            "release_type": c.release_type or ReleaseType.CONDITIONAL_RELEASE,
            "last_event_at": when,
        }
    )


def referral(
    submitted: datetime,
    *,
    referral_id: str = "ref-1",
    acknowledged: datetime | None = None,
    urgency: Urgency = Urgency.NORMAL,
) -> Referral:
    return Referral(
        referral_id=referral_id,
        kind=ReferralKind.CONTACT_WITH_CONSENT,
        submitted_by=PRISON,
        submitted_at=submitted,
        needs=[Need.HOUSING, Need.INCOME],
        urgency=urgency,
        acknowledged_at=acknowledged,
    )


def named_worker(since: datetime, worker_ref: str = WORKER) -> ContactPerson:
    return ContactPerson(
        role=ContactRole.NAMED_WORKER, org=COUNTY, worker_ref=worker_ref, since=since
    )


def vacancy(since: datetime, role: ContactRole = ContactRole.NAMED_WORKER) -> Vacancy:
    return Vacancy(role=role, org=COUNTY, since=since)


def plan(
    agreed: datetime,
    review: date,
    *,
    network: tuple[str, ...] = (COUNTY, NGO),
    reviewed: datetime | None = None,
) -> ClientPlan:
    return ClientPlan(
        agreed_at=agreed, review_date=review, network=list(network), reviewed_at=reviewed
    )


def consent(
    valid_from: date,
    valid_until: date,
    *,
    consent_id: str = "consent-1",
    recipients: tuple[str, ...] = (COUNTY, NGO),
    withdrawn: datetime | None = None,
) -> Consent:
    return Consent(
        consent_id=consent_id,
        given_by_org=PRISON,
        categories=[Category.IDENTITY, Category.NEEDS],
        recipients=list(recipients),
        purpose="release_planning",
        valid_from=valid_from,
        valid_until=valid_until,
        withdrawn_at=withdrawn,
    )


def fact(
    kind: FactKind, c: CaseState, when: datetime, *, fact_id: str | None = None, **detail: Any
) -> CaseFact:
    """A case fact carrying `c` as the case after the change."""
    return CaseFact(
        fact_id=fact_id or f"fact-{kind.value}-{when.isoformat()}",
        kind=kind,
        person_ref=c.person_ref,
        case_id=c.case_id,
        event_id=f"event-{kind.value}-{when.isoformat()}",
        source_org=PRISON,
        occurred_at=when,
        case=c.model_copy(update={"last_event_at": when}),
        detail=FactDetail(**detail),
    )


def start(c: CaseState, when: datetime, levels: LevelsConfig = LEVELS) -> FollowupOutcome:
    """The outcome of the first fact about a case (CASE_OPENED at `when`, evaluated then)."""
    return on_fact(None, fact(FactKind.CASE_OPENED, c, when), levels, when)


def apply(
    state: FollowupState | None,
    kind: FactKind,
    c: CaseState,
    when: datetime,
    levels: LevelsConfig = LEVELS,
    **detail: Any,
) -> FollowupOutcome:
    """Apply one fact at `when` and evaluate at the same instant."""
    return on_fact(state, fact(kind, c, when, **detail), levels, when)


def tick(state: FollowupState, now: datetime, levels: LevelsConfig = LEVELS) -> FollowupOutcome:
    return on_tick(state, levels, now)


def opened(outcome: FollowupOutcome, rule: AlertRule | None = None) -> list[Alert]:
    """Alerts the outcome newly opened (of `rule` when given)."""
    return [
        a for a in outcome.alerts if a.state == AlertState.OPEN and (rule is None or a.rule == rule)
    ]


def resolved(outcome: FollowupOutcome, rule: AlertRule | None = None) -> list[Alert]:
    """Alerts the outcome newly resolved (of `rule` when given)."""
    return [
        a
        for a in outcome.alerts
        if a.state == AlertState.RESOLVED and (rule is None or a.rule == rule)
    ]


def open_rules(state: FollowupState) -> set[AlertRule]:
    """The rules with an open alert in the state."""
    return {a.rule for a in state.alerts.values() if a.state == AlertState.OPEN}


Step = tuple[datetime, FactKind, CaseState, dict[str, Any]]
"""A fact in a timeline: when, which kind, the case after it, the fact detail."""


def run_timeline(
    steps: list[Step], until: datetime, every: timedelta = timedelta(hours=6)
) -> list[tuple[datetime, FollowupOutcome]]:
    """Apply the facts in time order with ticks every `every` in between, up to `until`.

    Each fact is evaluated at its own instant (event time); ticks fall on the grid starting
    at the first fact. Returns every outcome with the instant it was decided at.
    """
    ordered = sorted(steps, key=lambda step: step[0])
    inputs: list[tuple[datetime, int, Step | None]] = [(s[0], 0, s) for s in ordered]
    moment = ordered[0][0] + every
    while moment <= until:
        inputs.append((moment, 1, None))
        moment += every
    state: FollowupState | None = None
    results: list[tuple[datetime, FollowupOutcome]] = []
    for when, _, step in sorted(inputs, key=lambda item: (item[0], item[1])):
        if step is not None:
            outcome = on_fact(state, fact(step[1], step[2], when, **step[3]), LEVELS, when)
        else:
            assert state is not None
            outcome = on_tick(state, LEVELS, when)
        state = outcome.state
        results.append((when, outcome))
    return results


class Timeline:
    """Builds a scenario's facts: each step changes the case and records the fact."""

    def __init__(self, first: CaseState) -> None:
        self.case = first
        self.steps: list[Step] = []

    def add(
        self,
        when: datetime,
        kind: FactKind,
        detail: dict[str, Any] | None = None,
        **changes: Any,
    ) -> "Timeline":
        self.case = self.case.model_copy(update=changes)
        self.steps.append((when, kind, self.case, detail or {}))
        return self

    def task(self, when: datetime, task_id: str, status: TaskStatus) -> "Timeline":
        """The recipient of a task reports its status."""
        statuses = {**self.case.task_statuses, task_id: status}
        detail = {"task_id": task_id, "task_status": status}
        return self.add(when, FactKind.TASK_STATUS_CHANGED, detail, task_statuses=statuses)

    def handled(self, received: datetime, task_id: str) -> "Timeline":
        """A task received at `received` and accepted the next day."""
        self.task(received, task_id, TaskStatus.RECEIVED)
        return self.task(received + timedelta(days=1), task_id, TaskStatus.ACCEPTED)
