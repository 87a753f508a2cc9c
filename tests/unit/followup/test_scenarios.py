"""Scenario cards S1, S3, S5 and S9 (SCENARIOS.md) played through the decisions in event time."""

from datetime import date, datetime

from services.core.calendar import local_date
from services.core.case import CaseStatus, ContactPerson, ReleasePlan
from services.core.facts import FactKind
from services.core.records import Alert, AlertRule, AlertState
from services.core.tasks import TaskKind
from services.core.vocabulary import ContactRole, HousingStatus, ReleaseType, TaskStatus
from services.followup.state import FollowupOutcome
from tests.unit.followup.builders import (
    COUNTY,
    NGO,
    PRISON,
    Timeline,
    at,
    case,
    consent,
    days,
    named_worker,
    plan,
    referral,
    run_timeline,
    vacancy,
)

D0 = date(2025, 9, 1)
"""Day 0 of S1, S5 and S9: the (original) day of release, a Monday."""


def d(offset: int, hour: int = 10) -> datetime:
    return at(D0 + days(offset), hour)


def _opened(results: list[tuple[datetime, FollowupOutcome]], rule: AlertRule) -> list[Alert]:
    return [
        a for _, o in results for a in o.alerts if a.rule == rule and a.state == AlertState.OPEN
    ]


def _s1() -> list[tuple[datetime, FollowupOutcome]]:
    t = Timeline(case(opened_at=d(-150), sentence_start=D0 + days(-150)))
    t.add(d(-150), FactKind.CASE_OPENED)
    t.add(
        d(-140),
        FactKind.CONSENT_GIVEN,
        {"consent_id": "consent-1"},
        consents=[consent(D0 + days(-140), D0 + days(225), recipients=(COUNTY, NGO))],
    )
    t.add(
        d(-139),
        FactKind.REFERRAL_SUBMITTED,
        {"referral_id": "ref-1"},
        referrals=[referral(d(-139))],
    )
    t.handled(d(-139, 14), "task-release-preparation")
    t.add(
        d(-137),
        FactKind.REFERRAL_ACKNOWLEDGED,
        {"referral_id": "ref-1"},
        referrals=[referral(d(-139), acknowledged=d(-137))],
    )
    t.handled(d(-137, 14), "task-referral-feedback")
    t.add(d(-120), FactKind.ASSESSMENT_STARTED, assessment_started_at=d(-120))
    t.add(d(-118), FactKind.CONTACT_PERSON_ASSIGNED, contacts=[named_worker(d(-118))])
    t.add(
        d(-90),
        FactKind.RELEASE_DATE_SET,
        release_date=D0,
        release_type=ReleaseType.CONDITIONAL_RELEASE,
        release_date_decided_at=d(-90),
    )
    t.add(
        d(-80),
        FactKind.RELEASE_PLAN_AGREED,
        {"plan_id": "rp-1"},
        release_plan=ReleasePlan(plan_id="rp-1", agreed_at=d(-80), agreed_with_client=True),
    )
    t.add(d(-10), FactKind.PLAN_AGREED, plan=plan(d(-10), D0 + days(80)))
    t.add(
        d(0, 9),
        FactKind.RELEASED,
        status=CaseStatus.RELEASED,
        released_at=d(0, 9),
        destination_municipality="297",
        housing_status=HousingStatus.SECURED,
    )
    t.handled(d(0, 12), "task-released")
    t.handled(d(7, 12), "task-checkpoint-7").task(d(20), "task-checkpoint-7", TaskStatus.COMPLETED)
    t.handled(d(30, 12), "task-checkpoint-30").task(
        d(45), "task-checkpoint-30", TaskStatus.COMPLETED
    )
    t.handled(d(73, 12), "task-plan-review")
    t.add(d(79), FactKind.PLAN_REVIEWED, plan=plan(d(-10), D0 + days(260), reviewed=d(79)))
    t.task(d(79, 12), "task-plan-review", TaskStatus.COMPLETED)
    t.handled(d(90, 12), "task-checkpoint-90")
    return run_timeline(t.steps, until=d(100))


def test_s1_no_alert_opens_at_any_time() -> None:
    """S1: a planned release where everything happens on time never opens an alert."""
    assert [a for _, outcome in _s1() for a in outcome.alerts] == []


def test_s1_followup_tasks_come_at_checkpoints_and_before_review() -> None:
    """S1: follow-up checks on days 7, 30, 90 and the review reminder a week before day 80."""
    issued = [(local_date(when), d.trigger) for when, o in _s1() for d in o.drafts]
    assert issued == [
        (D0 + days(7), "checkpoint:7"),
        (D0 + days(30), "checkpoint:30"),
        (D0 + days(73), f"plan_review:{D0 + days(80)}"),
        (D0 + days(90), "checkpoint:90"),
    ]


def test_s1_review_reminder_goes_to_the_named_worker() -> None:
    """S1: the plan review reminder is addressed to the county's named worker."""
    [draft] = [d for _, o in _s1() for d in o.drafts if d.kind == TaskKind.PLAN_REVIEW_DUE]
    assert (draft.recipient_org, draft.recipient_worker_ref) == (COUNTY, "worker-county-13-a")


VACANT_FROM = at(date(2025, 12, 22), 15)


