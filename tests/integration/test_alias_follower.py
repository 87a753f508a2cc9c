"""The follower of a compacted topic (aliases, per-person data keys) on a real broker.

A worker asks `sync` once for every person whose data key it has not seen yet; the answer must
not wait for the follower's own long-polling fetch, or every new person costs that fetch's wait.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiokafka import AIOKafkaProducer

from services.platform.alias_follower import AliasFollower
from services.platform.settings import Settings
from tests.support.kafka_io import new_topic

pytestmark = pytest.mark.integration

PARTITIONS = 3
HELD_FETCH_MS = 60_000
"""The broker holds the follower's fetch this long when nothing new comes."""
WITHIN = 20.0
"""Well under the held fetch: a sync queued behind that fetch cannot finish in time."""


def _topic(bootstrap: str) -> str:
    return new_topic(bootstrap, "follower", PARTITIONS)


async def _publish(bootstrap: str, topic: str, entries: dict[str, str]) -> None:
    """Send the entries and wait for each (the first send also waits for the leaders)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for key, value in entries.items():
            await producer.send_and_wait(topic, value.encode(), key=key.encode())
    finally:
        await producer.stop()


def _follower(bootstrap: str, topic: str) -> AliasFollower:
    settings = Settings(KAFKA_BOOTSTRAP_SERVERS=bootstrap)
    return AliasFollower(settings, topic, PARTITIONS, fetch_max_wait_ms=HELD_FETCH_MS)


@asynccontextmanager
async def _running(follower: AliasFollower) -> AsyncIterator[AliasFollower]:
    """The follower running and caught up with the topic it had at start."""
    running = asyncio.create_task(follower.run())
    try:
        await asyncio.wait_for(follower.ready.wait(), WITHIN)
        yield follower
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


def test_sync_is_not_held_behind_the_followers_fetch(kafka_bootstrap: str) -> None:
    """With nothing new on the topic, sync answers long before the held fetch would return."""

    async def scenario() -> None:
        topic = _topic(kafka_bootstrap)
        await _publish(kafka_bootstrap, topic, {"ref-a": "key-a"})
        async with _running(_follower(kafka_bootstrap, topic)) as follower:
            for _ in range(3):
                await asyncio.wait_for(follower.sync(), WITHIN)
            assert follower.aliases == {"ref-a": "key-a"}

    asyncio.run(scenario())


def test_sync_returns_an_entry_published_before_it(kafka_bootstrap: str) -> None:
    """An entry whose delivery was awaited before sync is in the follower's view after it."""

    async def scenario() -> None:
        topic = _topic(kafka_bootstrap)
        await _publish(kafka_bootstrap, topic, {"ref-a": "key-a"})
        async with _running(_follower(kafka_bootstrap, topic)) as follower:
            await _publish(kafka_bootstrap, topic, {"ref-b": "key-b"})
            await asyncio.wait_for(follower.sync(), WITHIN)
            assert follower.aliases == {"ref-a": "key-a", "ref-b": "key-b"}

    asyncio.run(scenario())
