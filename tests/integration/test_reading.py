"""`Tail` on a real broker: each read returns everything on the topics when it was called.

The simulator's counties and operators plan their answers from what a read returns; a read
that returned only what a fetch had happened to bring back would make the answers depend on
how quickly the broker replied.
"""

from collections.abc import Iterator

import pytest
from kafka import KafkaProducer

from services.platform.reading import Tail
from tests.support.kafka_io import new_topic

pytestmark = pytest.mark.integration

PARTITIONS = 3


@pytest.fixture
def topic(kafka_bootstrap: str) -> str:
    return new_topic(kafka_bootstrap, "tail", PARTITIONS)


@pytest.fixture
def producer(kafka_bootstrap: str) -> Iterator[KafkaProducer]:
    made = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        yield made
    finally:
        made.close(timeout=10)


def _send(producer: KafkaProducer, topic: str, values: list[bytes]) -> None:
    """Send the values round the partitions and wait until the broker has each."""
    for n, value in enumerate(values):
        producer.send(topic, value, partition=n % PARTITIONS)
    producer.flush(timeout=30)


def test_a_read_returns_every_record_sent_before_it(
    kafka_bootstrap: str, topic: str, producer: KafkaProducer
) -> None:
    """Straight after the produce, one read returns all 300 records on three partitions."""
    sent = [f"v-{n}".encode() for n in range(300)]
    _send(producer, topic, sent)
    tail = Tail(kafka_bootstrap, [topic], "test-tail")
    try:
        assert sorted(tail.read()) == sorted(sent)
    finally:
        tail.close()


def test_a_second_read_returns_only_what_arrived_since(
    kafka_bootstrap: str, topic: str, producer: KafkaProducer
) -> None:
    """Records read once are not returned again; the ones sent after the first read are."""
    _send(producer, topic, [b"first-0", b"first-1"])
    tail = Tail(kafka_bootstrap, [topic], "test-tail")
    try:
        tail.read()
        _send(producer, topic, [b"second-0", b"second-1", b"second-2"])
        assert sorted(tail.read()) == [b"second-0", b"second-1", b"second-2"]
    finally:
        tail.close()
