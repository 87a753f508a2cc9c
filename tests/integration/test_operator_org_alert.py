"""The operator view on a real broker with an organisation's alert (`webhook_failing`, as the
gateway writes it): listed under the organisation's name, in no county's figures or filters."""

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from pydantic import BaseModel

from services.core.facts import FactKind
from services.gateway.watch import WebhookWatch, observe
from services.platform.broker import free_port
from services.platform.settings import Settings
from tests.integration.operator_harness import ServerThread, publish
from tests.support.pipeline import Pipeline
from tests.unit.operator.builders import COUNTY, alert, at, case, days, fact

pytestmark = pytest.mark.integration

TOKEN = "operator-org-alert-token-7d2a"
DAY = at(date(2025, 3, 3), 9)
PERSON = "op-org-person"


def _records() -> list[tuple[str, BaseModel]]:
    """One case in county 13 with an alert, and county 13's failing webhook."""
    watch, _ = observe(WebhookWatch(), False, DAY, org=COUNTY, alert_after=timedelta(0))
    assert watch.alert is not None
    return [
        ("facts", fact(FactKind.CASE_OPENED, case(PERSON), DAY)),
        ("alerts", alert("case-alert", opened=DAY + days(1), person_ref=PERSON)),
        ("alerts", watch.alert),
    ]


@pytest.fixture(scope="module")
def server(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerThread]:
    pipeline = Pipeline(kafka_bootstrap, tmp_path_factory.mktemp("operator-org"), services=())
    pipeline.apply_topics()
    publish(kafka_bootstrap, pipeline.names, _records())
    settings = Settings(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
        namespace=pipeline.namespace,
        operator_token=TOKEN,
        clock="event",
        environment="test",
    )
    running = ServerThread(settings, free_port())
    running.start()
    running.wait_for("/healthz", lambda r: r.status == 200 and r.json()["caught_up"] is True)
    yield running
    running.stop()


def test_org_alert_is_listed_under_the_organisation_name(server: ServerThread) -> None:
    """/api/alerts lists the webhook alert with no person and the county's name as its area."""
    listed = {a["rule"]: a for a in server.get("/api/alerts").json()["alerts"]}
    webhook = listed["webhook_failing"]
    assert webhook["person_ref"] == ""
    assert webhook["area"] is None
    assert webhook["org"] == COUNTY
    assert webhook["area_name"] == "Pohjois-Savon hyvinvointialue"


def test_org_alert_counts_by_rule_but_in_no_county_or_area_filter(server: ServerThread) -> None:
    """The summary counts it by rule; county 13's row and the county and unrouted filters
    hold only the case's alert; /metrics still answers."""
    summary = server.get("/api/summary").json()
    assert summary["open_alerts"] == 2
    assert {(r["rule"], r["count"]) for r in summary["by_rule"]} == {
        ("webhook_failing", 1),
        ("referral_not_acknowledged", 1),
    }
    assert [(c["area"], c["open_alerts"]) for c in summary["counties"]] == [(COUNTY, 1)]
    in_county = server.get("/api/alerts?area=13").json()["alerts"]
    assert [a["alert_id"] for a in in_county] == ["case-alert"]
    assert server.get("/api/alerts?area=unrouted").json()["total"] == 0
    assert server.get("/metrics").status == 200
