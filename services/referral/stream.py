"""The referral shell: decode, gate, seal and re-key inbound events; keep the case registry.

Two agents: `gate` reads every `inbound.<org>` topic and forwards admitted, sealed events to
`referral.intake` keyed by `person_ref`; `registry` seals each event's sealed fields again under
the person's own data key (created and published to `keys.persons` when first needed), applies
the event to the person's entry in a table co-partitioned with that topic and publishes case
facts. A third agent forgets a person on `erasures`: their entries, data key and aliases.
Every refusal goes to the DLQ, and every inbound message's sender gets its receipts on
`receipts.<org>` (see `services.core.receipts`): the gate sends the refusals it decides, the
registry the rest.

In event time the registry decides each event at the event's own instant (`Clock.judge`), not
at the newest instant the gate has read on some other topic. Held events are expired by ticks
sent when the watermark passes their deadline; in event time the watermark moves only with
broadcast ticks (person_ref "*") on `referral.ticks`, which say that everything before their
instant has been taken in, never with what the gate reads (a gate read ahead of the registry
would expire an event whose releasing event was still on its way).
"""

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from typing import Any

import faust

from services.core.envelopes import Intake, Origin, Tick
from services.core.events import InboundEvent
from services.core.receipts import ReceiptOutcome, make_receipt, receipt_key
from services.platform.alias_follower import AliasFollower
from services.platform.batching import Batch, decide_in_batches
from services.platform.clock import Clock
from services.platform.codec import DecodeError
from services.platform.faust_app import table_options
from services.platform.metrics import DECISION_SECONDS, MESSAGES
from services.platform.person_keys import new_data_key, person_of, wrap
from services.platform.privacy import seal_event
from services.platform.runtime import Runtime, make_runtime
from services.platform.settings import Settings
from services.platform.state_codec import pack, unpacker
from services.referral.audit import audit_records
from services.referral.decide import (
    Outcome,
    PersonState,
    ReferralSettings,
    Rejection,
    apply,
    expire_held,
    gate,
    held_until,
)
from services.referral.pseudonyms import stable_ref
from services.referral.state import EVENT_TYPES, Notice, RejectedEvent

SERVICE = "referral"
BROADCAST = "*"
READ_PERSON = unpacker(PersonState)
GATE_SECONDS = DECISION_SECONDS.labels("referral.gate")
RECEIVED = MESSAGES.labels(SERVICE, "received")
ACCEPTED = MESSAGES.labels(SERVICE, "accepted")
DUPLICATE = MESSAGES.labels(SERVICE, "duplicate")
HELD = MESSAGES.labels(SERVICE, "held")


def build_app(settings: Settings, worker_id: str = "0") -> faust.App:
    runtime = make_runtime(SERVICE, settings, worker_id)
    shell = ReferralShell(runtime, ReferralSettings(registry=runtime.registry))
    shell.wire()
    return runtime.app


