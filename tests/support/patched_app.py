"""A real faust app of the patched library, in the test's own event loop, on a real broker.

Each per-patch test drives one of faust's own code paths into the situation its patch corrects
(an acknowledgement that skips a message, a jump in offsets, a batch cut short, ...) through
faust's and aiokafka's own calls, then asks the broker what the group committed. Nothing of
faust is faked: the consumer, its fetch loop, its commit and the broker are the real ones.
"""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import NewTopic

from services.platform.runtime import Runtime, make_runtime
from services.platform.settings import Settings

SERVICE = "patched"
BOUND = 20.0
"""Seconds any awaited condition gets before the test fails."""

Agent = Callable[["PatchedApp", Any], Awaitable[None]]


@dataclass
class PatchedApp:
    rt: Runtime
    topic_name: str
    admin: KafkaAdminClient
    held: list[Any] = field(default_factory=list)
    """Events an agent keeps unacknowledged, for the test to acknowledge or drop."""
    seen: list[int] = field(default_factory=list)
    """Offsets in the order faust handed them to the agent (repeats included)."""

    @property
    def app(self) -> Any:
        return self.rt.app

    @property
    def consumer(self) -> Any:
        return self.rt.app.consumer

    @property
    def tp(self) -> Any:
        return next(tp for tp in self.consumer.assignment() if tp.topic == self.topic_name)

    async def produce(self, count: int) -> None:
        topic = self.rt.topic(self.topic_name)
        for n in range(count):
            await (await topic.send(key=b"k", value=b"m%d" % n))

    async def produce_together(self, count: int) -> None:
        """`count` messages in one record batch on the broker (through the app's own aiokafka
        producer), so that a consumer fetches them together, never some of them."""
        producer = self.app.producer._ensure_producer()
        batch = producer.create_batch()
        for n in range(count):
            batch.append(key=b"k", value=b"m%d" % n, timestamp=None)
        await (await producer.send_batch(batch, self.topic_name, partition=0))

    async def committed(self) -> int | None:
        """The group's committed offset on the topic's partition, as the broker has it."""
        group = self.app.conf.id
        offsets = await asyncio.to_thread(self.admin.list_group_offsets, {group: None})
        found = [
            meta.offset
            for tp, meta in offsets.get(group, {}).items()
            if tp.topic == self.topic_name
        ]
        return found[0] if found else None

    async def in_kafka_consumer(self, call: Callable[[Any], None]) -> None:
        """Run `call(aiokafka_consumer)` in the consumer's own thread, unknown to faust."""
        thread = self.consumer._thread

        async def run() -> None:
            call(thread._ensure_consumer())

        await thread.call_thread(run)

    async def wait_until_committed(self, offset: int, bound: float = BOUND) -> None:
        """Wait until the broker has `offset` as the group's committed offset."""
        deadline = time.monotonic() + bound
        while (found := await self.committed()) != offset:
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {bound:.0f} s: committed {offset} ({found})")
            await asyncio.sleep(0.1)

    async def wait_for(
        self, condition: Callable[[], bool], what: str, bound: float = BOUND
    ) -> None:
        deadline = time.monotonic() + bound
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {bound:.0f} s: {what} (seen {self.seen})")
            await asyncio.sleep(0.05)


@asynccontextmanager
async def patched_app(bootstrap: str, data_dir: Path, agent: Agent) -> AsyncIterator[PatchedApp]:
    """Start an app whose one agent reads a fresh one-partition topic; stop it at the end."""
    namespace = "fp" + uuid.uuid4().hex[:10]
    topic_name = f"{namespace}.patched"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_topics([NewTopic(topic_name, 1, 1)])
    settings = Settings(
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        namespace=namespace,
        data_dir=data_dir,
        commit_interval_seconds=0.5,
    )
    world = PatchedApp(make_runtime(SERVICE, settings), topic_name, admin)

    async def run(stream: Any) -> None:
        await agent(world, stream)

    world.app.agent(world.rt.topic(topic_name), name=f"{namespace}-agent")(run)
    await world.app.start()
    try:
        await world.wait_for(
            lambda: any(tp.topic == topic_name for tp in world.consumer.assignment()),
            "the topic's partition assigned",
        )
        yield world
    finally:
        await asyncio.wait_for(world.app.stop(), BOUND)
        admin.close()


async def hold(world: PatchedApp, stream: Any) -> None:
    """Keep every event unacknowledged; the test decides what becomes of each."""
    async for event in stream.noack().events():
        world.seen.append(event.message.offset)
        world.held.append(event)
        del event  # the agent keeps no reference of its own: dropped means released


async def process(world: PatchedApp, stream: Any) -> None:
    """Process each event as an ordinary agent does: faust acknowledges it afterwards."""
    async for event in stream.events():
        world.seen.append(event.message.offset)
