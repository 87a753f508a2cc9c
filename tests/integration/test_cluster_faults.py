"""Nothing is lost when a broker of a replicated three-node cluster dies, and a worker with it.

A cluster of this module's own: three KRaft nodes (`BrokerConfig(nodes=3)`), every topic
replicated three times with `min.insync.replicas=2`, producers with `acks=all` and idempotence.
During a seeded replay of more than 10,000 events (tests/support/replay.py) through one worker of
each service, the broker that leads the busiest partition at that moment is killed with SIGKILL,
a worker is killed with SIGKILL and restarted, and later the broker is started again on its own
state. Afterwards the exact accounting of test_faults.py holds: every fact, task and disclosure
the pure decisions call for is on its topic, no task id that should not be there, nothing on the
DLQ, every followup decision published, every worker alive; and the restarted broker is back in
the in-sync replicas of every partition.
"""

import random
import signal
import time
from collections.abc import Callable, Iterator

import pytest

from services.platform import broker
from services.platform.broker import BrokerConfig
from services.platform.topics import Replication
from tests.integration.test_faults import (
    FAST_GROUPS,
    Action,
    _assert_nothing_lost,
    _replay,
    _report,
)
from tests.support.cluster import busiest_partition, leader_of, under_replicated
from tests.support.expected import fold
from tests.support.ledger import Ledger
from tests.support.pipeline import SERVICES, Pipeline
from tests.support.replay import generate

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SEED = 20263
PERSONS = 860
"""About 10,100 inbound events."""
NODES = 3


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerConfig]:
    """Three nodes only this module uses, on free ports, so it may kill and restart them."""
    config = BrokerConfig.on_free_ports(tmp_path_factory.mktemp("cluster"), nodes=NODES)
    broker.start(config, timeout=120)
    yield config
    broker.stop(config)


def _until(check: Callable[[], bool], within: float, what: str) -> float:
    """Wait for a condition; seconds it took."""
    began = time.monotonic()
    while not check():
        if time.monotonic() - began > within:
            raise AssertionError(f"no {what} within {within:.0f} s")
        time.sleep(0.5)
    return time.monotonic() - began


@pytest.mark.timeout(600)
def test_a_broker_and_a_worker_killed_lose_nothing(
    cluster: BrokerConfig, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """10,000+ events; SIGKILL of the busiest partition's leader, of a worker; the broker back."""
    replay = generate(PERSONS, seed=SEED)
    expected = fold(replay.events())
    assert len(replay) >= 10_000
    assert not expected.dead_letters
    replication = Replication.for_brokers(NODES)
    assert replication == Replication(3, 2)
    pipeline = Pipeline(cluster.bootstrap, tmp_path_factory.mktemp("cluster-faults"),
                        extra_env=FAST_GROUPS, replication=replication)
    pipeline.apply_topics()
    victim = f"{random.Random(SEED).choice(SERVICES)}-0"
    figures: dict[str, object] = {}

    def kill_busiest_leader() -> None:
        partition, leader, end = busiest_partition(cluster.bootstrap, pipeline.topics())
        broker.stop_node(cluster, leader, sig=signal.SIGKILL)
        elected = _until(lambda: leader_of(cluster.bootstrap, partition) not in (leader, -1),
                         within=60, what=f"new leader of {partition.topic}[{partition.partition}]")
        figures.update(broker_killed=leader, partition=f"{partition.topic}[{partition.partition}]",
                       at_offset=end, new_leader_after_s=round(elected, 1))

    def kill_worker() -> None:
        pipeline.kill(victim, signal.SIGKILL)
        service, worker_id = victim.rsplit("-", 1)
        pipeline.start_worker(service, worker_id)
        figures["worker_killed"] = victim

    def restart_broker() -> None:
        figures["broker_back_after_s"] = round(broker.start(cluster, timeout=120), 1)

    actions: dict[tuple[int, float], Action] = {
        (1, 0.3): kill_busiest_leader, (2, 0.5): kill_worker, (4, 0.3): restart_broker,
    }
    ledger = Ledger(cluster.bootstrap, pipeline.names)
    began = time.monotonic()
    try:
        for service in SERVICES:
            pipeline.start_worker(service)
        pipeline.wait_ready(timeout=120)
        figures["wave_seconds"] = _replay(pipeline, ledger, replay, actions)
        assert set(figures) >= {"broker_killed", "worker_killed", "broker_back_after_s"}
        _assert_nothing_lost(pipeline, ledger, expected)
        _until(lambda: not under_replicated(cluster.bootstrap, pipeline.topics(), NODES),
               within=120, what="every partition with three in-sync replicas again")
        _report("cluster faults", replay, ledger, **figures,
                seconds=round(time.monotonic() - began))
    finally:
        ledger.close()
        pipeline.stop()
