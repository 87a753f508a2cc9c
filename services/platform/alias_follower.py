"""The gate's copy of the pseudonym aliases: `referral.pseudonyms` read whole, then followed.

The same follower keeps the workers' copy of the wrapped per-person data keys
(`keys.persons`): any compacted topic of string keys and values, read whole.

Every referral worker reads all partitions of the compacted topic (no consumer group), so each
gate knows every alias whatever partitions it is assigned. The gate waits until the topic has
been read to the end it had at start-up before it admits anything: aliases published while the
referral service was stopped (the rotation procedure) are in force from its first message.

`sync` asks for the topic's end offsets over a connection of its own: a broker answers one
connection's requests in order, so behind the follower's long-polling fetch (up to
`fetch_max_wait_ms`, 500 ms) the question would wait for the fetch to time out, once per person
whose key is not yet known.
"""

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from services.platform.kafka_security import client_options
from services.platform.settings import Settings
from services.platform.topics import PSEUDONYM_PARTITIONS


class AliasFollower:
    def __init__(
        self,
        settings: Settings,
        topic: str,
        partitions: int = PSEUDONYM_PARTITIONS,
        fetch_max_wait_ms: int = 500,
    ) -> None:
        self.settings = settings
        self.fetch_max_wait_ms = fetch_max_wait_ms
        """How long the broker holds the follower's fetch when nothing new has come."""
        self.topic = topic
        self.partitions = partitions
        self.aliases: dict[str, str] = {}
        """The entries in force, updated in place (a tombstone removes one)."""
        self.ready = asyncio.Event()
        self._consumer: AIOKafkaConsumer | None = None
        self._offsets: AIOKafkaConsumer | None = None
        """Asks the end offsets for `sync`; never fetches, so never waits behind a fetch."""
        self._positions: dict[TopicPartition, int] = {}
        self._progress = asyncio.Condition()

    def _security(self) -> dict[str, Any]:
        """The worker's principal and TLS, from the one place that builds client settings."""
        return client_options(self.settings)

    def apply(self, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        if value is None:
            self.aliases.pop(key.decode(), None)  # a tombstone: the person was erased
        else:
            self.aliases[key.decode()] = value.decode()

    def _client(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            bootstrap_servers=self.settings.bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=self.fetch_max_wait_ms,
            **self._security(),
        )

    async def run(self) -> None:
        consumer, offsets = self._client(), self._client()
        await consumer.start()
        await offsets.start()
        try:
            partitions = [TopicPartition(self.topic, p) for p in range(self.partitions)]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            self._consumer, self._offsets = consumer, offsets
            while True:
                if not self.ready.is_set() and await self._caught_up(consumer, ends):
                    self.ready.set()
                batches = await consumer.getmany(timeout_ms=500)
                for messages in batches.values():
                    for message in messages:
                        self.apply(message.key, message.value)
                positions = {tp: await consumer.position(tp) for tp in partitions}
                async with self._progress:
                    self._positions = positions
                    self._progress.notify_all()
        finally:
            self._consumer = self._offsets = None
            await offsets.stop()
            await consumer.stop()

    async def sync(self) -> None:
        """Wait until everything on the topic before this call has been read: an entry whose
        delivery another worker awaited before it published what depends on it is then here."""
        await self.ready.wait()
        offsets = self._offsets
        if offsets is None:
            return
        ends = await offsets.end_offsets(
            [TopicPartition(self.topic, p) for p in range(self.partitions)]
        )
        async with self._progress:
            await self._progress.wait_for(
                lambda: all(self._positions.get(tp, 0) >= end for tp, end in ends.items())
            )

    @staticmethod
    async def _caught_up(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
        for tp, end in ends.items():
            if await consumer.position(tp) < end:
                return False
        return True


def read_aliases(bootstrap: str, topic: str, **security: Any) -> dict[str, str]:
    """Every alias in force: the compacted topic read to its end (for the commands)."""
    from kafka import KafkaConsumer  # noqa: PLC0415 - the commands' synchronous client
    from kafka import TopicPartition as Partition  # noqa: PLC0415

    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, **security
    )
    aliases: dict[str, str] = {}
    try:
        partitions = [
            Partition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])
        ]
        if not partitions:
            return aliases
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=1000).values():
                for message in batch:
                    if message.key is None:
                        continue
                    if message.value is None:
                        aliases.pop(message.key.decode(), None)
                    else:
                        aliases[message.key.decode()] = message.value.decode()
        return aliases
    finally:
        consumer.close()
