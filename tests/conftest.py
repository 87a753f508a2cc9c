"""Shared fixtures: a real Kafka broker for integration tests, chosen once per session.

`KAFKA_BOOTSTRAP_SERVERS` if set; else testcontainers when a Docker engine answers; else the
local broker process from Maven Central jars, with a fresh data dir for this session.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.platform import broker
from tests.support.clock import close_producers
from tests.support.kafka_io import drop_topics
from tests.support.log_privacy import PrivacyPlugin


def pytest_configure(config: pytest.Config) -> None:
    """Fail the session when an identity code or a fixture name reaches a log."""
    config.pluginmanager.register(PrivacyPlugin(), "jatkumo-privacy-watch")


SESSION_BROKER: list[str] = []
"""The bootstrap address of the broker this session started, if it did."""


def _docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        import docker  # type: ignore[import-untyped]  # noqa: PLC0415 - optional dependency

        docker.from_env(timeout=3).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means no usable engine
        return False


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A bootstrap address of a real, running Kafka broker."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given
        return
    if _docker_answers():
        from testcontainers.kafka import KafkaContainer  # noqa: PLC0415

        with KafkaContainer("confluentinc/cp-kafka:7.7.1").with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    state: Path = tmp_path_factory.mktemp("kafka")
    config = broker.BrokerConfig(
        state_dir=state, port=broker.free_port(), controller_port=broker.free_port()
    )
    broker.start(config, timeout=90)
    SESSION_BROKER.append(config.bootstrap)
    try:
        yield config.bootstrap
    finally:
        SESSION_BROKER.clear()
        broker.stop(config)


@pytest.fixture(scope="module", autouse=True)
def _each_module_cleans_up() -> Iterator[None]:
    """After a module, the tick producers it used are closed, and its topics leave the broker
    this session started (never a broker it was given, which others may share). Each module
    applies the whole topic catalogue in a namespace of its own; kept, the topics would pile up
    to tens of thousands of partitions on one broker, which then spends ever more time on
    them."""
    yield
    close_producers()
    if SESSION_BROKER:
        drop_topics(SESSION_BROKER[0])
