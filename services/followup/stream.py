"""The followup shell: time. Case facts and ticks in; alerts and time-triggered tasks out.

Timers never write tables: a timer looks at the due index and sends a `Tick` keyed by the
person to `followup.ticks`, and that topic's agent does the work, so table writes always happen
inside stream iteration on the key's own partition. A tick with `person_ref` "*" moves the event
clock forward and at once sends the ticks that fell due (replays and tests advance time this
way, without sleeping).

A closed case stays until `JATKUMO_CLOSED_CASE_RETENTION_DAYS` after its closing: the due index
wakes the person then, and the tick publishes an `Erasure` (reason `retention`) on `erasures`,
on which every service, this one included, forgets the person.

Event time is per person (`Clock.judge`, `decide.advance`): a fact is judged at the later of its
own instant and the person's time kept in their state, and a person's tick at the later of the
tick's instant and that time. A case fact never moves the worker's clock: that clock is only
the watermark of the broadcast ticks, which say that everything before their instant has been
taken in, and it decides nothing but when to send a person their tick. So a partition read far
ahead of the others judges nobody else at its later time, and a publisher need not hold back
for the followup service's sake. The person's time travels with their state (a rebalance moves
it with the partition, a replay of the changelog restores it); the watermark lives in memory and
after a restart waits for the next broadcast, so a tick may come late, never early.
"""

import asyncio
from datetime import datetime, timedelta
from typing import Any

import faust

from services.core.drafts import addressed_to_person
from services.core.envelopes import Tick
from services.core.facts import CaseFact
from services.core.ids import stable_id
from services.core.policy import disclose
from services.core.records import Erasure, ErasureReason
from services.followup.decide import on_fact, on_tick, pass_time
from services.followup.levels import LevelsError, default_levels, load_levels
from services.followup.retention import next_wake, purge_due
from services.followup.state import FollowupOutcome, FollowupState
from services.platform.batching import Batch, decide_in_batches
from services.platform.config_files import config_file, sharing_rules
from services.platform.faust_app import table_options
from services.platform.metrics import MESSAGES
from services.platform.privacy import open_personal
from services.platform.runtime import Runtime, make_runtime, publish_issued
from services.platform.settings import Settings
from services.platform.state_codec import pack, unpacker

SERVICE = "followup"
BROADCAST = "*"
READ_STATE = unpacker(FollowupState)
ACCEPTED = MESSAGES.labels(SERVICE, "accepted")


def build_app(settings: Settings, worker_id: str = "0") -> faust.App:
    shell = FollowupShell(make_runtime(SERVICE, settings, worker_id))
    shell.wire()
    return shell.rt.app


