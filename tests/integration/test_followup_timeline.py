"""One case's timeline in event time: alerts open and resolve as the clock passes them.

A person at Oulu prison, home Oulu (county 19, the national service levels): a referral that
is acknowledged late, a named worker who leaves over Easter, a plan review that is missed.
Time moves only by broadcast ticks and event timestamps; after each move the pipeline is
settled, so "no alert yet" is a fact and not a race.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest

from services.core.events import (
    ClientPlanAgreed,
    ClientPlanReviewed,
    ConsentGiven,
    ContactPersonAssigned,
    ContactPersonEnded,
    CustodyStarted,
    ReferralAcknowledged,
    ReferralSubmitted,
)
from services.core.records import Alert, AlertRule, AlertState, Severity
from services.core.tasks import TaskKind
from services.core.vocabulary import (
    Category,
    ConsentCollection,
    ContactRole,
    Need,
    ReferralKind,
    SentenceType,
)
from tests.support.scenario import Person, Stage, local, staged

pytestmark = pytest.mark.integration

PRISON, COUNTY = "prison-oulun", "county-19"
PERSON = Person.numbered("timeline", 1)

SUBMITTED = local(date(2027, 3, 1), 10)
"""Monday: the referral. Acknowledgement is due within 3 working days: by Thursday 4 March."""
ACK_LAST_DAY, ACK_OVERDUE = local(date(2027, 3, 4), 23), local(date(2027, 3, 5), 0)
ACKNOWLEDGED = local(date(2027, 3, 8), 9)
WORKER_LEFT = local(date(2027, 3, 24), 9)
"""Wednesday before Easter: 5 working days skip Good Friday and Easter Monday, so the post may
stay vacant until Friday 2 April (a calendar without holidays would say Wednesday 31 March)."""
VACANCY_LAST_DAY, VACANCY_OVERDUE = local(date(2027, 4, 2), 23), local(date(2027, 4, 3), 0)
WORKER_ASSIGNED = local(date(2027, 4, 5), 9)
PLAN_AGREED, REVIEW_DATE = local(date(2027, 4, 6), 10), date(2027, 4, 20)
REMINDER_DAY = local(date(2027, 4, 13), 0)
REVIEW_LAST_DAY, REVIEW_OVERDUE = local(REVIEW_DATE, 23), local(date(2027, 4, 21), 0)
REVIEWED = local(date(2027, 4, 23), 10)


@dataclass
class Timeline:
    stage: Stage
    seen: dict[str, list[Alert]] = field(default_factory=dict)

    def look(self, name: str) -> None:
        self.seen[name] = self.stage.alerts(PERSON)


def _play(stage: Stage) -> Timeline:
    timeline, key = Timeline(stage), PERSON.tag.encode()
    custody = stage.event(
        PERSON, CustodyStarted, PRISON, local(date(2027, 3, 1), 9), prison=PRISON,
        sentence_type=SentenceType.LONG_TERM, sentence_start=date(2027, 3, 1),
        home_municipality="564", expected_release=date(2027, 12, 1),
    )
    consent = stage.event(
        PERSON, ConsentGiven, PRISON, SUBMITTED, consent_id="consent-1",
        categories=[Category.IDENTITY, Category.RELEASE_SCHEDULE, Category.NEEDS,
                    Category.CONTACT_PERSONS, Category.CLIENT_PLAN],
        recipients=[COUNTY], purpose="release planning", valid_from=date(2027, 3, 1),
        valid_until=date(2029, 3, 1), collection_method=ConsentCollection.WRITTEN,
    )
    referral = stage.event(PERSON, ReferralSubmitted, PRISON, SUBMITTED, referral_id="ref-1",
                           kind=ReferralKind.CONTACT_WITH_CONSENT, needs=[Need.HOUSING])
    stage.at(SUBMITTED, custody, consent, referral, key=key)
    for name, instant in (("ack_last_day", ACK_LAST_DAY), ("ack_overdue", ACK_OVERDUE)):
        stage.advance(instant)
        timeline.look(name)
    worker = {"role": ContactRole.NAMED_WORKER, "org": COUNTY}
    stage.at(ACKNOWLEDGED,
             stage.event(PERSON, ReferralAcknowledged, COUNTY, ACKNOWLEDGED, referral_id="ref-1"),
             stage.event(PERSON, ContactPersonAssigned, COUNTY, ACKNOWLEDGED, **worker,
                         worker_ref="nw-1"), key=key)
    timeline.look("acknowledged")
    stage.at(WORKER_LEFT, stage.event(PERSON, ContactPersonEnded, COUNTY, WORKER_LEFT, **worker,
                                      worker_ref="nw-1"))
    for name, instant in (("vacancy_last_day", VACANCY_LAST_DAY),
                          ("vacancy_overdue", VACANCY_OVERDUE)):
        stage.advance(instant)
        timeline.look(name)
    stage.at(WORKER_ASSIGNED, stage.event(PERSON, ContactPersonAssigned, COUNTY, WORKER_ASSIGNED,
                                          **worker, worker_ref="nw-2"))
    timeline.look("worker_assigned")
    stage.at(PLAN_AGREED, stage.event(PERSON, ClientPlanAgreed, COUNTY, PLAN_AGREED,
                                      review_date=REVIEW_DATE, network=[COUNTY]))
    for name, instant in (("reminder_day", REMINDER_DAY), ("review_last_day", REVIEW_LAST_DAY),
                          ("review_overdue", REVIEW_OVERDUE)):
        stage.advance(instant)
        timeline.look(name)
    stage.at(REVIEWED, stage.event(PERSON, ClientPlanReviewed, COUNTY, REVIEWED,
                                   next_review_date=date(2027, 10, 20)))
    timeline.look("reviewed")
    return timeline


@pytest.fixture(scope="module")
def timeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Timeline]:
    with staged(kafka_bootstrap, tmp_path_factory.mktemp("timeline")) as stage:
        yield _play(stage)


def _only(alerts: list[Alert], rule: AlertRule, state: AlertState) -> Alert:
    [alert] = [a for a in alerts if a.rule == rule and a.state == state]
    return alert


def test_referral_alert_does_not_open_on_the_last_working_day(timeline: Timeline) -> None:
    """Until the end of the third working day after submission no referral alert opens."""
    assert timeline.seen["ack_last_day"] == []


def test_referral_alert_opens_when_the_deadline_passes(timeline: Timeline) -> None:
    """At the first instant after the deadline the unacknowledged referral opens an alert."""
    alert = _only(timeline.seen["ack_overdue"], AlertRule.REFERRAL_NOT_ACKNOWLEDGED,
                  AlertState.OPEN)
    assert (alert.opened_at, alert.subject, alert.area, alert.severity) == (
        ACK_OVERDUE, "ref-1", COUNTY, Severity.WARNING)


def test_acknowledgement_resolves_the_referral_alert(timeline: Timeline) -> None:
    """The county's acknowledgement resolves the same alert at the moment it happened."""
    opened = _only(timeline.seen["ack_overdue"], AlertRule.REFERRAL_NOT_ACKNOWLEDGED,
                   AlertState.OPEN)
    resolved = _only(timeline.seen["acknowledged"], AlertRule.REFERRAL_NOT_ACKNOWLEDGED,
                     AlertState.RESOLVED)
    assert (resolved.alert_id, resolved.resolved_at) == (opened.alert_id, ACKNOWLEDGED)


