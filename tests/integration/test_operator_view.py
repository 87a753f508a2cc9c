"""The operator view on a real broker: records published to a fresh namespace, the API read back."""

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from kafka import KafkaConsumer
from kafka.structs import OffsetAndMetadata, TopicPartition
from pydantic import BaseModel

from services.core.case import CaseStatus
from services.core.facts import FactKind
from services.core.records import AlertRule, Severity
from services.core.tasks import TaskKind
from services.core.vocabulary import TaskStatus
from services.operator.stream import service_groups
from services.platform.broker import free_port
from services.platform.settings import Settings
from tests.integration.operator_harness import ServerThread, publish
from tests.support.pipeline import Pipeline
from tests.unit.operator.builders import (
    FULL_NAME,
    IDENTITY_CODE,
    OTHER_COUNTY,
    PHONE,
    SEALED_IDENTITY,
    SEALED_SUMMARY,
    WORKER_REF,
    alert,
    at,
    case,
    days,
    dead_letter,
    disclosure,
    fact,
    referral,
    status_fact,
)

pytestmark = pytest.mark.integration

TOKEN = "operator-test-token-4c1e"
DAY = at(date(2025, 3, 3), 9)
PERSON = "op-person-a"
OTHER = "op-person-b"
FORBIDDEN = (IDENTITY_CODE, FULL_NAME, PHONE, SEALED_IDENTITY, SEALED_SUMMARY, WORKER_REF)


def _records() -> list[tuple[str, BaseModel]]:
    """A small world: one case in county 13 with alerts and a task, one in county 04, DLQ."""
    c = case(PERSON, referrals=[referral(DAY, None)])
    released = c.model_copy(update={"status": CaseStatus.RELEASED, "released_at": DAY + days(1)})
    return [
        ("facts", fact(FactKind.CASE_OPENED, c, DAY)),
        ("facts", fact(FactKind.REFERRAL_SUBMITTED, c, DAY + days(0.1))),
        ("facts", fact(FactKind.RELEASED, released, DAY + days(1))),
        ("facts", status_fact(released, "task-1", TaskStatus.ACCEPTED, DAY + days(3))),
        ("facts", fact(FactKind.CASE_OPENED, case(OTHER, responsible_area=OTHER_COUNTY), DAY)),
        (
            "alerts",
            alert(
                "alert-open-1", opened=DAY + days(1), person_ref=PERSON, severity=Severity.CRITICAL
            ),
        ),
        (
            "alerts",
            alert(
                "alert-open-2",
                opened=DAY + days(2),
                person_ref=OTHER,
                area=OTHER_COUNTY,
                rule=AlertRule.CONTACT_LOST,
            ),
        ),
        (
            "alerts",
            alert("alert-closed", opened=DAY, person_ref=PERSON, rule=AlertRule.NO_CLIENT_PLAN),
        ),
        (
            "alerts",
            alert(
                "alert-closed",
                opened=DAY,
                resolved=DAY + days(2),
                person_ref=PERSON,
                rule=AlertRule.NO_CLIENT_PLAN,
            ),
        ),
        (
            "disclosures",
            disclosure("task-1", TaskKind.RELEASE_PREPARATION, DAY + days(0.5), person_ref=PERSON),
        ),
        (
            "disclosures",
            disclosure(
                "task-2", TaskKind.RELEASED, DAY + days(1), person_ref=OTHER, recipient=OTHER_COUNTY
            ),
        ),
        ("dlq", dead_letter("dead-1", "unknown_fingerprint", DAY)),
        ("dlq", dead_letter("dead-2", "unknown_fingerprint", DAY)),
    ]


@dataclass
class World:
    server: ServerThread
    pipeline: Pipeline
    fact_partitions: set[int]


