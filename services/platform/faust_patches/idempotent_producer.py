"""Turn on the Kafka producer's idempotence outside transactions.

Upstream (faust-streaming 0.15.3, `faust.transport.drivers.aiokafka.Producer._settings_extra`):
`acks=all` and `enable_idempotence=True` are passed to aiokafka only when the app runs in
transactions (`processing_guarantee="exactly_once"`); otherwise the producer is built without
them. Without idempotence a batch that the broker wrote but whose answer was lost (a broker
failing over, a timed-out request) is sent again and written twice. With it, the broker keeps
the producer id and sequence of each partition and drops the repeat.

The patch is a subclass, not a replacement: `App` (below) builds its producer from
`IdempotentProducer`; faust's own classes are left as they are.
"""

from collections.abc import Mapping
from typing import Any

import faust
from faust.transport.drivers import aiokafka as aiokafka_driver

from services.platform.faust_patches import enabled

_original_settings_extra = aiokafka_driver.Producer._settings_extra
_original_new_producer = faust.App._new_producer


class IdempotentProducer(aiokafka_driver.Producer):
    """faust's aiokafka producer with idempotence on and `acks=all`."""

    def _settings_extra(self) -> Mapping[str, Any]:
        return {**super()._settings_extra(), "acks": "all", "enable_idempotence": True}


class App(faust.App):
    """A faust app whose producer is idempotent and waits for every in-sync replica (unless
    the patch is switched off, for the test that shows it is needed)."""

    def _new_producer(self) -> Any:
        if not enabled("idempotent_producer"):
            return super()._new_producer()
        return IdempotentProducer(self.transport, loop=self.loop, beacon=self.beacon)
