"""The Kafka version is chosen by KAFKA_VERSION, defaults to the pom's, and has its own jars."""

import re
from pathlib import Path

import pytest

from services.platform import broker


def test_the_default_is_the_version_the_pom_names() -> None:
    """infra/kafka/pom.xml's kafka.version property and the code's default agree."""
    pom = (broker.KAFKA_DIR / "pom.xml").read_text("utf-8")
    assert re.search(r"<kafka.version>([^<]+)</kafka.version>", pom)[1] == (  # type: ignore[index]
        broker.DEFAULT_KAFKA_VERSION
    )


def test_kafka_version_chooses_the_version_and_its_jar_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """KAFKA_VERSION=4.4.0 runs 4.4.0 from libs/4.4.0; an empty value means the default."""
    monkeypatch.setenv("KAFKA_VERSION", "4.4.0")
    config = broker.BrokerConfig(state_dir=Path("/nonexistent"))
    assert config.kafka_version == "4.4.0"
    assert f"{broker.LIBS / '4.4.0'}/*" in broker._java(
        config, Path("log4j.properties"), "kafka.Kafka"
    )
    monkeypatch.setenv("KAFKA_VERSION", "")
    assert broker.kafka_version() == broker.DEFAULT_KAFKA_VERSION
