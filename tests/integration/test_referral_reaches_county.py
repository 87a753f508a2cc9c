"""A long sentence's referral reaches the responsible county at once, on a real broker, and the
county's acknowledgement by the task's `referral_id` resolves the unacknowledged-referral alert.
"""

import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from services.core.calendar import add_working_days, start_of_local_day
from services.core.events import ReferralAcknowledged
from services.core.records import AlertRule
from services.core.tasks import Task, TaskKind
from services.core.vocabulary import Need, ReferralKind, SentenceType
from services.followup.levels import default_levels
from tests.e2e.cards import SHL35_MINIMUM, Card, Events, weekday_from
from tests.support.scenario import Person, Stage, carried, staged

pytestmark = pytest.mark.integration

KUOPIO, COUNTY = "prison-kuopion", "county-13"
REFERRAL_REACHES_COUNTY_WITHIN = 60.0
"""A bound on waiting, not a speed target: the task is there long before it."""


@pytest.fixture(scope="module")
def stage(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    with staged(kafka_bootstrap, tmp_path_factory.mktemp("referral")) as running:
        yield running


def test_long_sentence_referral_reaches_the_county_and_its_ack_resolves_the_alert(
    stage: Stage,
) -> None:
    """Reproduction (#13.2) end to end: a notification without consent about a prisoner with
    a year to serve is a referral_received task for county 13 as soon as it is published; no
    acknowledgement within the working days opens referral_not_acknowledged; the county's
    ReferralAcknowledged naming the task's referral_id resolves it."""
    card, p = Card(weekday_from(date(2029, 2, 5), 0)), Person.numbered("ref-long", 31)
    ev = Events(stage, p, KUOPIO)
    stage.at(card.at(0, 9), ev.custody(card.at(0, 9), "297", sentence=SentenceType.LONG_TERM,
                                       expected=card.day(365)))
    published = time.monotonic()
    stage.send(ev.referral(card.at(0, 10), "ref-long", needs=[Need.HOUSING, Need.MENTAL_HEALTH],
                           kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT))
    stage.reader.wait_for(
        lambda records: any(isinstance(r, Task) and r.kind == TaskKind.REFERRAL_RECEIVED
                            and r.person_ref == p.person_ref for _, r in records),
        timeout=REFERRAL_REACHES_COUNTY_WITHIN, what="the referral task for county 13")
    latency = time.monotonic() - published
    stage.advance(card.at(0, 10))

    [task] = stage.tasks(p, TaskKind.REFERRAL_RECEIVED)
    assert (task.recipient_org, task.referral_id) == (COUNTY, "ref-long")
    assert carried(task) == SHL35_MINIMUM
    assert task.payload.health_needs is None
    print(f"referral task on tasks.{COUNTY} {latency:.2f} s after publishing")

    days = default_levels().for_area(COUNTY).referral_ack_working_days
    overdue = start_of_local_day(add_working_days(card.day(0), days) + timedelta(days=1))
    stage.advance(overdue)
    [opened] = stage.opened(p, AlertRule.REFERRAL_NOT_ACKNOWLEDGED)
    assert opened.subject == "ref-long"

    acknowledged = overdue + timedelta(hours=3)
    stage.at(acknowledged, stage.event(p, ReferralAcknowledged, COUNTY, acknowledged,
                                       referral_id=task.referral_id))
    [resolved] = stage.resolved(p, AlertRule.REFERRAL_NOT_ACKNOWLEDGED)
    assert (resolved.alert_id, resolved.resolved_at) == (opened.alert_id, acknowledged)
