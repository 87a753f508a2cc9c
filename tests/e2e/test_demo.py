"""`jatkumo demo` end to end: a short seeded year on the session broker, read back from the
topics, the operator view answering and photographed, and a clean stop on SIGTERM."""

import os
import signal
import subprocess
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from services.core.organisations import default_registry
from services.core.records import Alert, AlertState
from services.core.tasks import Task
from services.platform.codec import Catalogue, DecodeError
from services.platform.topics import TopicNames
from tests.support.demo_run import demo_log, start_demo, stop_demo, wait_ready
from tests.support.kafka_io import read_to_end
from tests.support.topic_scan import internal_topics, scan

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
DEMO_ARGS = ["--days", "90", "--people", "100", "--seed", "7", "--speed", "0"]
READY_WITHIN = 240.0


@dataclass
class RunningDemo:
    process: subprocess.Popen[bytes]
    state: dict[str, Any]
    work: Path

    @property
    def names(self) -> TopicNames:
        return TopicNames(self.state["namespace"])

    def log(self) -> str:
        return demo_log(self.work)


@pytest.fixture(scope="module")
def demo(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    work = tmp_path_factory.mktemp("demo")
    process = start_demo(kafka_bootstrap, work, *DEMO_ARGS)
    try:
        yield RunningDemo(process, wait_ready(process, work, READY_WITHIN), work)
    finally:
        stop_demo(process)


@pytest.fixture(scope="module")
def lockstep_demo(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningDemo]:
    """The same seeded period, each day published only once the services had taken in the
    day before (`--lockstep`)."""
    work = tmp_path_factory.mktemp("demo-lockstep")
    process = start_demo(kafka_bootstrap, work, *DEMO_ARGS, "--lockstep")
    try:
        yield RunningDemo(process, wait_ready(process, work, READY_WITHIN), work)
    finally:
        stop_demo(process)


def _read(bootstrap: str, topics: list[str]) -> list[tuple[str, Any]]:
    """Every record of the topics, from the beginning to their current end."""
    catalogue = Catalogue()
    found: list[tuple[str, Any]] = []
    for message in read_to_end(bootstrap, topics):
        try:
            found.append((message.topic, catalogue.decode(message.value)))
        except DecodeError:
            continue
    return found


def test_tasks_reach_at_least_ten_organisations(demo: RunningDemo, kafka_bootstrap: str) -> None:
    """Tasks are on the task topics of at least ten organisations after the simulated period."""
    names = demo.names
    topics = {names.tasks(code): code for code in default_registry().codes()}
    tasks = Counter(
        topics[topic]
        for topic, record in _read(kafka_bootstrap, list(topics))
        if isinstance(record, Task)
    )
    assert len(tasks) >= 10, tasks
    assert dict(tasks) == demo.state["tasks_by_org"]


def test_open_alerts_of_at_least_five_rules(demo: RunningDemo, kafka_bootstrap: str) -> None:
    """At least five different broken-service-path rules have open alerts at the end."""
    latest: dict[str, Alert] = {}
    for _, record in _read(kafka_bootstrap, [demo.names.alerts]):
        if not isinstance(record, Alert):
            continue
        known = latest.get(record.alert_id)
        if known is None or known.state == AlertState.OPEN:
            latest[record.alert_id] = record
    open_rules = Counter(a.rule.value for a in latest.values() if a.state == AlertState.OPEN)
    assert len(open_rules) >= 5, open_rules
    assert dict(open_rules) == demo.state["open_alerts_by_rule"]


def _get(url: str, token: str | None) -> int:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_operator_api_answers_with_the_token_only(demo: RunningDemo) -> None:
    """The operator API serves the summary with the demo's token and refuses without it."""
    url = demo.state["operator_url"] + "api/summary"
    assert _get(url, demo.state["token"]) == 200
    assert _get(url, None) == 401


def test_operator_view_shows_open_alerts(demo: RunningDemo, tmp_path: Path) -> None:
    """The printed operator URL signs in and shows the open alerts; a screenshot is saved."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only for browser tests

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
            ],
            viewport={"width": 1440, "height": 1100},
        )
        try:
            page = context.new_page()
            page.goto(f"{demo.state['operator_url']}?token={demo.state['token']}")
            page.locator("tr[data-alert-id]").first.wait_for(timeout=60_000)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "demo-operator-view.png"))
            page.screenshot(path=str(ARTIFACTS / "demo-operator-view-full.png"), full_page=True)
            assert page.locator("tr[data-alert-id]").count() > 0
        finally:
            context.close()


def test_no_internal_topic_holds_an_identity_code_or_a_name(
    demo: RunningDemo,
    kafka_bootstrap: str,
) -> None:
    """After the demo run, every internal topic (changelogs decompressed) holds 0 identity-code-
    shaped strings and 0 of the simulator's names; the organisations' own topics do hold them."""
    namespace = demo.state["namespace"]
    topics = internal_topics(kafka_bootstrap, namespace)
    assert {
        demo.names.case_facts,
        demo.names.intake,
        demo.names.dlq,
        demo.names.alerts,
        demo.names.disclosures,
    } <= set(topics)
    assert any(".receipts." in t for t in topics)
    assert any(t.endswith("-changelog") for t in topics)
    scanned, findings = scan(kafka_bootstrap, topics)
    assert scanned > 1000
    assert findings == []
    inbound = [demo.names.inbound(org) for org in ("prison-kuopion", "prison-turun")]
    assert scan(kafka_bootstrap, inbound)[1], "the scan would find what senders send"


def test_demo_prints_its_simulation_time(demo: RunningDemo) -> None:
    """The demo says how many wall-clock seconds the simulated period took to publish."""
    assert demo.state["lockstep"] is False
    assert demo.state["simulation_seconds"] > 0
    assert f"simulation time {demo.state['simulation_seconds']:.1f} s (pipelined" in demo.log()


def test_pipelined_days_give_the_lockstep_outcome(
    demo: RunningDemo, lockstep_demo: RunningDemo
) -> None:
    """The same seed, its days pipelined or in lockstep, gives the same tasks per organisation
    and the same open alerts per rule."""
    assert lockstep_demo.state["lockstep"] is True
    assert demo.state["events_published"] == lockstep_demo.state["events_published"]
    assert demo.state["tasks_by_org"] == lockstep_demo.state["tasks_by_org"]
    assert demo.state["open_alerts_by_rule"] == lockstep_demo.state["open_alerts_by_rule"]


def test_sigterm_stops_everything_the_demo_started(demo: RunningDemo) -> None:
    """SIGTERM ends the demo with status 0 and no worker or operator process is left."""
    children = demo.state["children"]
    demo.process.send_signal(signal.SIGTERM)
    assert demo.process.wait(timeout=90) == 0, demo.log()
    survivors = []
    for name, pid in children.items():
        try:
            os.kill(pid, 0)
            survivors.append(name)
        except ProcessLookupError:
            continue
    assert survivors == [], demo.log()
    assert not (demo.work / "demo.json").exists()
