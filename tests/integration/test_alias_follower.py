"""The follower of a compacted topic (aliases, per-person data keys) on a real broker.

A worker asks `sync` once for every person whose data key it has not seen yet; the answer must
not wait for the follower's own long-polling fetch, or every new person costs that fetch's wait.
"""

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from services.platform.alias_follower import AliasFollower
from services.platform.settings import Settings

pytestmark = pytest.mark.integration

PARTITIONS = 3
HELD_FETCH_MS = 60_000
"""The broker holds the follower's fetch this long when nothing new comes."""
WITHIN = 20.0
"""Well under the held fetch: a sync queued behind that fetch cannot finish in time."""


def _topic(bootstrap: str) -> str:
    name = f"follower-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(name, PARTITIONS, 1)])
    finally:
        admin.close()
    return name


async def _follow(bootstrap: str, topic: str, entries: dict[str, str]) -> AliasFollower:
    """A follower of `topic` once `entries` are on it (the first send waits for the leaders)."""
    follower = AliasFollower(
        Settings(KAFKA_BOOTSTRAP_SERVERS=bootstrap),
        topic,
        PARTITIONS,
        fetch_max_wait_ms=HELD_FETCH_MS,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for key, value in entries.items():
            await producer.send_and_wait(topic, value.encode(), key=key.encode())
    finally:
        await producer.stop()
    return follower


def test_sync_is_not_held_behind_the_followers_fetch(kafka_bootstrap: str) -> None:
    """With nothing new on the topic, sync answers long before the held fetch would return."""

    async def scenario() -> None:
        topic = _topic(kafka_bootstrap)
        follower = await _follow(kafka_bootstrap, topic, {"ref-a": "key-a"})
        running = asyncio.create_task(follower.run())
        try:
            await asyncio.wait_for(follower.ready.wait(), WITHIN)
            for _ in range(3):
                await asyncio.wait_for(follower.sync(), WITHIN)
            assert follower.aliases == {"ref-a": "key-a"}
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)

    asyncio.run(scenario())


def test_sync_returns_an_entry_published_before_it(kafka_bootstrap: str) -> None:
    """An entry whose delivery was awaited before sync is in the follower's view after it."""

    async def scenario() -> None:
        topic = _topic(kafka_bootstrap)
        follower = await _follow(kafka_bootstrap, topic, {"ref-a": "key-a"})
        running = asyncio.create_task(follower.run())
        try:
            await asyncio.wait_for(follower.ready.wait(), WITHIN)
            producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
            await producer.start()
            try:
                await producer.send_and_wait(topic, b"key-b", key=b"ref-b")
            finally:
                await producer.stop()
            await asyncio.wait_for(follower.sync(), WITHIN)
            assert follower.aliases == {"ref-a": "key-a", "ref-b": "key-b"}
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)

    asyncio.run(scenario())
