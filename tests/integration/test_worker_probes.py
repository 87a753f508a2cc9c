"""Each worker (referral, handover, followup) serves /healthz, /readyz and /metrics on its own
port, on a real broker: up, ready once caught up, and counting what it handled."""

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest

from services.core.events import CustodyStarted
from services.core.vocabulary import SentenceType
from services.platform.broker import free_port
from services.sdk import Publisher
from tests.support.people import temporary_identity_code
from tests.support.pipeline import Pipeline

pytestmark = pytest.mark.integration

SERVICES = ("referral", "handover", "followup")
PRISON = "prison-kuopion"
BOUND = 60.0


@pytest.fixture(scope="module")
def probed(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Pipeline, dict[str, int]]]:
    ports = {service: free_port() for service in SERVICES}
    running = Pipeline(
        kafka_bootstrap,
        tmp_path_factory.mktemp("probes"),
        services=SERVICES,
        service_env={s: {"JATKUMO_WORKER_HTTP_PORT": str(port)} for s, port in ports.items()},
    )
    running.start()
    yield running, ports
    running.stop()


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _until(port: int, path: str, accept: Callable[[int, str], bool], what: str) -> str:
    deadline = time.monotonic() + BOUND
    status, body = 0, ""
    while time.monotonic() < deadline:
        try:
            status, body = _get(port, path)
        except OSError:
            status, body = 0, "no answer"
        if accept(status, body):
            return body
        time.sleep(0.2)
    raise AssertionError(f"{what} not within {BOUND:.0f} s: {status} {body[:300]}")


def test_every_worker_is_up_and_ready(probed: tuple[Pipeline, dict[str, int]]) -> None:
    """All three answer /healthz with 200 and, once caught up, /readyz with 200."""
    _, ports = probed
    for service, port in ports.items():
        health = _until(port, "/healthz", lambda s, _: s == 200, f"{service} /healthz")
        assert json.loads(health) == {"status": "up", "service": service}
        ready = _until(port, "/readyz", lambda s, _: s == 200, f"{service} /readyz")
        assert json.loads(ready)["ready"] is True


def test_metrics_count_events_dead_letters_decisions_and_lag(
    probed: tuple[Pipeline, dict[str, int]],
) -> None:
    """After a good event and a garbage message, referral's /metrics counts both; every worker
    exposes its lag, decision histogram and guard counters."""
    pipeline, ports = probed
    code = temporary_identity_code(date(1990, 1, 7), 907)
    event = CustodyStarted(
        event_id="probe-1",
        occurred_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        source_org=PRISON,
        identity_code=code,
        prison=PRISON,
        sentence_type=SentenceType.LONG_TERM,
        sentence_start=date(2026, 3, 1),
        home_municipality="297",
    )
    with Publisher(PRISON, pipeline.bootstrap, namespace=pipeline.namespace) as publisher:
        publisher.publish(event, wait=True)
        publisher.publish_raw(b"\x00 not avro", key=b"bad-probe", wait=True)
    inbound = re.escape(pipeline.names.inbound(PRISON))
    counted = (
        rf'jatkumo_events_in_total{{service="referral",topic="{inbound}"}} 2\.0',
        r'jatkumo_dead_letters_total{reason="[a-z_]+",service="referral"} 1\.0',
        r'jatkumo_events_out_total{service="referral",topic="[^"]+"} [1-9]',
        r'jatkumo_decision_seconds_count{stage="referral\.gate"} 2\.0',
    )
    metrics = _until(
        ports["referral"],
        "/metrics",
        lambda status, body: status == 200 and all(re.search(c, body) for c in counted),
        "referral's counts of the event and the dead letter",
    )
    assert code not in metrics
    for service, port in ports.items():
        status, body = _get(port, "/metrics")
        assert status == 200
        assert 'jatkumo_commit_guard_rereads_total{guard="gapless_commit"}' in body, service
        assert re.search(
            rf'jatkumo_consumer_lag_messages{{partition="\d+",service="{service}"', body
        ), service
