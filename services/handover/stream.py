"""The handover shell: case facts in, tasks and disclosure records out.

The decision (which tasks, which fields) is `services.handover.decide`; this agent decodes the
fact, opens the sealed personal details in memory, and publishes each disclosure record before
the task it records. In event time a fact is decided at its own instant (`Clock.judge`), never
at the newest instant the worker has read for someone else. On `erasures` it forgets which
tasks it issued for the person.
"""

import asyncio
from typing import Any

import faust

from services.core.facts import CaseFact
from services.handover.decide import decide
from services.handover.settings import HandoverSettings
from services.handover.state import HandoverState
from services.platform.batching import Batch, decide_in_batches
from services.platform.config_files import sharing_rules
from services.platform.faust_app import table_options
from services.platform.metrics import MESSAGES, TASKS_REFUSED
from services.platform.privacy import open_personal
from services.platform.runtime import make_runtime, publish_issued
from services.platform.settings import Settings
from services.platform.state_codec import pack, unpacker

SERVICE = "handover"
READ_STATE = unpacker(HandoverState)
ACCEPTED = MESSAGES.labels(SERVICE, "accepted")


def build_app(settings: Settings, worker_id: str = "0") -> faust.App:
    rt = make_runtime(SERVICE, settings, worker_id)
    rules = sharing_rules(settings.sharing_rules)
    decide_settings = HandoverSettings()
    issued_table = rt.app.Table(
        "handover-issued",
        default=None,
        partitions=settings.internal_partitions,
        key_type=bytes,
        value_type=bytes,
        options=table_options(rt.settings),
    )

    async def on_fact(event: Any, batch: Batch) -> None:
        key = event.message.key
        fact = rt.catalogue.decode_as(event.message.value, CaseFact)
        rt.clock.observe(fact.occurred_at)  # for the time stamps of dead letters only
        state = batch.read(event, issued_table, key, READ_STATE)
        await rt.keys_to_open(fact.case)
        now = rt.clock.judge(None, fact.occurred_at)  # the fact's own time, not the newest read
        outcome = decide(
            state, fact, open_personal(fact.case, rt.sealer), rules, decide_settings, now
        )
        for issued in outcome.issued:
            batch.extend(await publish_issued(rt, key, issued))
        for refusal in outcome.refused:
            TASKS_REFUSED.labels(refusal.task_kind.value, refusal.reason_code).inc()
        if outcome.state is not state:  # new or changed; written after its tasks (see Batch)
            batch.write(event, issued_table, key, pack(outcome.state), outcome.state)
        ACCEPTED.inc()

    one_at_a_time = asyncio.Lock()

    async def on_facts(stream: Any) -> None:
        await decide_in_batches(rt, stream, on_fact, stage=SERVICE, lock=one_at_a_time)

    async def on_erasures(stream: Any) -> None:
        """Forget the person: a tombstone on the changelog (between batches, never inside)."""
        async for event in stream.events():
            async with one_at_a_time:
                rt.forget(event.message.key, event.message.value, issued_table)

    rt.app.agent(rt.topic(rt.names.case_facts), name="handover-facts")(on_facts)
    rt.app.agent(rt.topic(rt.names.erasures), name="handover-erasures")(on_erasures)
    rt.follow_person_keys()
    return rt.app