def _s3() -> list[tuple[datetime, FollowupOutcome]]:
    prison_worker = ContactPerson(
        role=ContactRole.PRISON_CASE_WORKER,
        org=PRISON,
        worker_ref="worker-prison-a",
        since=at(date(2025, 9, 1)),
    )
    successor = prison_worker.model_copy(
        update={"worker_ref": "worker-prison-b", "since": at(date(2025, 11, 3))}
    )
    worker = named_worker(at(date(2025, 9, 15)))
    t = Timeline(
        case(
            opened_at=at(date(2025, 9, 1)),
            release_date=date(2026, 9, 1),
            referrals=[referral(at(date(2025, 9, 1)), acknowledged=at(date(2025, 9, 2)))],
            assessment_started_at=at(date(2025, 9, 10)),
            contacts=[prison_worker, worker],
        )
    )
    t.add(at(date(2025, 9, 15)), FactKind.CASE_OPENED)
    t.add(
        at(date(2025, 11, 3)),
        FactKind.CONTACT_PERSON_ENDED,
        {"contact": prison_worker, "successor_worker_ref": "worker-prison-b"},
        contacts=[successor, worker],
    )
    t.add(
        VACANT_FROM,
        FactKind.CONTACT_PERSON_ENDED,
        {"contact": worker},
        contacts=[successor],
        vacancies=[vacancy(VACANT_FROM)],
    )
    t.add(
        at(date(2026, 1, 7)),
        FactKind.CONTACT_PERSON_ASSIGNED,
        contacts=[successor, named_worker(at(date(2026, 1, 7)), "worker-county-13-b")],
        vacancies=[],
    )
    return run_timeline(t.steps, until=at(date(2026, 1, 20)))


def test_s3_handover_with_successor_raises_no_vacancy() -> None:
    """S3: only the named worker's unfilled post, not the prison handover, is a vacancy."""
    assert [a.subject for a in _opened(_s3(), AlertRule.CONTACT_VACANCY)] == [
        "named_worker:county-13"
    ]


def test_s3_vacancy_alert_opens_after_the_working_day_limit() -> None:
    """S3: vacant from 22 Dec 2025, the alert opens on 3 Jan 2026 (holidays skipped)."""
    [alert] = _opened(_s3(), AlertRule.CONTACT_VACANCY)
    assert local_date(alert.opened_at) == date(2026, 1, 3)


def test_s3_vacancy_alert_resolves_when_a_named_worker_is_assigned() -> None:
    """S3: assigning a new named worker resolves the vacancy alert."""
    closed = [a for _, o in _s3() for a in o.alerts if a.state == AlertState.RESOLVED]
    assert [(a.rule, a.resolved_at) for a in closed] == [
        (AlertRule.CONTACT_VACANCY, at(date(2026, 1, 7)))
    ]


CHANGED_AT = d(-45)


def _s5() -> list[tuple[datetime, FollowupOutcome]]:
    t = Timeline(case(opened_at=d(-200), referrals=[referral(d(-200), acknowledged=d(-199))]))
    t.add(d(-200), FactKind.CASE_OPENED)
    t.add(d(-90), FactKind.RELEASE_DATE_SET, release_date=D0)
    t.add(
        CHANGED_AT,
        FactKind.RELEASE_DATE_CHANGED,
        {"previous_release_date": D0},
        release_date=D0 + days(-21),
    )
    return run_timeline(t.steps, until=d(-21, 8))


def test_s5_release_moved_earlier_opens_alert_at_the_change() -> None:
    """S5: release moved three weeks earlier with the assessment not started alerts at once."""
    [alert] = _opened(_s5(), AlertRule.RELEASE_MOVED_EARLIER)
    assert alert.opened_at == CHANGED_AT


def test_s5_release_imminent_when_the_new_release_is_near() -> None:
    """S5: release_imminent goes to the county 14 days before the new release date only."""
    issued = [(local_date(w), d.trigger) for w, o in _s5() for d in o.drafts]
    new_release = D0 + days(-21)
    assert issued == [(new_release + days(-14), f"release_imminent:{new_release}")]


def _s9() -> list[tuple[datetime, FollowupOutcome]]:
    t = Timeline(case(opened_at=d(-150)))
    t.add(d(-150), FactKind.CASE_OPENED)
    t.add(
        d(-90), FactKind.RELEASE_DATE_SET, release_date=D0, release_type=ReleaseType.END_OF_SENTENCE
    )
    t.add(d(0, 9), FactKind.RELEASED, status=CaseStatus.RELEASED, released_at=d(0, 9))
    return run_timeline(t.steps, until=d(40))


def test_s9_no_contact_alert_opens_at_the_lead_time() -> None:
    """S9: with no referral ever made the no-contact alert opens 14 days before release."""
    [alert] = _opened(_s9(), AlertRule.NO_CONTACT_BEFORE_RELEASE)
    assert local_date(alert.opened_at) == D0 + days(-14)


def test_s9_no_named_worker_alert_opens_at_release() -> None:
    """S9: released with no named worker opens the alert at the release."""
    [alert] = _opened(_s9(), AlertRule.NO_NAMED_WORKER_AT_RELEASE)
    assert alert.opened_at == d(0, 9)


def test_s9_contact_lost_after_thirty_silent_days() -> None:
    """S9: thirty days after release with no events the lost-contact alert opens."""
    [alert] = _opened(_s9(), AlertRule.CONTACT_LOST)
    assert d(30, 9) <= alert.opened_at < d(30, 15)
