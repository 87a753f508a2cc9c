"""A message is acknowledged only when it was fetched in the group's current generation and
the consumer's flow is running: a rebalance's skipped messages never reach a commit."""

from types import SimpleNamespace
from typing import Any

import faust.streams
from aiokafka import TopicPartition

from services.platform.faust_patches import ack_guard, gapless_commit

TP = TopicPartition(topic="ns.referral.intake", partition=1)


class FakeConsumer:
    def __init__(self, generation: int, flowing: bool) -> None:
        self.app = SimpleNamespace(
            consumer_generation_id=generation,
            flow_control=SimpleNamespace(is_active=lambda: flowing),
            topics=SimpleNamespace(acks_enabled_for=lambda topic: True),
        )
        self.acked: list[int] = []


def _ack(consumer: FakeConsumer, generation: int | None, offset: int, monkeypatch: Any) -> bool:
    def record(self: FakeConsumer, message: Any) -> bool:
        self.acked.append(message.offset)
        return True

    monkeypatch.setattr(ack_guard, "_original_ack", record)
    message = SimpleNamespace(generation_id=generation, offset=offset, topic=TP.topic, tp=TP)
    return ack_guard._ack_if_current(consumer, message)


def test_a_message_of_the_current_generation_is_acknowledged(monkeypatch: Any) -> None:
    """Fetched in generation 7, acknowledged in generation 7 with the flow running: counted."""
    consumer = FakeConsumer(generation=7, flowing=True)
    assert _ack(consumer, 7, 100, monkeypatch)
    assert consumer.acked == [100]


def test_a_message_of_an_old_generation_is_not_acknowledged(monkeypatch: Any) -> None:
    """A message fetched before the last rebalance is left to be read again."""
    consumer = FakeConsumer(generation=8, flowing=True)
    assert not _ack(consumer, 7, 100, monkeypatch)
    assert consumer.acked == []


def test_nothing_is_acknowledged_while_the_flow_is_stopped(monkeypatch: Any) -> None:
    """During a rebalance (flow stopped) even a current message is not acknowledged."""
    consumer = FakeConsumer(generation=7, flowing=False)
    assert not _ack(consumer, 7, 100, monkeypatch)
    assert consumer.acked == []


def test_a_refused_message_is_noted_to_be_read_again(monkeypatch: Any) -> None:
    """The guard hands a refused message's offset to gapless_commit, which reads it again."""
    consumer = FakeConsumer(generation=8, flowing=True)
    _ack(consumer, 7, 100, monkeypatch)
    assert gapless_commit._rereads(consumer).dropped[TP][0] == 100


def test_install_makes_streams_use_the_iterator_that_acknowledges_through_the_consumer() -> None:
    """The compiled stream iterator inlines its own acknowledgement; install turns it off."""
    ack_guard.install()
    assert faust.streams._CStreamIterator is None  # type: ignore[attr-defined]
