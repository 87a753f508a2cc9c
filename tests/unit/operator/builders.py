"""Records as the operator view reads them: alerts, case facts, disclosures and dead letters.

The case carries sealed fields, a free-text summary and worker references with recognisable
values, so the privacy tests can look for them in every output.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from services.core.calendar import HELSINKI
from services.core.case import CaseState, CaseStatus, ContactPerson, Referral, Vacancy
from services.core.facts import CaseFact, FactDetail, FactKind
from services.core.records import (
    Alert,
    AlertRule,
    AlertState,
    DeadLetter,
    DisclosureRecord,
    Severity,
)
from services.core.tasks import Basis, BasisKind, TaskKind
from services.core.vocabulary import Category, ContactRole, ReferralKind, TaskStatus
from tests.support.people import temporary_identity_code

COUNTY = "county-13"
OTHER_COUNTY = "county-04"
PRISON = "prison-kuopion"
NGO = "ngo-polku"
IDENTITY_CODE = temporary_identity_code(date(1984, 5, 6), 947)
FULL_NAME = "Testi Kuvitteellinen Henkilö"
PHONE = "+358 40 000 0947"
SEALED_IDENTITY = "sealed-identity-token-5f2c91"
SEALED_SUMMARY = "sealed-summary-token-a81d07"
WORKER_REF = "worker-ref-secret-77b3"
ALERT_SUBJECT = "subject-text-3d9e"


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A Helsinki-local instant on `day`."""
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI)


def days(n: float) -> timedelta:
    return timedelta(days=n)


def referral(
    submitted: datetime, acknowledged: datetime | None = None, referral_id: str = "ref-1"
) -> Referral:
    return Referral(
        referral_id=referral_id,
        kind=ReferralKind.CONTACT_WITH_CONSENT,
        submitted_by=PRISON,
        submitted_at=submitted,
        sealed_summary=SEALED_SUMMARY,
        acknowledged_at=acknowledged,
    )


def case(person_ref: str = "person-1", **changes: Any) -> CaseState:
    """A case in custody at Kuopio prison, county 13 responsible, with sealed content."""
    base = CaseState(
        case_id=f"case-{person_ref}",
        person_ref=person_ref,
        status=CaseStatus.IN_CUSTODY,
        opened_at=at(date(2025, 1, 2)),
        sealed_identity=SEALED_IDENTITY,
        prison=PRISON,
        home_municipality="297",
        responsible_area=COUNTY,
        contacts=[
            ContactPerson(
                role=ContactRole.PRISON_CASE_WORKER,
                org=PRISON,
                worker_ref=WORKER_REF,
                since=at(date(2025, 1, 2)),
            )
        ],
    )
    return base.model_copy(update=changes)


def vacancy(since: datetime) -> Vacancy:
    return Vacancy(role=ContactRole.NAMED_WORKER, org=COUNTY, since=since)


def fact(
    kind: FactKind,
    c: CaseState,
    when: datetime,
    *,
    source: str = PRISON,
    fact_id: str | None = None,
    **detail: Any,
) -> CaseFact:
    """A fact from `source` carrying `c` as the case after the change."""
    return CaseFact(
        fact_id=fact_id or f"fact-{c.person_ref}-{kind.value}-{when.isoformat()}",
        kind=kind,
        person_ref=c.person_ref,
        case_id=c.case_id,
        event_id=f"event-{kind.value}-{when.isoformat()}",
        source_org=source,
        occurred_at=when,
        case=c.model_copy(update={"last_event_at": when}),
        detail=FactDetail(**detail),
    )


def status_fact(c: CaseState, task_id: str, status: TaskStatus, when: datetime) -> CaseFact:
    """The recipient (the county) reports a task's status."""
    return fact(
        FactKind.TASK_STATUS_CHANGED, c, when, source=COUNTY, task_id=task_id, task_status=status
    )


def alert(
    alert_id: str = "alert-1",
    *,
    rule: AlertRule = AlertRule.REFERRAL_NOT_ACKNOWLEDGED,
    opened: datetime,
    resolved: datetime | None = None,
    person_ref: str = "person-1",
    area: str | None = COUNTY,
    severity: Severity = Severity.WARNING,
) -> Alert:
    return Alert(
        alert_id=alert_id,
        rule=rule,
        state=AlertState.OPEN if resolved is None else AlertState.RESOLVED,
        person_ref=person_ref,
        case_id=f"case-{person_ref}",
        area=area,
        severity=severity,
        opened_at=opened,
        resolved_at=resolved,
        subject=ALERT_SUBJECT,
    )


def disclosure(
    task_id: str,
    kind: TaskKind,
    when: datetime,
    *,
    person_ref: str = "person-1",
    recipient: str = COUNTY,
) -> DisclosureRecord:
    return DisclosureRecord(
        disclosure_id=f"disclosure-{task_id}",
        task_id=task_id,
        task_kind=kind,
        person_ref=person_ref,
        case_id=f"case-{person_ref}",
        recipient_org=recipient,
        categories=[Category.IDENTITY, Category.CONTACT_DETAILS],
        bases=[Basis(kind=BasisKind.CONSENT, ref="consent-1")],
        consent_ids=["consent-1"],
        rules_version="test-1",
        disclosed_at=when,
    )


def dead_letter(letter_id: str, reason: str, when: datetime, stage: str = "referral") -> DeadLetter:
    """A refused inbound message whose original bytes and detail carry identity data."""
    raw = f'{{"identity_code": "{IDENTITY_CODE}", "full_name": "{FULL_NAME}", "phone": "{PHONE}"}}'
    return DeadLetter(
        dead_letter_id=letter_id,
        stage=stage,
        reason_code=reason,
        detail=f"could not read the event of {FULL_NAME} ({IDENTITY_CODE})",
        topic=f"inbound.{PRISON}",
        partition=0,
        offset=7,
        original=raw.encode(),
        original_key=IDENTITY_CODE.encode(),
        at=when,
    )
