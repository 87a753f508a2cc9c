"""Publish an organisation's events: validate, encode (Avro single-object), send idempotently."""

from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from services.core.events import InboundEvent
from services.core.receipts import Receipt
from services.platform.codec import Catalogue
from services.platform.topics import TopicNames
from services.sdk.receipts import ReceiptReader


class PublishError(RuntimeError):
    """An event was not accepted by the broker, or belongs to another organisation."""


class Publisher:
    """Sends events to `inbound.<org>` keyed by `event_id`, with retries and idempotence."""

    def __init__(
        self,
        org: str,
        bootstrap: str,
        *,
        namespace: str = "",
        catalogue: Catalogue | None = None,
        **security: Any,
    ) -> None:
        self.org = org
        self.bootstrap = bootstrap
        self.namespace = namespace
        self.security = security
        self.topic = TopicNames(namespace).inbound(org)
        self.catalogue = catalogue or Catalogue()
        self._receipts: ReceiptReader | None = None
        self._producer = KafkaProducer(
            bootstrap_servers=bootstrap,
            client_id=f"jatkumo-sdk-{org}",
            acks="all",
            enable_idempotence=True,
            retries=10,
            linger_ms=5,
            **security,
        )

    def publish(
        self,
        event: InboundEvent,
        *,
        wait: bool = False,
        wait_for_receipt: bool = False,
        receipt_timeout: float = 30.0,
    ) -> Receipt | None:
        """Encode and send one event; `wait` blocks until the broker confirms it.

        With `wait_for_receipt` it blocks until Jatkumo's final receipt for the event
        (`accepted`, or `rejected` with its reason code) and returns it; `ReceiptTimeout`
        when none arrives within `receipt_timeout` seconds.
        """
        if event.source_org != self.org:
            raise PublishError(f"event source_org {event.source_org!r} is not {self.org!r}")
        reader = self._receipt_reader() if wait_for_receipt else None
        self.publish_raw(self.catalogue.encode(event), key=event.event_id.encode(),
                         wait=wait or wait_for_receipt)
        return None if reader is None else reader.wait_for(event.event_id, receipt_timeout)

    def _receipt_reader(self) -> ReceiptReader:
        """One reader per publisher, made before its first send (it starts at the end)."""
        if self._receipts is None:
            self._receipts = ReceiptReader(self.org, self.bootstrap, namespace=self.namespace,
                                           catalogue=self.catalogue, **self.security)
        return self._receipts

    def publish_raw(self, data: bytes, *, key: bytes | None = None, wait: bool = False) -> None:
        """Send bytes as they are (for tests of what the service does with bad input)."""
        try:
            future = self._producer.send(self.topic, key=key, value=data)
            if wait:
                future.get(timeout=30)
        except KafkaError as error:
            raise PublishError(f"sending to {self.topic} failed: {error}") from error

    def flush(self, timeout: float = 30.0) -> None:
        self._producer.flush(timeout=timeout)

    def close(self) -> None:
        self._producer.flush(timeout=30)
        self._producer.close(timeout=10)
        if self._receipts is not None:
            self._receipts.close()

    def __enter__(self) -> "Publisher":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
