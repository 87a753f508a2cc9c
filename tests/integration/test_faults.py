"""Nothing is lost when workers die, join, leave, or the broker restarts mid-stream.

A seeded replay of realistic timelines (tests/support/replay.py) runs through two workers of
each service on a broker this module owns. Workers are killed with SIGKILL and restarted, the
broker is stopped and started on the same state, and afterwards every fact, task and disclosure
that the pure decisions say must exist (tests/support/expected.py) is on its topic, with no id
that should not be there, and everything followup recorded in its own state (alerts opened and
resolved, timed tasks) is on the topics too. Delivery is at-least-once: duplicates are counted
and reported; a consumer that drops repeats by id sees each record once.
"""

import random
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from services.platform import broker
from services.platform.broker import BrokerConfig, free_port
from tests.support.expected import Expected, fold
from tests.support.lag import behind
from tests.support.ledger import FOLLOWUP_TRIGGERS, Ledger, TableReader, followup_gaps
from tests.support.pipeline import SERVICES, Pipeline
from tests.support.replay import Feed, Replay, generate

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SEED = 20260
FAST_GROUPS = {
    "BROKER_SESSION_TIMEOUT": "20",
    "BROKER_HEARTBEAT_INTERVAL": "2",
    "BROKER_REBALANCE_TIMEOUT": "30",
}
"""faust reads these from the environment: a killed worker's partitions move after 20 s, not 60
(shorter sessions cause spurious rebalances on a busy two-core machine)."""
WAVE_TIMEOUT = 240.0
TIMED_KINDS = set(FOLLOWUP_TRIGGERS.values())

Action = Callable[[], None]


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerConfig]:
    """A broker only this module uses, so it may stop and start it."""
    config = BrokerConfig(
        state_dir=tmp_path_factory.mktemp("fault-broker"),
        port=free_port(),
        controller_port=free_port(),
    )
    broker.start(config, timeout=90)
    yield config
    broker.stop(config)


def _pipeline(config: BrokerConfig, work: Path) -> Pipeline:
    pipeline = Pipeline(config.bootstrap, work, extra_env=FAST_GROUPS)
    pipeline.apply_topics()
    return pipeline


def _replay(
    pipeline: Pipeline, ledger: Ledger, replay: Replay, actions: dict[tuple[int, float], Action]
) -> list[float]:
    """Publish wave after wave; run each action once the wave's progress reaches its fraction,
    and let the next wave go only when every event of this one has its facts. Returns each
    wave's seconds, publish to its last fact (for the report)."""
    feed = Feed(pipeline.bootstrap, pipeline.namespace)
    seconds: list[float] = []
    try:
        for k, wave in enumerate(replay.waves()):
            began = time.monotonic()
            feed.publish(wave)
            ids = {event.event_id for event in wave}
            for (at_wave, fraction), action in sorted(actions.items()):
                if at_wave != k:
                    continue
                needed = int(len(ids) * fraction)
                _wait(pipeline, ledger, _progress(ids, needed), f"{fraction:.0%} of wave {k}")
                action()
            _wait(
                pipeline, ledger, _progress(ids, len(ids)), f"the facts of every event of wave {k}"
            )
            seconds.append(round(time.monotonic() - began, 1))
    finally:
        feed.close()
    return seconds


def _wait(
    pipeline: Pipeline, ledger: Ledger, condition: Callable[[Ledger], bool], what: str
) -> None:
    """Wait for a wave's progress; if it never comes, say where each consumer group stands."""
    try:
        ledger.wait_for(condition, timeout=WAVE_TIMEOUT, what=what)
    except AssertionError as error:
        try:
            stalled: object = behind(pipeline.bootstrap, pipeline.names, SERVICES)
        except Exception as unknown:  # noqa: BLE001 - the timeout is the failure to report
            stalled = f"unknown ({unknown!r})"
        alive = sorted(name for name, p in pipeline.processes.items() if p.poll() is None)
        raise AssertionError(f"{error}; workers alive {alive}; behind {stalled}") from error


def _progress(event_ids: set[str], needed: int) -> Callable[[Ledger], bool]:
    """True once `needed` of the events have facts on `case-facts`."""
    return lambda seen: len(event_ids & seen.fact_event_ids) >= needed


