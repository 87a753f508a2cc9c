"""The action pages in-process: forms need the session's CSRF token, go through a review step
before anything is sent, and an escalation without a basis is shown, not sent."""

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from services.core.events import AlertDismissed, InboundEvent, ResponsibleCountyNamed
from services.core.facts import FactKind
from services.core.records import AlertRule
from services.operator.server import STATE, build_app
from services.platform.settings import Settings
from tests.unit.handover.builders import network_consent
from tests.unit.operator.builders import alert, case, fact
from tests.unit.policy.builders import NOW, referral

TOKEN = "route-test-token"
OPENED = NOW - timedelta(days=5)


class FakeSender:
    """Stands in for the Kafka producer: keeps what would be sent."""

    enabled = True

    def __init__(self) -> None:
        self.sent: list[InboundEvent] = []

    async def send(self, event: InboundEvent) -> None:
        self.sent.append(event)

    async def close(self) -> None:
        return None


def app_with(*records: Any) -> tuple[web.Application, FakeSender]:
    app = build_app(Settings(operator_token=TOKEN, clock="event"))
    app.cleanup_ctx.clear()  # no Kafka feed: the projection is filled here
    state = app[STATE]
    sender = FakeSender()
    state.sender = sender  # type: ignore[assignment]
    for record in records:
        state.projection.apply(record)
    state.clock.observe(NOW)
    return app, sender


def run(app: web.Application, scenario: Callable[[TestClient[Any, Any]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with TestClient(TestServer(app)) as client:
            await client.get(f"/?token={TOKEN}", allow_redirects=False)
            await scenario(client)

    asyncio.run(main())


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return found[1]


def consented(person_ref: str = "person-1") -> Any:
    return case(person_ref, consents=[network_consent(recipients=["county-13"])])


def test_a_dismissal_is_sent_only_after_confirmation() -> None:
    """Form, review (nothing sent), confirm (one AlertDismissed with the chosen reason)."""
    rule = AlertRule.NO_NAMED_WORKER_AT_RELEASE
    app, sender = app_with(alert("a-1", rule=rule, opened=OPENED))

    async def scenario(client: TestClient[Any, Any]) -> None:
        form = await (await client.get("/alerts/a-1/dismiss")).text()
        fields = {"csrf": hidden(form, "csrf"), "nonce": hidden(form, "nonce")}
        review = await client.post(
            "/alerts/a-1/dismiss",
            data={**fields, "reason": "named_worker_not_needed", "until": "", "step": "review"},
        )
        assert review.status == 200
        assert sender.sent == []
        confirmed = await client.post(
            "/alerts/a-1/dismiss",
            data={**fields, "reason": "named_worker_not_needed", "until": "", "step": "confirm"},
        )
        assert confirmed.status == 200

    run(app, scenario)
    [event] = sender.sent
    assert isinstance(event, AlertDismissed)
    assert (event.rule, event.reason.value) == (rule.value, "named_worker_not_needed")


def test_a_post_without_the_csrf_token_is_forbidden() -> None:
    """A form from elsewhere (no token of this session) sends nothing."""
    app, sender = app_with(alert("a-1", opened=OPENED))

    async def scenario(client: TestClient[Any, Any]) -> None:
        response = await client.post(
            "/alerts/a-1/dismiss",
            data={"csrf": "forged", "nonce": "n", "reason": "no_evident_need", "step": "confirm"},
        )
        assert response.status == 403

    run(app, scenario)
    assert sender.sent == []


def test_an_escalation_without_a_basis_is_shown_and_not_sent() -> None:
    """On a notification alone the page says no basis; nothing is sent."""
    person = case(referrals=[referral()])
    app, sender = app_with(
        fact(FactKind.REFERRAL_SUBMITTED, person, NOW - timedelta(days=9)),
        alert("a-1", opened=OPENED),
    )

    async def scenario(client: TestClient[Any, Any]) -> None:
        response = await client.get("/alerts/a-1/escalate")
        assert response.status == 409
        assert 'data-reason="not_sent_no_basis"' in await response.text()

    run(app, scenario)
    assert sender.sent == []


def test_a_post_from_another_site_is_forbidden() -> None:
    """A form posted from another origin sends nothing, even with a token."""
    app, sender = app_with(alert("a-1", opened=OPENED))

    async def scenario(client: TestClient[Any, Any]) -> None:
        form = await (await client.get("/alerts/a-1/dismiss")).text()
        response = await client.post(
            "/alerts/a-1/dismiss",
            data={
                "csrf": hidden(form, "csrf"),
                "nonce": "n",
                "reason": "no_evident_need",
                "step": "confirm",
            },
            headers={"Origin": "https://elsewhere.example"},
        )
        assert response.status == 403

    run(app, scenario)
    assert sender.sent == []


def test_naming_a_county_is_sent_after_review() -> None:
    """An unroutable case's county, chosen and confirmed, is sent as ResponsibleCountyNamed."""
    person = case(responsible_area=None, routing_problem="aland")
    app, sender = app_with(
        fact(FactKind.CASE_OPENED, person, NOW - timedelta(days=2)),
        alert("a-r", rule=AlertRule.ROUTING_PROBLEM, opened=OPENED, area=None),
    )

    async def scenario(client: TestClient[Any, Any]) -> None:
        form = await (await client.get("/cases/person-1/county")).text()
        fields = {
            "csrf": hidden(form, "csrf"),
            "nonce": hidden(form, "nonce"),
            "county": "county-02",
        }
        await client.post("/cases/person-1/county", data={**fields, "step": "review"})
        assert sender.sent == []
        await client.post("/cases/person-1/county", data={**fields, "step": "confirm"})

    run(app, scenario)
    [event] = sender.sent
    assert isinstance(event, ResponsibleCountyNamed)
    assert event.county == "county-02"


def test_the_worklist_page_lists_the_alert_with_its_actions() -> None:
    """The worklist shows the open alert with a dismiss and an escalate link."""
    app, _ = app_with(fact(FactKind.CASE_OPENED, consented(), NOW), alert("a-1", opened=OPENED))

    async def scenario(client: TestClient[Any, Any]) -> None:
        html = await (await client.get("/work?lang=en")).text()
        assert 'href="/alerts/a-1/dismiss"' in html
        assert 'href="/alerts/a-1/escalate"' in html

    run(app, scenario)