@pytest.fixture(scope="module")
def world(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    pipeline = Pipeline(kafka_bootstrap, tmp_path_factory.mktemp("operator"), services=())
    pipeline.apply_topics()
    partitions = publish(kafka_bootstrap, pipeline.names, _records())
    settings = Settings(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
        namespace=pipeline.namespace,
        operator_token=TOKEN,
        clock="event",
        environment="test",
    )
    server = ServerThread(settings, free_port())
    server.start()
    server.wait_for("/healthz", lambda r: r.status == 200)
    yield World(server, pipeline, partitions)
    server.stop()


def test_every_endpoint_but_healthz_refuses_a_missing_or_wrong_token(world: World) -> None:
    """Without the token (or with a wrong one) the API and metrics answer 401 with JSON."""
    for path in (
        "/api/alerts",
        "/api/summary",
        f"/api/cases/{PERSON}",
        "/metrics",
        "/static/app.js",
    ):
        for reply in (
            world.server.get(path, anonymous=True),
            world.server.get(path, token="wrong-token"),
        ):
            assert reply.status == 401, path
            assert reply.json()["error"] == "unauthorized"


def test_the_page_without_a_token_is_a_login_prompt(world: World) -> None:
    """Opening the page unauthenticated gives 401 and the sign-in form, no dashboard."""
    reply = world.server.get("/", anonymous=True)
    assert reply.status == 401
    assert 'name="token"' in reply.body
    assert "alerts-table" not in reply.body


def test_opening_the_page_with_the_token_sets_a_cookie_that_signs_in(world: World) -> None:
    """`/?token=` redirects to `/` with a session cookie that then opens the page and the API."""
    reply = world.server.get(f"/?token={TOKEN}", anonymous=True)
    assert reply.status == 303
    assert reply.headers["Location"] == "/"
    cookie = reply.headers["Set-Cookie"].split(";")[0]
    assert TOKEN not in cookie
    page = world.server.get("/", anonymous=True, cookie=cookie)
    assert page.status == 200
    assert "alerts-table" in page.body
    assert world.server.get("/api/summary", anonymous=True, cookie=cookie).status == 200


def test_healthz_needs_no_token_and_says_the_consumer_caught_up(world: World) -> None:
    """/healthz answers without a token and reports that every topic was read to its end."""
    reply = world.server.get("/healthz", anonymous=True)
    assert reply.status == 200
    assert reply.json()["caught_up"] is True


def test_open_alerts_are_listed_with_county_name_and_age(world: World) -> None:
    """Open alerts appear (the resolved one does not), with county names and event-time age."""
    body = world.server.get("/api/alerts").json()
    alerts = {a["alert_id"]: a for a in body["alerts"]}
    assert set(alerts) == {"alert-open-1", "alert-open-2"}
    first = alerts["alert-open-1"]
    assert first["area_name"] == "Pohjois-Savon hyvinvointialue"
    assert first["person_ref"] == PERSON
    assert first["age_seconds"] == 2 * 86_400  # event time: the latest record is day 3


def test_alert_filters_by_county_and_rule(world: World) -> None:
    """?area= and ?rule= narrow the list; an unknown value is refused with 400."""
    by_area = world.server.get("/api/alerts?area=04").json()
    by_rule = world.server.get("/api/alerts?rule=referral_not_acknowledged").json()
    assert [a["alert_id"] for a in by_area["alerts"]] == ["alert-open-2"]
    assert [a["alert_id"] for a in by_rule["alerts"]] == ["alert-open-1"]
    assert world.server.get("/api/alerts?rule=nonsense").status == 400
    assert world.server.get("/api/alerts?area=99").status == 400


def test_summary_counts_alerts_tasks_and_dead_letters(world: World) -> None:
    """The summary has open alerts by rule, tasks by kind and status, dead letters by reason."""
    summary = world.server.get("/api/summary").json()
    assert summary["open_alerts"] == 2
    assert {(r["rule"], r["count"]) for r in summary["by_rule"]} == {
        ("referral_not_acknowledged", 1),
        ("contact_lost", 1),
    }
    assert {(t["kind"], t["status"], t["count"]) for t in summary["tasks"]} == {
        ("release_preparation", "accepted", 1),
        ("released", "issued", 1),
    }
    assert summary["dead_letters"] == [
        {"stage": "referral", "reason": "unknown_fingerprint", "count": 2}
    ]
    counties = {c["area"]: c for c in summary["counties"]}
    assert counties["county-13"]["awaiting_first_contact"] == 0
    assert counties["county-13"]["median_days_to_first_contact"] == 2.0


def test_case_timeline_lists_facts_alerts_and_tasks(world: World) -> None:
    """The timeline of a person has their facts in order, alerts and tasks; unknown is 404."""
    timeline = world.server.get(f"/api/cases/{PERSON}").json()
    kinds = [f["kind"] for f in timeline["facts"]]
    assert kinds == ["case_opened", "referral_submitted", "released", "task_status_changed"]
    assert {a["alert_id"] for a in timeline["alerts"]} == {"alert-open-1", "alert-closed"}
    assert [t["kind"] for t in timeline["tasks"]] == ["release_preparation"]
    assert world.server.get("/api/cases/nobody-known").status == 404


def test_metrics_export_alerts_tasks_dead_letters_and_group_lag(world: World) -> None:
    """/metrics has the gauges, and the lag of a service group that committed one offset."""
    group = service_groups(world.pipeline.namespace)[2]
    partition = min(world.fact_partitions)
    tp = TopicPartition(world.pipeline.names.case_facts, partition)
    committer = KafkaConsumer(
        bootstrap_servers=world.pipeline.bootstrap, group_id=group, enable_auto_commit=False
    )
    committer.assign([tp])
    committer.commit({tp: OffsetAndMetadata(1, "", -1)})
    end = committer.end_offsets([tp])[tp]
    committer.close()
    text = world.server.get("/metrics").body
    assert 'jatkumo_open_alerts{area="county-13",rule="referral_not_acknowledged"} 1.0' in text
    assert 'jatkumo_tasks{kind="released",status="issued"} 1.0' in text
    assert 'jatkumo_dead_letters{reason="unknown_fingerprint"} 2.0' in text
    topic = world.pipeline.names.case_facts
    assert f'jatkumo_consumer_group_lag{{group="{group}",topic="{topic}"}} {end - 1}.0' in text
    assert "jatkumo_operator_caught_up 1.0" in text


def test_records_published_later_appear_while_running(world: World) -> None:
    """The consumer keeps reading: an alert published after start-up is listed."""
    late = alert(
        "alert-late",
        opened=DAY + days(3),
        person_ref=OTHER,
        area=OTHER_COUNTY,
        rule=AlertRule.TASK_NOT_ACCEPTED,
    )
    publish(world.pipeline.bootstrap, world.pipeline.names, [("alerts", late)])
    world.server.wait_for(
        "/api/alerts?rule=task_not_accepted",
        lambda r: any(a["alert_id"] == "alert-late" for a in r.json()["alerts"]),
    )


def test_paths_command_prints_the_open_broken_paths(world: World) -> None:
    """`jatkumo paths` reads the alert topic to its end and lists the open alerts only."""
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": world.pipeline.bootstrap,
        "JATKUMO_NAMESPACE": world.pipeline.namespace,
        "JATKUMO_CLOCK": "event",
        "COLUMNS": "200",
    }
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "paths"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "alert-open-1" in result.stdout
    assert "alert-open-2" in result.stdout
    assert "alert-closed" not in result.stdout
    assert "Pohjois-Savon hyvinvointialue" in result.stdout
    assert IDENTITY_CODE not in result.stdout + result.stderr


