"""Each faust patch against the real library and a real broker: the situation it corrects
is produced through faust's own code paths, and without the patch a message is lost (or, for
the idempotent producer, written without the producer id that keeps a resent batch single).

Show a failure by turning one patch off:
`JATKUMO_FAUST_PATCHES_DISABLED=<name> pytest tests/integration/test_faust_patches.py -k <name>`.
"""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiokafka import TopicPartition

from services.platform.faust_patches import stall_watch
from services.platform.faust_patches.batch_acks import acknowledged_when_decided
from tests.support.patched_app import PatchedApp, hold, patched_app, process
from tests.support.record_batches import producer_ids

pytestmark = pytest.mark.integration


def _run(bootstrap: str, tmp_path: Path, agent: Any, scenario: Any) -> None:
    async def main() -> None:
        async with patched_app(bootstrap, tmp_path, agent) as world:
            await scenario(world)

    asyncio.run(asyncio.wait_for(main(), 60))


def test_gapless_commit_does_not_commit_over_an_unacknowledged_first_message(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """Messages 1-3 acknowledged, 0 not: nothing is committed and 0 is handed over again."""

    async def scenario(world: PatchedApp) -> None:
        await world.produce(4)
        await world.wait_for(lambda: world.seen == [0, 1, 2, 3], "four messages handed over")
        for event in world.held[1:]:
            world.consumer.ack(event.message)
        await world.consumer.force_commit()
        assert await world.committed() in (None, 0), "committed past unacknowledged message 0"
        await world.wait_for(lambda: world.seen.count(0) == 2, "message 0 handed over again")

    _run(kafka_bootstrap, tmp_path, hold, scenario)


def test_ack_guard_refuses_acknowledgements_while_the_flow_is_stopped(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """Messages acknowledged during a stopped flow (a rebalance) are not committed."""

    async def scenario(world: PatchedApp) -> None:
        await world.produce(3)
        await world.wait_for(lambda: world.seen == [0, 1, 2], "three messages handed over")
        world.app.flow_control.suspend()  # what faust does when partitions are revoked
        for event in world.held:
            world.consumer.ack(event.message)  # what faust's streams do with skipped messages
        world.app.flow_control.resume()
        await world.consumer.force_commit()
        assert await world.committed() in (None, 0), "committed messages no agent processed"

    _run(kafka_bootstrap, tmp_path, hold, scenario)


def test_ordered_fetch_reads_the_messages_behind_a_jump_in_offsets(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """After the fetch position jumps from 2 to 5, messages 2-4 are processed in order."""

    async def scenario(world: PatchedApp) -> None:
        await world.produce(2)
        await world.wait_for(lambda: world.seen[-2:] == [0, 1], "the first two messages")
        await world.wait_until_committed(2)
        before, tp = len(world.seen), TopicPartition(world.tp.topic, world.tp.partition)
        await world.in_kafka_consumer(lambda kafka: kafka.pause(tp))
        await world.produce(6)
        # the fetch position moves on to 5 behind faust's back: its last read offset stays 1
        await world.in_kafka_consumer(lambda kafka: kafka.seek(tp, 5))
        await world.in_kafka_consumer(lambda kafka: kafka.resume(tp))
        await world.wait_for(lambda: len(world.seen) >= before + 6, "six more messages")
        assert world.seen[before : before + 6] == [2, 3, 4, 5, 6, 7], "not read in order"

    _run(kafka_bootstrap, tmp_path, process, scenario)


def test_stall_watch_reads_again_a_last_message_the_fetch_passed_over(
    kafka_bootstrap: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fetch position passes message 1, the partition's last: it is read again anyway."""
    monkeypatch.setattr(stall_watch, "STALL", 1.0)

    async def scenario(world: PatchedApp) -> None:
        await world.produce(1)
        await world.wait_for(lambda: world.seen == [0], "the first message processed")
        tp = TopicPartition(world.tp.topic, world.tp.partition)
        await world.in_kafka_consumer(lambda kafka: kafka.pause(tp))
        await world.produce(1)
        # as when faust's fetch loop cuts a hand-over short (a stopped flow) and moves on: the
        # fetch position lies past message 1, which no agent received
        await world.in_kafka_consumer(lambda kafka: kafka.seek(tp, 2))
        await world.in_kafka_consumer(lambda kafka: kafka.resume(tp))
        await world.wait_for(lambda: world.seen == [0, 1], "message 1 read again and processed")

    _run(kafka_bootstrap, tmp_path, process, scenario)


THREE_AT_A_TIME = (3, 30.0)
"""`take_events` arguments that yield the three messages as one batch however slowly they come
(the service's own 10 ms window may cut them into two on a busy machine)."""


def test_batch_acks_withholds_the_acknowledgements_of_a_cancelled_batch(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """An agent stopped in the middle of a batch leaves the batch uncommitted."""
    started = asyncio.Event()

    async def undecided(world: PatchedApp, stream: Any) -> None:
        async for events in stream.take_events(*THREE_AT_A_TIME):  # as `batches` takes them
            with acknowledged_when_decided(events):
                world.seen.extend(event.message.offset for event in events)
                started.set()
                await asyncio.Event().wait()  # cancelled here, as SIGTERM cancels an agent

    async def scenario(world: PatchedApp) -> None:
        await world.produce_together(3)
        await world.wait_for(started.is_set, "a batch being decided")
        assert world.seen == [0, 1, 2], "the three messages were not one batch"
        for agent in world.app.agents.values():
            await agent.stop()
        await world.consumer.force_commit()
        assert await world.committed() in (None, 0), "committed a batch that was not decided"

    _run(kafka_bootstrap, tmp_path, undecided, scenario)


def test_batch_acks_still_commits_a_decided_batch(kafka_bootstrap: str, tmp_path: Path) -> None:
    """The messages of a batch whose body ended are acknowledged and committed."""

    async def decided(world: PatchedApp, stream: Any) -> None:
        async for events in stream.take_events(*THREE_AT_A_TIME):
            with acknowledged_when_decided(events):
                world.seen.extend(event.message.offset for event in events)

    async def scenario(world: PatchedApp) -> None:
        await world.produce_together(3)
        await world.wait_for(lambda: world.seen == [0, 1, 2], "three messages decided")
        await world.wait_until_committed(3)

    _run(kafka_bootstrap, tmp_path, decided, scenario)


def test_idempotent_producer_writes_every_batch_under_a_producer_id(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """faust's producer sends outside transactions with a producer id, which the broker keeps
    so that a batch sent again after a lost answer is not written twice."""

    async def scenario(world: PatchedApp) -> None:
        await world.produce(3)
        ids = await producer_ids(kafka_bootstrap, world.topic_name)
        assert ids, "no batch on the broker"
        assert all(pid >= 0 for pid in ids), f"batches written without a producer id: {ids}"

    _run(kafka_bootstrap, tmp_path, process, scenario)
