"""Operators who act, in headless Chromium against `jatkumo operator serve` and the real
services on a real broker, in event time: dismiss `no_named_worker_at_release` with
`named_worker_not_needed` (it stays closed, and opens again for a release on a new date),
escalate `referral_not_acknowledged` (the county gets the reminder task), and name the county
of an unroutable case (the county's handover task arrives). Each test has its own people and
its own stretch of event time, in order."""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from services.core.events import ProbationaryFreedomRevoked
from services.core.records import ActionKind, ActionRecord, AlertRule, AlertState
from services.core.tasks import TaskKind
from services.core.vocabulary import Category as C
from services.core.vocabulary import DismissalReason, Need, ReferralKind, ReleaseType
from tests.e2e.cards import Card, Events, weekday_from
from tests.support.kafka_io import TopicReader
from tests.support.operator_serve import ARTIFACTS, CHROMIUM, operator_view
from tests.support.operator_serve import chromium as launched_chromium
from tests.support.scenario import Person, Stage, staged

pytestmark = pytest.mark.e2e

KUOPIO, COUNTY, ALAND_COUNTY_NAMED = "prison-kuopion", "county-13", "county-02"
MARIEHAMN = "478"
TOKEN = "operator-actions-e2e-token-41c7"
CONSENTED = [C.IDENTITY, C.CONTACT_DETAILS, C.RELEASE_SCHEDULE, C.NEEDS, C.SERVICE_STATUS]
VKV = ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM
WAIT = 90.0
"""Seconds to wait for the view to show what the services did."""


@dataclass
class World:
    stage: Stage
    url: str
    audit: TopicReader


@pytest.fixture(scope="module")
def world(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    work = tmp_path_factory.mktemp("operator-actions")
    with staged(kafka_bootstrap, work) as stage:
        audit = TopicReader(kafka_bootstrap, stage.names.audit_actions)
        try:
            with operator_view(kafka_bootstrap, stage.names.namespace, TOKEN, work) as url:
                yield World(stage, url, audit)
        finally:
            audit.close()


@pytest.fixture(scope="module")
def chromium(world: World) -> Iterator[Any]:
    with launched_chromium() as launched:
        yield launched


@pytest.fixture
def page(chromium: Any, world: World) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1440, "height": 1000}, locale="en-GB")
    try:
        signed_in = context.new_page()
        signed_in.goto(f"{world.url}/?token={TOKEN}")
        yield signed_in
    finally:
        context.close()