class ReferralShell:
    def __init__(self, runtime: Runtime, decide_settings: ReferralSettings) -> None:
        self.rt = runtime
        self.decide_settings = decide_settings
        partitions = runtime.settings.internal_partitions
        self.persons = runtime.app.Table(
            "referral-persons",
            default=None,
            partitions=partitions,
            key_type=bytes,
            value_type=bytes,
            options=table_options(runtime.settings),
        )
        self.held_due = runtime.app.Table(
            "referral-held-due",
            default=None,
            partitions=partitions,
            key_type=bytes,
            value_type=bytes,
            options=table_options(runtime.settings),
        )
        self.aliases = AliasFollower(runtime.settings, runtime.names.pseudonyms)
        self._ticked: dict[bytes, bytes] = {}
        self._watermark = Clock(runtime.settings.clock)
        """When held events may be expired: the wall clock, or in event time the broadcast
        ticks (the worker's own clock follows the gate, for time stamps)."""
        self._one_at_a_time = asyncio.Lock()
        """Intake and ticks of one person arrive in two agents that each read the person's
        entry, wait for delivery and then write it: a batch at a time, or a decision is lost."""

    def wire(self) -> None:
        rt = self.rt
        inbound = rt.app.topic(
            *[rt.names.inbound(org) for org in rt.registry.codes()],
            key_type=bytes,
            value_type=bytes,
        )
        rt.app.agent(inbound, name="referral-gate")(self._gate_agent)
        rt.app.agent(rt.topic(rt.names.intake), name="referral-registry")(self._registry_agent)
        rt.app.agent(rt.topic(rt.names.referral_ticks), name="referral-ticks")(self._tick_agent)
        rt.app.agent(rt.topic(rt.names.erasures), name="referral-erasures")(self._erasure_agent)
        rt.app.timer(rt.settings.tick_interval_seconds)(self._send_due_ticks)
        rt.app.task(self.aliases.run)
        rt.follow_person_keys()

    async def _gate_agent(self, stream: Any) -> None:
        async for event in stream.events():
            try:
                with GATE_SECONDS.time():
                    await self._gate_one(event.message)
            except Exception as error:
                self.rt.log.exception("gate_failed", error=type(error).__name__)
                await self._refuse(event.message, None, "internal_error", type(error).__name__)

    async def _refuse(self, message: Any, event_id: str | None, reason: str, detail: str) -> None:
        """Dead-letter a message the gate refuses and tell its sender why."""
        await self.rt.dead_letter(reason, detail, message, stage="referral.gate")
        await self._receipt(
            self.rt.names.org_of(message.topic) or "",
            event_id,
            message.topic,
            message.partition,
            message.offset,
            ReceiptOutcome.REJECTED,
            reason,
            detail,
        )

    async def _receipt(  # noqa: PLR0917 - the fields of a receipt
        self,
        org: str,
        event_id: str | None,
        topic: str,
        partition: int,
        offset: int,
        outcome: ReceiptOutcome,
        reason_code: str | None = None,
        reason: str | None = None,
    ) -> list[Awaitable[Any]]:
        """Send a receipt to `receipts.<org>`; nothing for an organisation not in the registry
        (it has no receipts topic)."""
        rt = self.rt
        if rt.registry.get(org) is None:
            return []
        receipt = make_receipt(
            org, event_id, topic, partition, offset, outcome, rt.clock.now(), reason_code, reason
        )
        key = receipt_key(event_id, topic, partition, offset)
        return [await rt.send(rt.names.receipts(org), key, receipt)]

    async def _notify(self, notice: Notice) -> list[Awaitable[Any]]:
        origin = notice.origin
        return await self._receipt(
            notice.source_org,
            notice.event_id,
            origin.topic,
            origin.partition,
            origin.offset,
            notice.outcome,
            notice.reason_code,
            notice.detail,
        )

    async def _gate_one(self, message: Any) -> None:
        rt = self.rt
        RECEIVED.inc()
        try:
            record = rt.catalogue.decode(message.value)
        except DecodeError as error:
            await self._refuse(message, None, error.reason, error.detail)
            return
        if not isinstance(record, InboundEvent):
            await self._refuse(message, None, "not_an_inbound_event", type(record).__name__)
            return
        topic_org = rt.names.org_of(message.topic) or ""
        verdict = gate(
            record,
            topic_org,
            rt.registry,
            rt.settings.person_ref_key,
            rt.clock.now() if rt.clock.started() else None,
        )
        if isinstance(verdict, Rejection):
            await self._refuse(message, record.event_id, verdict.reason_code, verdict.detail)
            return
        await self.aliases.ready.wait()
        person_ref = stable_ref(
            verdict.person_ref, rt.settings.person_ref_key_id, self.aliases.aliases
        )
        verdict = verdict.model_copy(update={"person_ref": person_ref})
        rt.clock.observe(record.occurred_at)
        sanitised, sealed = seal_event(record, verdict.person_ref, rt.sealer)
        intake = Intake(
            person_ref=verdict.person_ref,
            event_type=type(record).__name__,
            event=rt.catalogue.encode(sanitised),
            sealed=sealed,
            origin=Origin(topic=message.topic, partition=message.partition, offset=message.offset),
            received_at=rt.clock.now(),
            identity_temporary=verdict.identity_temporary,
        )
        await rt.send(rt.names.intake, verdict.person_ref, intake)

    async def _registry_agent(self, stream: Any) -> None:
        await decide_in_batches(
            self.rt, stream, self._on_intake, stage="referral.registry", lock=self._one_at_a_time
        )

    async def _tick_agent(self, stream: Any) -> None:
        await decide_in_batches(
            self.rt, stream, self._on_tick, stage="referral.ticks", lock=self._one_at_a_time
        )

    async def _on_intake(self, event: Any, batch: Batch) -> None:
        key = event.message.key
        intake = self.rt.catalogue.decode_as(event.message.value, Intake)
        inner = self.rt.catalogue.decode_as(intake.event, InboundEvent)
        try:
            sealed = await self._seal_for_person(intake.person_ref, intake.sealed)
            now = self.rt.clock.judge(None, inner.occurred_at)  # the event's own time
            outcome = apply(
                self._load(event, batch, key),
                inner,
                sealed,
                intake.origin,
                self.decide_settings,
                now,
                identity_temporary=intake.identity_temporary,
            )
        except Exception as error:
            origin = intake.origin  # the caller dead-letters the intake; tell the sender too
            batch.extend(
                await self._receipt(
                    inner.source_org,
                    inner.event_id,
                    origin.topic,
                    origin.partition,
                    origin.offset,
                    ReceiptOutcome.REJECTED,
                    "internal_error",
                    type(error).__name__,
                )
            )
            raise
        await self._publish(event, batch, key, outcome)

    async def _seal_for_person(self, person_ref: str, token: str | None) -> str | None:
        """The gate's token sealed again under the person's data key; a new person's key is
        created and delivered to `keys.persons` before anything sealed under it leaves."""
        if token is None or person_of(token) is not None:
            return token
        rt = self.rt
        wrapped = await rt.person_key(person_ref)
        if wrapped is None:
            wrapped = wrap(new_data_key(), rt.sealer.ring)
            await rt.send_raw(rt.names.person_keys, person_ref, wrapped.encode("ascii"))
            rt.person_keys.aliases[person_ref] = wrapped
        return rt.sealer.reseal_for(person_ref, wrapped, token)

    async def _erasure_agent(self, stream: Any) -> None:
        async for event in stream.events():
            async with self._one_at_a_time:
                await self._forget(event.message.key, event.message.value)

    async def _forget(self, key: bytes, value: bytes) -> None:
        """Delete the person's entries (changelog tombstones), their data key and aliases."""
        rt = self.rt
        erasure = rt.forget(key, value, self.persons, self.held_due)
        self._ticked.pop(key, None)
        await rt.send_raw(rt.names.person_keys, erasure.person_ref, None)
        rt.person_keys.aliases.pop(erasure.person_ref, None)
        for alias, ref in list(self.aliases.aliases.items()):
            if ref == erasure.person_ref:
                await rt.send_raw(rt.names.pseudonyms, alias, None)

    async def _on_tick(self, event: Any, batch: Batch) -> None:
        key = event.message.key
        tick = self.rt.catalogue.decode_as(event.message.value, Tick)
        if tick.person_ref == BROADCAST:
            self._watermark.observe(tick.now)
            await batch.flush()  # the held index must include what this batch decided
            await self._send_due_ticks()
            return
        state = self._load(event, batch, key)
        if state is not None:
            await self._publish(
                event, batch, key, expire_held(state, self.decide_settings, tick.now)
            )

    def _load(self, event: Any, batch: Batch, key: bytes) -> PersonState | None:
        return batch.read(event, self.persons, key, READ_PERSON)

    async def _publish(self, event: Any, batch: Batch, key: bytes, outcome: Outcome) -> None:
        """Queue the facts and refusals, then the state that remembers them (see Batch)."""
        rt = self.rt
        batch.extend([await rt.send(rt.names.case_facts, key, fact) for fact in outcome.facts])
        batch.extend(
            [await rt.send(rt.names.audit_actions, key, r) for r in audit_records(outcome.facts)]
        )
        batch.extend([await self._dead_letter_rejected(key, r) for r in outcome.rejections])
        for notice in outcome.notices:
            batch.extend(await self._notify(notice))
        batch.write(event, self.persons, key, pack(outcome.state), outcome.state)
        self._index_held(event, batch, key, outcome.state)
        if outcome.accepted:
            (DUPLICATE if outcome.duplicate else ACCEPTED).inc()
        if outcome.held:
            HELD.inc(outcome.held)

    def _index_held(self, event: Any, batch: Batch, key: bytes, state: PersonState) -> None:
        until = held_until(state, self.decide_settings)
        deadline = None if until is None else until.isoformat().encode()
        if batch.raw(event, self.held_due, key) != deadline:
            batch.write(event, self.held_due, key, deadline)
        if self._ticked.get(key, deadline) != deadline:
            del self._ticked[key]  # that deadline is settled; remember only pending ticks

    async def _dead_letter_rejected(self, key: bytes, rejected: RejectedEvent) -> Awaitable[Any]:
        event = EVENT_TYPES[rejected.event_type].model_validate(rejected.event)
        origin = rejected.origin
        return await self.rt.dead_letter_at(
            rejected.reason_code,
            rejected.detail,
            stage="referral.registry",
            topic=origin.topic,
            partition=origin.partition,
            offset=origin.offset,
            value=self.rt.catalogue.encode(event),
            key=key,
        )

    async def _send_due_ticks(self) -> None:
        """Ask the registry to expire held events whose wait is over (ticks, not table writes)."""
        rt = self.rt
        if not self._watermark.started():
            return
        now = self._watermark.now()
        for key, deadline in list(self.held_due.items()):
            if (
                deadline
                and datetime.fromisoformat(deadline.decode()) <= now
                and self._ticked.get(key) != deadline
            ):
                self._ticked[key] = deadline
                await rt.send(rt.names.referral_ticks, key, Tick(person_ref=key.decode(), now=now))