def _finnish_environment() -> dict[str, str]:
    """The process environment with LANG=fi_FI.UTF-8 deciding (nothing above it set)."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("JATKUMO_LANG", "LC_ALL", "LC_MESSAGES")
    }
    return {**env, "LANG": "fi_FI.UTF-8"}


def test_paths_command_speaks_finnish_with_a_finnish_locale(world: World) -> None:
    """With LANG=fi_FI.UTF-8 `jatkumo paths` prints its title, headers and rules in Finnish."""
    env = {
        **_finnish_environment(),
        "KAFKA_BOOTSTRAP_SERVERS": world.pipeline.bootstrap,
        "JATKUMO_NAMESPACE": world.pipeline.namespace,
        "JATKUMO_CLOCK": "event",
        "COLUMNS": "200",
    }
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "paths"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "Avoimet katkenneet palvelupolut:" in result.stdout
    assert "Sääntö" in result.stdout
    assert "Yhteydenottoa ei kuitattu" in result.stdout
    assert "Pohjois-Savon hyvinvointialue" in result.stdout
    assert "Open broken service paths" not in result.stdout


def test_the_page_follows_accept_language(world: World) -> None:
    """A Swedish browser gets the Swedish page; one that names no language of ours, Finnish."""
    swedish = world.server.get("/", headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"})
    assert '<html lang="sv">' in swedish.body
    assert swedish.headers["Content-Language"] == "sv"
    assert "Öppna brutna servicestigar" in swedish.body
    other = world.server.get("/", headers={"Accept-Language": "de-DE"})
    assert '<html lang="fi">' in other.body
    assert "Avoimet katkenneet palvelupolut" in other.body


def test_the_language_switch_is_remembered_in_a_cookie(world: World) -> None:
    """`/?lang=en` redirects to `/` with a cookie that then beats Accept-Language."""
    reply = world.server.get("/?lang=en", anonymous=True)
    assert reply.status == 303
    assert reply.headers["Location"] == "/"
    cookie = reply.headers["Set-Cookie"].split(";")[0]
    assert cookie == "jatkumo_lang=en"
    page = world.server.get("/", cookie=cookie, headers={"Accept-Language": "sv"})
    assert '<html lang="en">' in page.body
    assert "Open broken service paths" in page.body


def test_the_api_writes_dates_and_counties_in_the_readers_language(world: World) -> None:
    """In Swedish an alert's county is its Swedish name and its opening time reads `kl.`."""
    body = world.server.get("/api/alerts", headers={"Accept-Language": "sv"}).json()
    first = next(a for a in body["alerts"] if a["area"] == "county-13")
    assert first["area_name"] == "Norra Savolax välfärdsområde"
    assert " kl. " in first["opened_at_text"]
    assert " kl. " in body["now_text"]


def test_no_response_carries_identity_data(world: World) -> None:
    """Every body served in this module is free of identity codes, names and sealed tokens."""
    for path in (
        "/",
        "/api/alerts",
        "/api/summary",
        f"/api/cases/{PERSON}",
        f"/api/cases/{OTHER}",
        "/metrics",
        "/healthz",
    ):
        world.server.get(path)
    assert len(world.server.replies) >= 7
    for body in world.server.replies:
        for value in FORBIDDEN:
            assert value not in body