class FollowupShell:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.rules = sharing_rules(runtime.settings.sharing_rules)
        self.levels = config_file(
            runtime.settings.service_levels,
            "service levels",
            default_levels,
            load_levels,
            LevelsError,
        )
        partitions = runtime.settings.internal_partitions
        self.states = runtime.app.Table(
            "followup-state",
            default=None,
            partitions=partitions,
            key_type=bytes,
            value_type=bytes,
            options=table_options(runtime.settings),
        )
        self.due = runtime.app.Table(
            "followup-due",
            default=None,
            partitions=partitions,
            key_type=bytes,
            value_type=bytes,
            options=table_options(runtime.settings),
        )
        self.retention = timedelta(days=runtime.settings.closed_case_retention_days)
        self._ticked: dict[bytes, bytes] = {}
        self._one_at_a_time = asyncio.Lock()
        """A person's facts and ticks arrive in two agents, and each reads the person's state,
        waits for its batch's outputs to be delivered and only then writes the state: without
        the lock the other agent could decide from the old state in between, and one of the
        two decisions would be lost."""

    def wire(self) -> None:
        rt = self.rt
        rt.app.agent(rt.topic(rt.names.case_facts), name="followup-facts")(self._facts_agent)
        rt.app.agent(rt.topic(rt.names.followup_ticks), name="followup-ticks")(self._tick_agent)
        rt.app.agent(rt.topic(rt.names.erasures), name="followup-erasures")(self._erasure_agent)
        rt.app.timer(rt.settings.tick_interval_seconds)(self._send_due_ticks)
        rt.follow_person_keys()

    async def _erasure_agent(self, stream: Any) -> None:
        async for event in stream.events():
            async with self._one_at_a_time:
                self._forget(event.message.key, event.message.value)

    def _forget(self, key: bytes, value: bytes) -> None:
        """Delete the person's state and due entry (changelog tombstones)."""
        self.rt.forget(key, value, self.states, self.due)
        self._ticked.pop(key, None)

    async def _facts_agent(self, stream: Any) -> None:
        await decide_in_batches(
            self.rt, stream, self._on_fact, stage="followup.facts", lock=self._one_at_a_time
        )

    async def _tick_agent(self, stream: Any) -> None:
        await decide_in_batches(
            self.rt, stream, self._on_tick, stage="followup.ticks", lock=self._one_at_a_time
        )

    async def _on_fact(self, event: Any, batch: Batch) -> None:
        key = event.message.key
        fact = self.rt.catalogue.decode_as(event.message.value, CaseFact)
        state = self._load(event, batch, key)
        now = self.rt.clock.judge(state.judged_at if state else None, fact.occurred_at)
        if state is not None:  # what fell due before the fact is decided on the case before it
            state = await self._send(batch, key, pass_time(state, self.levels, now))
        await self._publish(event, batch, key, on_fact(state, fact, self.levels, now))

    async def _on_tick(self, event: Any, batch: Batch) -> None:
        """A person's tick lets that person's time pass to the tick's instant; a broadcast
        moves the watermark and at once sends the ticks that became due, so in event time due
        work runs at the broadcast instant and not whenever the wall-clock timer happens to
        fire (replays stay deterministic)."""
        key = event.message.key
        tick = self.rt.catalogue.decode_as(event.message.value, Tick)
        if tick.person_ref == BROADCAST:
            self.rt.clock.observe(tick.now)
            await batch.flush()  # the due index must include what this batch decided
            await self._send_due_ticks()
            return
        state = self._load(event, batch, key)
        if state is not None:
            now = self.rt.clock.judge(state.judged_at, tick.now)
            if purge_due(state.case, now, self.retention):
                await self._purge(batch, state)
            else:
                await self._publish(event, batch, key, on_tick(state, self.levels, now))

    async def _purge(self, batch: Batch, state: FollowupState) -> None:
        """The closed case's retention is over: ask every service to forget the person.

        The erasure's id comes from the person and the closing, so a tick decided again after
        a crash asks the same erasure again, not a second one."""
        rt = self.rt
        closed_at = state.case.closed_at if state.case else None
        erasure = Erasure(
            erasure_id=stable_id(state.person_ref, ErasureReason.RETENTION.value, closed_at),
            person_ref=state.person_ref,
            reason=ErasureReason.RETENTION,
            requested_at=rt.clock.now(),
            requested_by="followup",
        )
        batch.extend([await rt.send(rt.names.erasures, state.person_ref, erasure)])

    def _load(self, event: Any, batch: Batch, key: bytes) -> FollowupState | None:
        return batch.read(event, self.states, key, READ_STATE)

    async def _publish(
        self, event: Any, batch: Batch, key: bytes, outcome: FollowupOutcome
    ) -> None:
        """Queue the alerts and tasks, then the state that remembers them (see Batch)."""
        state = await self._send(batch, key, outcome)
        batch.write(event, self.states, key, pack(state), state)
        wake = next_wake(outcome.state.next_due, outcome.state.case, self.retention)
        due = wake.isoformat().encode() if wake else None
        if due != batch.raw(event, self.due, key):
            batch.write(event, self.due, key, due)
        if self._ticked.get(key, due) != due:
            del self._ticked[key]  # that deadline is settled; remember only pending ticks
        ACCEPTED.inc()

    async def _send(self, batch: Batch, key: bytes, outcome: FollowupOutcome) -> FollowupState:
        """Queue the outcome's alerts and the tasks its drafts may be disclosed as (on the
        outcome's case); the outcome's state with the withheld drafts noted."""
        rt = self.rt
        batch.extend([await rt.send(rt.names.alerts, key, alert) for alert in outcome.alerts])
        case = outcome.state.case
        state = outcome.state
        if outcome.drafts and case is not None:
            await rt.keys_to_open(case)
            personal = open_personal(case, rt.sealer)
            withheld = []
            for draft in outcome.drafts:
                filled = addressed_to_person(draft, personal)
                issued = disclose(filled, case, self.rules, draft.created_at)
                if issued is None:
                    withheld.append(draft.trigger)
                else:
                    batch.extend(await publish_issued(rt, key, issued))
            if withheld:
                state = state.with_withheld(withheld)
        return state

    async def _send_due_ticks(self) -> None:
        """Tick every person whose next deadline the watermark has passed."""
        rt = self.rt
        if not rt.clock.started():
            return
        now = rt.clock.now()
        for key, due in list(self.due.items()):
            if due and datetime.fromisoformat(due.decode()) <= now and self._ticked.get(key) != due:
                self._ticked[key] = due
                await rt.send(rt.names.followup_ticks, key, Tick(person_ref=key.decode(), now=now))
