"""What every service shell shares: the app, codec, topic names, clock, dead-lettering."""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import faust
from pydantic import BaseModel

from services.core.case import CaseState
from services.core.organisations import Registry, default_registry
from services.core.policy import IssuedTask
from services.core.records import Erasure
from services.platform.alias_follower import AliasFollower
from services.platform.clock import Clock
from services.platform.codec import Catalogue
from services.platform.dlq import dead_letter
from services.platform.faust_app import make_app
from services.platform.keyring import KeyRing
from services.platform.logging import get_logger
from services.platform.metrics import DEAD_LETTERS, EVENTS_OUT, MESSAGES, TASKS
from services.platform.person_keys import person_of
from services.platform.privacy import tokens_of
from services.platform.sealing import Sealer
from services.platform.settings import Settings
from services.platform.topics import PERSON_KEY_PARTITIONS, TopicNames
from services.platform.worker_http import attach


@dataclass
class Runtime:
    service: str
    settings: Settings
    app: faust.App
    names: TopicNames
    catalogue: Catalogue
    clock: Clock
    sealer: Sealer
    registry: Registry
    log: Any
    dead_letter_ring: KeyRing
    person_keys: AliasFollower
    """The wrapped per-person data keys (`keys.persons`); the sealer opens with them."""
    _topics: dict[str, Any] = field(default_factory=dict)
    _out: dict[str, Callable[[asyncio.Future[Any]], None]] = field(default_factory=dict)

    def follow_person_keys(self) -> None:
        """Read `keys.persons` whole and follow it (the services that seal or open)."""
        self.app.task(self.person_keys.run)

    async def person_key(self, person_ref: str) -> str | None:
        """The person's wrapped data key; when not yet here, after reading the key topic to
        the end it has now (the registry publishes a key before what is sealed under it)."""
        keys = self.person_keys.aliases
        if person_ref not in keys:
            await self.person_keys.sync()
        return keys.get(person_ref)

    async def keys_to_open(self, case: CaseState) -> None:
        """Make sure the data keys a case's tokens name are here, or known to be gone."""
        for ref in {person_of(token) for token in tokens_of(case)}:
            if ref is not None:
                await self.person_key(ref)

    def forget(self, key: bytes, value: bytes, *tables: Any) -> Erasure:
        """Delete the person's entries from the service's tables (tombstones on their
        changelogs) on an erasure; the erasure, for what else the service forgets."""
        erasure = self.catalogue.decode_as(value, Erasure)
        for table in tables:
            if key in table:
                del table[key]
        self.log.info("person_forgotten", reason=erasure.reason.value)
        return erasure

    async def send_raw(self, topic: str, key: str, value: bytes | None) -> None:
        """Send bytes (or a tombstone) and wait until the broker has them."""
        await self.app.producer.send_and_wait(
            topic, key.encode(), value, partition=None, timestamp=None, headers=None
        )

    def topic(self, name: str) -> Any:
        """A cached faust topic of raw bytes (created on first use)."""
        if name not in self._topics:
            self._topics[name] = self.app.topic(name, key_type=bytes, value_type=bytes)
        return self._topics[name]

    async def send(self, topic: str, key: str | bytes | None, record: BaseModel) -> Awaitable[Any]:
        """Send a record; the returned awaitable completes once the broker has it."""
        data = self.catalogue.encode(record)
        raw_key = key.encode() if isinstance(key, str) else key
        return await self.send_bytes(topic, raw_key, data)

    async def send_bytes(self, topic: str, key: bytes | None, value: bytes) -> Awaitable[Any]:
        """Hand bytes to the app's (idempotent) producer; the returned future completes once
        the broker has them, and the message is counted out then.

        The same producer, partitioner and delivery as faust's `Topic.send`, without its
        per-message wrapping (a pending and a future message, sensor state, a callback chain),
        which cost several per cent of every worker's CPU."""
        producer = await self.app.maybe_start_producer()
        delivery: asyncio.Future[Any] = await producer.send(
            topic, key, value, partition=None, timestamp=None, headers=None
        )
        delivery.add_done_callback(self._counted(topic))
        return delivery

    def _counted(self, topic: str) -> Callable[[asyncio.Future[Any]], None]:
        """A callback counting a delivered message on `topic` (one per topic, made once)."""
        count = self._out.get(topic)
        if count is None:
            counter = EVENTS_OUT.labels(self.service, topic)

            def count(delivery: asyncio.Future[Any]) -> None:
                if not delivery.cancelled() and delivery.exception() is None:
                    counter.inc()

            self._out[topic] = count
        return count

    async def dead_letter(
        self, reason: str, detail: str, message: Any, stage: str | None = None
    ) -> Awaitable[Any]:
        """Dead-letter a consumed message: its original bytes, position and the reason."""
        return await self.dead_letter_at(
            reason,
            detail,
            stage=stage,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            value=bytes(message.value or b""),
            key=message.key,
        )

    async def dead_letter_at(
        self,
        reason: str,
        detail: str,
        *,
        stage: str | None,
        topic: str,
        partition: int,
        offset: int,
        value: bytes,
        key: bytes | None,
    ) -> Awaitable[Any]:
        """Send a dead letter to the DLQ and count it; the log names the position, no content.

        The original value and key travel only sealed; the letter is keyed by its own id."""
        letter = dead_letter(
            stage or self.service,
            reason,
            detail,
            topic=topic,
            partition=partition,
            offset=offset,
            original=value,
            original_key=key,
            at=self.clock.now(),
            ring=self.dead_letter_ring,
        )
        sent = await self.send(self.names.dlq, letter.dead_letter_id, letter)
        DEAD_LETTERS.labels(self.service, reason).inc()
        MESSAGES.labels(self.service, "dead_lettered").inc()
        self.log.warning(
            "dead_lettered", reason=reason, topic=topic, partition=partition, offset=offset
        )
        return sent


async def publish_issued(rt: Runtime, key: bytes, issued: IssuedTask) -> list[Awaitable[Any]]:
    """Record the disclosure first, then send the task to its recipient's topic only."""
    sent = [
        await rt.send(rt.names.disclosures, key, issued.disclosure),
        await rt.send(rt.names.tasks(issued.task.recipient_org), key, issued.task),
    ]
    TASKS.labels(issued.task.kind.value).inc()
    return sent


async def delivered(sent: Iterable[Awaitable[Any]]) -> None:
    """Wait until the broker has every message in `sent`.

    Delivery is at-least-once: a message is processed again when its worker dies before the
    offset commit. A shell therefore writes the table that remembers a decision only after the
    decision's outputs are delivered, so a redelivered message finds the old state and sends the
    same outputs (same ids) again, never a state that says "done" with its outputs lost.
    """
    for pending in sent:
        await pending


def make_runtime(service: str, settings: Settings, worker_id: str = "0") -> Runtime:
    app = make_app(service, settings, worker_id)
    attach(app, service, settings)  # traffic counts; the probes when a port is set
    names = TopicNames(settings.namespace)
    person_keys = AliasFollower(settings, names.person_keys, PERSON_KEY_PARTITIONS)
    return Runtime(
        service=service,
        settings=settings,
        app=app,
        names=names,
        catalogue=Catalogue(),
        clock=Clock(settings.clock),
        sealer=Sealer(settings.sealing_ring, person_keys=person_keys.aliases),
        registry=default_registry(),
        log=get_logger(f"jatkumo.{service}"),
        dead_letter_ring=settings.dead_letter_ring,
        person_keys=person_keys,
    )
