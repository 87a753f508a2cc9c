"""The gate's copy of the pseudonym aliases: `referral.pseudonyms` read whole, then followed.

Every referral worker reads all partitions of the compacted topic (no consumer group), so each
gate knows every alias whatever partitions it is assigned. The gate waits until the topic has
been read to the end it had at start-up before it admits anything: aliases published while the
referral service was stopped (the rotation procedure) are in force from its first message.
"""

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from services.platform.kafka_security import client_options
from services.platform.settings import Settings
from services.platform.topics import PSEUDONYM_PARTITIONS


class AliasFollower:
    def __init__(self, settings: Settings, topic: str) -> None:
        self.settings = settings
        self.topic = topic
        self.aliases: dict[str, str] = {}
        self.ready = asyncio.Event()

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

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **self._security(),
        )
        await consumer.start()
        try:
            partitions = [TopicPartition(self.topic, p) for p in range(PSEUDONYM_PARTITIONS)]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            while True:
                if not self.ready.is_set() and await self._caught_up(consumer, ends):
                    self.ready.set()
                batches = await consumer.getmany(timeout_ms=500)
                for messages in batches.values():
                    for message in messages:
                        self.apply(message.key, message.value)
        finally:
            await consumer.stop()

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
