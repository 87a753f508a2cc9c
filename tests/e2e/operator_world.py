"""A synthetic fortnight for the operator page: cases in six counties, alerts, tasks, DLQ.

Every person is synthetic (temporary identity codes, individual numbers 900-999); the records
are what the services would have published, in time order per person.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from services.core.case import CaseState, CaseStatus, ContactPerson
from services.core.facts import FactKind
from services.core.identity import person_ref
from services.core.records import AlertRule, AlertState, Severity
from services.core.tasks import TaskKind
from services.core.vocabulary import ContactRole, TaskStatus
from services.platform.settings import DEV_SECRET
from tests.support.people import temporary_identity_code
from tests.unit.operator.builders import (
    PRISON,
    alert,
    at,
    case,
    days,
    dead_letter,
    disclosure,
    fact,
    referral,
    vacancy,
)

START = date(2025, 3, 3)
NOW = at(START, 14) + days(17)
PEOPLE = 24
COUNTIES = ["county-13", "county-04", "county-19", "county-90", "county-05", "county-08"]
RULES = [
    (AlertRule.REFERRAL_NOT_ACKNOWLEDGED, Severity.CRITICAL),
    (AlertRule.CONTACT_VACANCY, Severity.WARNING),
    (AlertRule.NO_NAMED_WORKER_AT_RELEASE, Severity.CRITICAL),
    (AlertRule.TASK_NOT_ACCEPTED, Severity.WARNING),
    (AlertRule.ASSESSMENT_NOT_STARTED, Severity.WARNING),
    (AlertRule.CONTACT_LOST, Severity.CRITICAL),
    (AlertRule.PLAN_REVIEW_OVERDUE, Severity.INFO),
]
Record = tuple[str, BaseModel]


def ref(n: int) -> str:
    born = date(1980, 1, 1) + timedelta(days=n)
    return person_ref(temporary_identity_code(born, 900 + n), DEV_SECRET.encode())


@dataclass
class Story:
    """One person's facts in time order; each step changes the case carried by the fact."""

    case: CaseState
    steps: list[tuple[datetime, FactKind, str, dict[str, Any], dict[str, Any]]] = field(
        default_factory=list
    )
    disclosures: list[Record] = field(default_factory=list)

    def add(
        self,
        when: datetime,
        kind: FactKind,
        source: str,
        detail: dict[str, Any] | None = None,
        **changes: Any,
    ) -> None:
        self.steps.append((when, kind, source, changes, detail or {}))

    def task(
        self,
        task_id: str,
        kind: TaskKind,
        when: datetime,
        recipient: str,
        statuses: list[tuple[float, TaskStatus]],
    ) -> None:
        self.disclosures.append(
            (
                "disclosures",
                disclosure(
                    task_id, kind, when, person_ref=self.case.person_ref, recipient=recipient
                ),
            )
        )
        for after, status in statuses:
            self.add(
                when + days(after),
                FactKind.TASK_STATUS_CHANGED,
                recipient,
                {"task_id": task_id, "task_status": status},
            )

    def records(self) -> list[Record]:
        out: list[Record] = []
        current = self.case
        for when, kind, source, changes, detail in sorted(self.steps, key=lambda s: s[0]):
            current = current.model_copy(update=changes)
            out.append(("facts", fact(kind, current, when, source=source, **detail)))
        return out + self.disclosures


def person(n: int) -> list[Record]:
    area = COUNTIES[n % len(COUNTIES)]
    opened = at(START, 9) + days(n % 5)
    submitted = opened + days(1)
    story = Story(case(ref(n), responsible_area=area, opened_at=opened))
    story.add(opened, FactKind.CASE_OPENED, PRISON)
    story.add(submitted, FactKind.REFERRAL_SUBMITTED, PRISON, referrals=[referral(submitted)])
    lifecycle = [(0.2, TaskStatus.RECEIVED), (1.0, TaskStatus.ACCEPTED)][: n % 3]
    story.task(
        f"task-{n}-prep", TaskKind.RELEASE_PREPARATION, submitted + days(0.1), area, lifecycle
    )
    if n % 5:
        acked = submitted + days(1 + n % 4)
        story.add(
            acked, FactKind.REFERRAL_ACKNOWLEDGED, area, referrals=[referral(submitted, acked)]
        )
        story.task(
            f"task-{n}-feedback",
            TaskKind.REFERRAL_FEEDBACK,
            acked + days(0.1),
            PRISON,
            [(0.3, TaskStatus.RECEIVED), (0.5, TaskStatus.COMPLETED)][: 1 + n % 2],
        )
    if n % 4 == 0:
        story.add(
            opened + days(2),
            FactKind.CONTACT_PERSON_ENDED,
            PRISON,
            vacancies=[vacancy(opened + days(2))],
        )
    if n % 5 in (0, 2, 3):
        released = opened + days(7 + n % 3)
        story.add(
            released, FactKind.RELEASED, PRISON, status=CaseStatus.RELEASED, released_at=released
        )
        story.task(
            f"task-{n}-released",
            TaskKind.RELEASED,
            released + days(0.05),
            area,
            [(0.4, TaskStatus.RECEIVED)] if n % 2 else [],
        )
        if n % 9:
            met = min(released + days(0.5 + (n * 7) % 6), NOW - days(0.25))
            worker = ContactPerson(
                role=ContactRole.NAMED_WORKER, org=area, worker_ref=f"w-{n}", since=met
            )
            story.add(met, FactKind.CONTACT_PERSON_ASSIGNED, area, contacts=[worker])
    return story.records()


def alerts() -> list[Record]:
    out: list[Record] = []
    for n in range(18):
        rule, severity = RULES[n % len(RULES)]
        area: str | None = COUNTIES[n % len(COUNTIES)]
        if n == 11:
            rule, severity, area = AlertRule.ROUTING_PROBLEM, Severity.WARNING, None
        opened = max(at(START, 8 + n % 9) + days(n * 0.9), at(START, 12) + days(n % 5 + 1))
        record = alert(
            f"alert-{n:02d}",
            rule=rule,
            opened=opened,
            person_ref=ref(n),
            area=area,
            severity=severity,
        )
        out.append(("alerts", record))
        if n % 3 == 1:
            resolved = min(opened + days(1 + n % 4), NOW)
            out.append(
                (
                    "alerts",
                    record.model_copy(
                        update={"state": AlertState.RESOLVED, "resolved_at": resolved}
                    ),
                )
            )
    return out


def world() -> list[Record]:
    """Every record of the fortnight; the latest instant is `NOW` (the view's event time)."""
    records: list[Record] = []
    for n in range(PEOPLE):
        records += person(n)
    return (
        records
        + alerts()
        + [
            ("dlq", dead_letter("dead-1", "unknown_fingerprint", at(START, 9) + days(3))),
            ("dlq", dead_letter("dead-2", "unknown_fingerprint", at(START, 9) + days(9))),
            ("dlq", dead_letter("dead-3", "invalid_record", at(START, 9) + days(12))),
            ("dlq", dead_letter("dead-4", "not_allowed_to_send", at(START, 9) + days(14))),
            ("facts", fact(FactKind.CASE_OPENED, case(ref(99), opened_at=NOW), NOW)),
        ]
    )