def shown(page: Any, url: str, selector: str, timeout: float = WAIT) -> Any:
    """Open the server-rendered `url` until `selector` is on it (the view reads the topics
    as they fill), at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        found = page.locator(selector)
        if found.count() > 0:
            return found.first
        assert time.monotonic() < deadline, f"{selector} not shown on {url}"
        page.wait_for_timeout(500)


def at_step(page: Any, step: str) -> None:
    """The action page reached `step` (form, review, sent); else fail with what it shows."""
    try:
        page.locator(f'#action[data-step="{step}"]').wait_for(timeout=15_000)
    except Exception as error:  # playwright's TimeoutError
        raise AssertionError(f"not at {step}: {page.content()[-1500:]}") from error


def audit_of(world: World, person: Person, action: ActionKind) -> list[ActionRecord]:
    world.audit.catch_up()
    return [
        r
        for r in world.audit.of(ActionRecord)
        if r.person_ref == person.person_ref and r.action == action
    ]


def test_dismissing_no_named_worker_keeps_it_closed_until_a_release_on_a_new_date(
    world: World, page: Any
) -> None:
    """The operator dismisses `no_named_worker_at_release` as `named_worker_not_needed` in the
    browser: it is dismissed and stays closed; after the probationary freedom is revoked, a new
    release date is set and the person is released on it, the dismissal no longer holds (its
    cause was the first release) and a new alert opens."""
    stage = world.stage
    card, p = Card(weekday_from(date(2043, 1, 5), 0) + timedelta(200)), Person.numbered("op1", 31)
    ev = Events(stage, p, KUOPIO)
    stage.at(
        card.at(-199),
        ev.custody(card.at(-200), "297", expected=card.day(0)),
        ev.consent(card.at(-199), "consent-op1", CONSENTED, [COUNTY]),
        ev.release_date(card.at(-150), card.day(0), VKV),
        key=p.tag.encode(),
    )
    stage.at(card.at(0, 9), ev.released(card.at(0, 9), destination="297", release_type=VKV))
    [opened] = stage.opened(p, AlertRule.NO_NAMED_WORKER_AT_RELEASE)

    row = shown(
        page,
        f"{world.url}/work?rule=no_named_worker_at_release",
        f'tr[data-alert="{opened.alert_id}"]',
    )
    row.locator("a.act-dismiss").click()
    page.select_option("#field-reason", DismissalReason.NAMED_WORKER_NOT_NEEDED.value)
    page.click("#action-review")
    at_step(page, "review")
    assert "Social Welfare Act §42" in page.locator("#review-reason").inner_text()
    page.click("#action-confirm")
    at_step(page, "sent")
    stage.advance(card.at(1))
    states_after_dismissal = [
        a.state for a in stage.alerts(p, AlertRule.NO_NAMED_WORKER_AT_RELEASE)
    ]
    shown(
        page,
        f"{world.url}/work",
        f'#history-table tr[data-action="dismissed"][data-person="{p.person_ref}"]',
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "operator-worklist.png"), full_page=True)

    stage.advance(card.at(20))
    states_later = [a.state for a in stage.alerts(p, AlertRule.NO_NAMED_WORKER_AT_RELEASE)]
    stage.at(
        card.at(21),
        stage.event(p, ProbationaryFreedomRevoked, KUOPIO, card.at(21), revoked_on=card.day(21)),
    )
    stage.at(card.at(22), ev.release_date(card.at(22), card.day(60)), key=p.tag.encode())
    stage.at(card.at(60, 9), ev.released(card.at(60, 9), destination="297"))

    assert states_after_dismissal == [AlertState.OPEN, AlertState.DISMISSED]
    assert states_later == [AlertState.OPEN, AlertState.DISMISSED]
    [dismissal] = audit_of(world, p, ActionKind.DISMISSED)
    assert (dismissal.by_org, dismissal.reason) == (
        "operators",
        DismissalReason.NAMED_WORKER_NOT_NEEDED,
    )
    episodes = stage.opened(p, AlertRule.NO_NAMED_WORKER_AT_RELEASE)
    assert [a.opened_at for a in episodes] == [card.at(0, 9), card.at(60, 9)]
    assert len({a.alert_id for a in episodes}) == 2


def test_escalating_an_unacknowledged_referral_gives_the_county_a_reminder(
    world: World, page: Any
) -> None:
    """The operator escalates `referral_not_acknowledged` in the browser; the county receives a
    `path_escalation` task on its tasks topic naming the rule and the deadline missed, with its
    disclosure record, and the history shows the task issued."""
    stage = world.stage
    card, p = Card(weekday_from(date(2044, 1, 5), 0) + timedelta(200)), Person.numbered("op2", 32)
    ev = Events(stage, p, KUOPIO)
    stage.at(
        card.at(-149),
        ev.custody(card.at(-150), "297", expected=card.day(0)),
        ev.consent(card.at(-149), "consent-op2", CONSENTED, [COUNTY]),
        ev.referral(card.at(-149), "ref-op2", needs=[Need.HOUSING]),
        key=p.tag.encode(),
    )
    stage.advance(card.at(-120))
    [opened] = stage.opened(p, AlertRule.REFERRAL_NOT_ACKNOWLEDGED)

    row = shown(
        page,
        f"{world.url}/work?rule=referral_not_acknowledged&area=13",
        f'tr[data-alert="{opened.alert_id}"]',
    )
    row.locator("a.act-escalate").click()
    at_step(page, "review")
    assert "service status" in page.locator("#review-categories").inner_text()
    page.click("#action-confirm")
    at_step(page, "sent")
    stage.advance(card.at(-119))
    shown(
        page,
        f"{world.url}/work",
        f'#history-table tr[data-action="escalated"][data-person="{p.person_ref}"]'
        '[data-task="task_issued"]',
    )

    [task] = stage.tasks(p, TaskKind.PATH_ESCALATION)
    assert task.recipient_org == COUNTY
    assert (task.payload.escalated_rule, task.payload.missed_deadline) == (
        AlertRule.REFERRAL_NOT_ACKNOWLEDGED.value,
        opened.opened_at,
    )
    assert [d.task_id for d in stage.disclosures(p) if d.task_kind == TaskKind.PATH_ESCALATION] == [
        task.task_id
    ]
    [escalation] = audit_of(world, p, ActionKind.ESCALATED)
    assert (escalation.rule, escalation.county) == (
        AlertRule.REFERRAL_NOT_ACKNOWLEDGED.value,
        COUNTY,
    )


def test_an_escalation_without_a_basis_is_shown_and_not_sent(world: World, page: Any) -> None:
    """A notification without consent: the county may not be reminded (the SHL 35 basis is
    the notifier's). The page says so, nothing reaches the county, and the worklist's history
    shows the escalation as not sent."""
    stage = world.stage
    card, p = Card(weekday_from(date(2044, 9, 5), 0) + timedelta(200)), Person.numbered("op4", 34)
    ev = Events(stage, p, KUOPIO)
    stage.at(
        card.at(-149),
        ev.custody(card.at(-150), "297", expected=card.day(0)),
        ev.referral(
            card.at(-149),
            "ref-op4",
            needs=[Need.HOUSING],
            kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT,
        ),
        key=p.tag.encode(),
    )
    stage.advance(card.at(-120))
    [opened] = stage.opened(p, AlertRule.REFERRAL_NOT_ACKNOWLEDGED)

    row = shown(
        page,
        f"{world.url}/work?rule=referral_not_acknowledged",
        f'tr[data-alert="{opened.alert_id}"]',
    )
    row.locator("a.act-escalate").click()
    at_step(page, "refused")
    reason = page.locator("#action-refused")
    assert reason.get_attribute("data-reason") == "not_sent_no_basis"
    assert "no basis to tell the county" in reason.inner_text()
    stage.advance(card.at(-119))
    shown(
        page,
        f"{world.url}/work",
        f'#history-table tr[data-action="not_sent_no_basis"][data-person="{p.person_ref}"]',
    )

    assert stage.tasks(p, TaskKind.PATH_ESCALATION) == []
    assert audit_of(world, p, ActionKind.ESCALATED) == []


def test_naming_the_county_of_an_unroutable_case_routes_it(world: World, page: Any) -> None:
    """An Åland case has a routing problem; the operator names a county in the browser; the
    case is routed there, the county's handover task arrives and the routing alert resolves."""
    stage = world.stage
    card, p = Card(weekday_from(date(2045, 1, 5), 0) + timedelta(200)), Person.numbered("op3", 33)
    ev = Events(stage, p, KUOPIO)
    stage.at(
        card.at(-149),
        ev.custody(card.at(-150), MARIEHAMN, expected=card.day(0)),
        ev.consent(card.at(-149), "consent-op3", CONSENTED, [ALAND_COUNTY_NAMED]),
        key=p.tag.encode(),
    )
    [opened] = stage.opened(p, AlertRule.ROUTING_PROBLEM)

    row = shown(page, f"{world.url}/work?area=unrouted", f'tr[data-alert="{opened.alert_id}"]')
    row.locator("a.act-route").click()
    page.select_option("#field-county", ALAND_COUNTY_NAMED)
    page.click("#action-review")
    at_step(page, "review")
    page.click("#action-confirm")
    at_step(page, "sent")
    stage.advance(card.at(-148))

    [handover] = stage.tasks(p, TaskKind.RESPONSIBLE_AREA_CHANGED)
    assert handover.recipient_org == ALAND_COUNTY_NAMED
    assert [a.state for a in stage.alerts(p, AlertRule.ROUTING_PROBLEM)] == [
        AlertState.OPEN,
        AlertState.RESOLVED,
    ]
    [named] = audit_of(world, p, ActionKind.COUNTY_NAMED)
    assert named.county == ALAND_COUNTY_NAMED