def _assert_nothing_lost(pipeline: Pipeline, ledger: Ledger, expected: Expected) -> None:
    try:
        ledger.wait_for(
            lambda seen: not any(seen.missing(expected).values()),
            timeout=180,
            what="every expected fact, task and disclosure",
        )
    except AssertionError as error:
        raise AssertionError(f"lost: {ledger.missing(expected)}") from error
    states = TableReader(pipeline.bootstrap, pipeline.names.changelog("followup", "followup-state"))
    try:
        ledger.wait_for(
            lambda seen: not followup_gaps(states.poll(), seen, expected),
            timeout=180,
            what="every followup decision on the topics",
        )
    finally:
        states.close()
    handover_tasks = {t for t, (_, kind, _) in ledger.task_kinds.items() if kind not in TIMED_KINDS}
    assert handover_tasks == expected.task_ids
    assert set(ledger.facts) == expected.fact_ids
    assert set(ledger.disclosures) >= expected.disclosure_ids
    assert not ledger.dead_letters, ledger.dead_letter_reasons
    dead = [name for name, process in pipeline.processes.items() if process.poll() is not None]
    assert dead == []


def _report(title: str, replay: Replay, ledger: Ledger, **figures: object) -> None:
    alerts = {alert_id for alert_id, _ in ledger.alerts}
    timed = sum(1 for _, kind, _ in ledger.task_kinds.values() if kind in TIMED_KINDS)
    print(
        f"\n{title}: events={len(replay)} persons={len(replay.timelines)}"
        f" facts={len(ledger.facts)} tasks={len(ledger.tasks)} (timed {timed})"
        f" disclosures={len(ledger.disclosures)} alerts={len(alerts)}"
        f" alert_changes={len(ledger.alerts)} lost=0"
        + "".join(f" {k}={v}" for k, v in figures.items())
        + f" duplicates={ledger.duplicates()}"
    )


@pytest.mark.timeout(1500)
def test_kills_and_a_broker_restart_lose_nothing(
    own_broker: BrokerConfig, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """20,000 events, 5 SIGKILLs of workers and a broker restart: 0 facts, tasks, alerts lost."""
    replay = generate(1720, seed=SEED)
    expected = fold(replay.events())
    assert len(replay) >= 20_000
    assert not expected.dead_letters
    pipeline = _pipeline(own_broker, tmp_path_factory.mktemp("faults"))
    rng = random.Random(SEED)
    victims = [
        f"{service}-{rng.choice('01')}"
        for service in ("referral", "handover", "followup", "referral", "followup")
    ]
    kills: list[str] = []

    def kill_and_restart() -> None:
        name = victims[len(kills)]
        pipeline.kill(name, signal.SIGKILL)
        service, worker_id = name.rsplit("-", 1)
        pipeline.start_worker(service, worker_id)
        kills.append(name)

    def restart_broker() -> None:
        broker.stop(own_broker)
        broker.start(own_broker, timeout=90)

    actions: dict[tuple[int, float], Action] = {
        (1, 0.3): kill_and_restart,
        (3, 0.5): kill_and_restart,
        (5, 0.2): restart_broker,
        (7, 0.4): kill_and_restart,
        (9, 0.6): kill_and_restart,
        (11, 0.3): kill_and_restart,
    }
    ledger = Ledger(own_broker.bootstrap, pipeline.names)
    began = time.monotonic()
    try:
        for service in SERVICES:
            for worker_id in ("0", "1"):
                pipeline.start_worker(service, worker_id)
        pipeline.wait_ready(timeout=120)
        waves = _replay(pipeline, ledger, replay, actions)
        _assert_nothing_lost(pipeline, ledger, expected)
        _report(
            "faults",
            replay,
            ledger,
            kills=len(kills),
            victims=",".join(kills),
            broker_restarts=1,
            seconds=round(time.monotonic() - began),
            wave_seconds=waves,
        )
    finally:
        ledger.close()
        pipeline.stop()


@pytest.mark.timeout(900)
def test_workers_joining_and_leaving_lose_nothing(
    own_broker: BrokerConfig, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """One worker each; a second joins mid-stream, later the first leaves (SIGTERM): 0 lost."""
    replay = generate(450, seed=SEED + 1)
    expected = fold(replay.events())
    pipeline = _pipeline(own_broker, tmp_path_factory.mktemp("rebalance"))

    def add_workers() -> None:
        for service in SERVICES:
            pipeline.start_worker(service, "1")

    def remove_workers() -> None:
        for service in SERVICES:
            pipeline.kill(f"{service}-0", signal.SIGTERM)

    ledger = Ledger(own_broker.bootstrap, pipeline.names)
    began = time.monotonic()
    try:
        for service in SERVICES:
            pipeline.start_worker(service, "0")
        pipeline.wait_ready(timeout=120)
        waves = _replay(
            pipeline, ledger, replay, {(2, 0.3): add_workers, (6, 0.3): remove_workers}
        )
        _assert_nothing_lost(pipeline, ledger, expected)
        assert sorted(pipeline.processes) == [f"{s}-1" for s in sorted(SERVICES)]
        _report(
            "rebalance", replay, ledger, joined=3, left=3,
            seconds=round(time.monotonic() - began), wave_seconds=waves,
        )
    finally:
        ledger.close()
        pipeline.stop()
