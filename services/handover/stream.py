"""The handover shell: case facts in, tasks and disclosure records out.

The decision (which tasks, which fields) is `services.handover.decide`; this agent decodes the
fact, opens the sealed personal details in memory, and publishes each disclosure record before
the task it records.
"""

from typing import Any

import faust

from services.core.facts import CaseFact
from services.handover.decide import decide
from services.handover.settings import HandoverSettings
from services.handover.state import HandoverState
from services.platform.config_files import sharing_rules
from services.platform.metrics import MESSAGES
from services.platform.privacy import open_personal
from services.platform.runtime import delivered, make_runtime, publish_issued
from services.platform.settings import Settings

SERVICE = "handover"


def build_app(settings: Settings, worker_id: str = "0") -> faust.App:
    rt = make_runtime(SERVICE, settings, worker_id)
    rules = sharing_rules(settings.sharing_rules)
    decide_settings = HandoverSettings()
    issued_table = rt.app.Table(
        "handover-issued", default=None, partitions=settings.internal_partitions,
        key_type=bytes, value_type=bytes,
    )

    async def on_facts(stream: Any) -> None:
        async for event in stream.events():
            message = event.message
            try:
                fact = rt.catalogue.decode_as(message.value, CaseFact)
                rt.clock.observe(fact.occurred_at)
                raw = issued_table.get(message.key)
                state = HandoverState.model_validate_json(raw) if raw else None
                outcome = decide(state, fact, open_personal(fact.case, rt.sealer), rules,
                                 decide_settings, rt.clock.now())
                sent = [m for i in outcome.issued for m in await publish_issued(rt, message.key, i)]
                await delivered(sent)  # outputs before the state that remembers them
                if outcome.issued or state is None:
                    issued_table[message.key] = outcome.state.model_dump_json().encode()
                MESSAGES.labels(SERVICE, "accepted").inc()
            except Exception as error:
                rt.log.exception("handover_failed", error=type(error).__name__)
                await rt.dead_letter("internal_error", type(error).__name__, message)

    rt.app.agent(rt.topic(rt.names.case_facts), name="handover-facts")(on_facts)
    return rt.app
