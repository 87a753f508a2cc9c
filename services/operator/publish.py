"""The operator view's sender: operators' actions to `inbound.operators`, as `org-operators`.

The view reads as `svc-operator` and sends as the operators' own principal, which may write
nothing but `inbound.operators`; the gate then accepts from it only the operators' events.
"""

from typing import Any

from aiokafka import AIOKafkaProducer

from services.core.events import InboundEvent
from services.core.organisations import OPERATORS
from services.platform.acls import org_username
from services.platform.codec import Catalogue
from services.platform.kafka_security import KafkaSecurity
from services.platform.settings import Settings
from services.platform.topics import TopicNames


def sender_options(settings: Settings) -> dict[str, Any] | None:
    """Client options as `org-operators`; None when SASL is on and its password is not set
    (then the view offers no actions)."""
    security = KafkaSecurity.from_settings(settings)
    if not settings.sasl_username:
        return security.options()
    if not settings.operators_sasl_password:
        return None
    return security.as_user(org_username(OPERATORS), settings.operators_sasl_password).options()


class OperatorSender:
    """Sends each confirmed action once the broker has it (`acks=all`)."""

    def __init__(self, settings: Settings, catalogue: Catalogue | None = None) -> None:
        self.settings = settings
        self.topic = TopicNames(settings.namespace).inbound(OPERATORS)
        self.catalogue = catalogue or Catalogue()
        self.options = sender_options(settings)
        self._producer: AIOKafkaProducer | None = None

    @property
    def enabled(self) -> bool:
        return self.options is not None

    async def send(self, event: InboundEvent) -> None:
        if self.options is None:
            raise RuntimeError("the operators' sender has no credentials")
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.settings.bootstrap_servers,
                client_id="jatkumo-operator-actions",
                acks="all",
                enable_idempotence=True,
                **self.options,
            )
            await producer.start()
            self._producer = producer
        await self._producer.send_and_wait(
            self.topic, self.catalogue.encode(event), key=event.event_id.encode()
        )

    async def close(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
