"""`jatkumo demo --gateway-org county-13` end to end: county 13 publishes and reads its tasks
over HTTPS through the gateway, and the seeded run ends as the Kafka-only run of the same seed."""

import re
import ssl
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from services.core.tasks import Task
from services.platform.broker import free_port
from services.platform.codec import Catalogue, DecodeError
from services.platform.topics import TopicNames
from tests.support.demo_run import start_demo, stop_demo, wait_ready

pytestmark = pytest.mark.e2e

COUNTY = "county-13"
DEMO_ARGS = ["--days", "60", "--people", "80", "--seed", "11", "--speed", "0"]
READY_WITHIN = 300.0


@dataclass
class FinishedDemo:
    state: dict[str, Any]
    """demo.json as the demo wrote it when it was ready."""
    gateway_metrics: str
    """The gateway's /metrics just before the demo stopped (empty without a gateway)."""

    @property
    def names(self) -> TopicNames:
        return TopicNames(self.state["namespace"])


def _gateway_metrics(state: dict[str, Any], work: Path) -> str:
    """The gateway's Prometheus text, over TLS with the demo's local CA."""
    context = ssl.create_default_context(cafile=str(work / state["namespace"] / "pki" / "ca.pem"))
    with urllib.request.urlopen(state["gateway_url"] + "/metrics", context=context) as answer:
        return str(answer.read().decode())


def _run_demo(bootstrap: str, work: Path, *extra: str) -> FinishedDemo:
    """Run a demo to readiness, note what it reports, then stop it with SIGTERM."""
    process = start_demo(bootstrap, work, *DEMO_ARGS, *extra)
    try:
        state = wait_ready(process, work, READY_WITHIN)
        metrics = _gateway_metrics(state, work) if "gateway_url" in state else ""
        return FinishedDemo(state, metrics)
    finally:
        stop_demo(process)


@pytest.fixture(scope="module")
def kafka_only(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> FinishedDemo:
    return _run_demo(kafka_bootstrap, tmp_path_factory.mktemp("demo-kafka"))


@pytest.fixture(scope="module")
def through_gateway(
    kafka_only: FinishedDemo, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> FinishedDemo:
    """After the Kafka-only run (one demo at a time), the same seed with county 13 on HTTPS."""
    work = tmp_path_factory.mktemp("demo-gateway")
    return _run_demo(
        kafka_bootstrap, work, "--gateway-org", COUNTY, "--gateway-port", str(free_port())
    )


def _count(bootstrap: str, topic: str) -> Counter[str]:
    """Records on a topic, from the beginning to its current end, by record type."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    catalogue = Catalogue()
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        found: Counter[str] = Counter()
        deadline = time.monotonic() + 60
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, f"{topic} could not be read to its end"
            for batch in consumer.poll(timeout_ms=500).values():
                for message in batch:
                    try:
                        found[type(catalogue.decode(message.value)).__name__] += 1
                    except DecodeError:
                        found["undecodable"] += 1
        return found
    finally:
        consumer.close()


def _metric(text: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        found = re.match(rf"^{name}\{{(.*)\}} (\S+)$", line)
        if found and all(f'{k}="{v}"' in found.group(1) for k, v in labels.items()):
            total += float(found.group(2))
    return total


def test_every_event_of_county_13_was_posted_to_the_gateway(
    through_gateway: FinishedDemo, kafka_bootstrap: str
) -> None:
    """Each record on inbound.county-13 is one the gateway accepted from county 13, and the
    gateway published nothing else."""
    on_topic = sum(_count(kafka_bootstrap, through_gateway.names.inbound(COUNTY)).values())
    posted = through_gateway.state["gateway_events_posted"]
    assert through_gateway.state["gateway_org"] == COUNTY
    assert on_topic > 0
    assert posted == on_topic
    assert _metric(through_gateway.gateway_metrics, "jatkumo_gateway_events_total") == posted


def test_county_13_read_its_tasks_over_https(
    through_gateway: FinishedDemo, kafka_bootstrap: str
) -> None:
    """County 13 fetched every task of its topic from GET /v1/tasks."""
    on_topic = _count(kafka_bootstrap, through_gateway.names.tasks(COUNTY))[Task.__name__]
    assert on_topic > 0
    assert through_gateway.state["gateway_tasks_fetched"] == on_topic
    metrics = through_gateway.gateway_metrics
    polls = _metric(metrics, "jatkumo_gateway_requests_total", route="/v1/tasks", status="200")
    assert polls > 0


def test_outcomes_match_the_kafka_only_run_of_the_same_seed(
    kafka_only: FinishedDemo, through_gateway: FinishedDemo
) -> None:
    """The same seed leaves the same open alerts by rule, gives county 13 the same tasks and
    tasks to the same organisations, whichever way county 13 connects. (Two Kafka-only runs of
    one seed may differ by a task in another organisation's count, so those are not compared.)"""
    gateway, kafka = through_gateway.state, kafka_only.state
    assert "gateway_org" not in kafka
    assert gateway["open_alerts_by_rule"] == kafka["open_alerts_by_rule"]
    assert gateway["tasks_by_org"][COUNTY] == kafka["tasks_by_org"][COUNTY]
    assert set(gateway["tasks_by_org"]) == set(kafka["tasks_by_org"])