def test_vacancy_counts_working_days_across_easter(timeline: Timeline) -> None:
    """The named worker's post may stay empty 5 working days; Easter holidays do not count."""
    assert timeline.seen["vacancy_last_day"] == timeline.seen["acknowledged"]
    alert = _only(timeline.seen["vacancy_overdue"], AlertRule.CONTACT_VACANCY, AlertState.OPEN)
    assert (alert.opened_at, alert.subject, alert.severity) == (
        VACANCY_OVERDUE, "named_worker:county-19", Severity.CRITICAL)


def test_new_named_worker_resolves_the_vacancy(timeline: Timeline) -> None:
    """Assigning a new named worker resolves the vacancy alert when it happens."""
    resolved = _only(timeline.seen["worker_assigned"], AlertRule.CONTACT_VACANCY,
                     AlertState.RESOLVED)
    assert resolved.resolved_at == WORKER_ASSIGNED


def test_plan_review_reminder_reaches_the_named_worker_a_week_before(timeline: Timeline) -> None:
    """The plan review reminder goes to the new named worker when the review week begins."""
    [task] = timeline.stage.tasks(PERSON, TaskKind.PLAN_REVIEW_DUE)
    assert (task.recipient_org, task.recipient_worker_ref, task.created_at) == (
        COUNTY, "nw-2", REMINDER_DAY)
    assert task.due_at.astimezone(REMINDER_DAY.tzinfo).date() == REVIEW_DATE


def test_missed_review_opens_an_alert_after_the_review_date(timeline: Timeline) -> None:
    """No overdue alert on the review date itself; it opens at midnight after it."""
    assert timeline.seen["review_last_day"] == timeline.seen["worker_assigned"]
    alert = _only(timeline.seen["review_overdue"], AlertRule.PLAN_REVIEW_OVERDUE, AlertState.OPEN)
    assert alert.opened_at == REVIEW_OVERDUE


def test_review_resolves_the_overdue_alert(timeline: Timeline) -> None:
    """Reviewing the plan resolves the overdue alert at the moment of the review."""
    resolved = _only(timeline.seen["reviewed"], AlertRule.PLAN_REVIEW_OVERDUE, AlertState.RESOLVED)
    assert resolved.resolved_at == REVIEWED


def test_every_alert_of_the_timeline_opened_once_and_resolved(timeline: Timeline) -> None:
    """Exactly the three broken paths opened, each once, and each is resolved at the end."""
    final = timeline.seen["reviewed"]
    opened = sorted(a.rule for a in final if a.state == AlertState.OPEN)
    assert opened == sorted([AlertRule.REFERRAL_NOT_ACKNOWLEDGED, AlertRule.CONTACT_VACANCY,
                             AlertRule.PLAN_REVIEW_OVERDUE])
    assert {a.alert_id for a in final if a.state == AlertState.RESOLVED} == {
        a.alert_id for a in final if a.state == AlertState.OPEN}
