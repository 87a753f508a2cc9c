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


def producer_for(bootstrap: str, client_id: str, **security: Any) -> KafkaProducer:
    """The producer a publisher sends with: all in-sync replicas, idempotent, retried for two
    minutes, 5 ms linger."""
    return KafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        delivery_timeout_ms=120_000,
        linger_ms=5,
        **security,
    )


class Publisher:
    """Sends events to `inbound.<org>` keyed by `event_id`, with retries and idempotence.

    Every send waits for all in-sync replicas (`acks=all`) and is retried until the delivery
    timeout (two minutes), so a broker that fails while a cluster elects new leaders loses
    nothing; a send that still fails makes the next `flush` (or `close`) raise `PublishError`.
    """

    def __init__(
        self,
        org: str,
        bootstrap: str,
        *,
        namespace: str = "",
        catalogue: Catalogue | None = None,
        producer: KafkaProducer | None = None,
        **security: Any,
    ) -> None:
        """`producer`: one shared with other publishers (made with `producer_for`), which the
        caller closes; by default the publisher makes and closes its own."""
        self.org = org
        self.bootstrap = bootstrap
        self.namespace = namespace
        self.security = security
        self.topic = TopicNames(namespace).inbound(org)
        self.catalogue = catalogue or Catalogue()
        self._failed: list[Exception] = []
        self._receipts: ReceiptReader | None = None
        self._owns_producer = producer is None
        self._producer = producer or producer_for(bootstrap, f"jatkumo-sdk-{org}", **security)

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
        self.publish_raw(
            self.catalogue.encode(event), key=event.event_id.encode(), wait=wait or wait_for_receipt
        )
        return None if reader is None else reader.wait_for(event.event_id, receipt_timeout)

    def connect(self) -> None:
        """Fetch the topic's partitions now, so that the first `publish` does not wait for
        them (raises `PublishError` when the topic is unknown)."""
        try:
            if not self._producer.partitions_for(self.topic):
                raise PublishError(f"topic {self.topic} has no partitions")
        except KafkaError as error:
            raise PublishError(f"no metadata for {self.topic}: {error}") from error

    def _receipt_reader(self) -> ReceiptReader:
        """One reader per publisher, made before its first send (it starts at the end)."""
        if self._receipts is None:
            self._receipts = ReceiptReader(
                self.org,
                self.bootstrap,
                namespace=self.namespace,
                catalogue=self.catalogue,
                **self.security,
            )
        return self._receipts

    def publish_raw(self, data: bytes, *, key: bytes | None = None, wait: bool = False) -> None:
        """Send bytes as they are (for tests of what the service does with bad input)."""
        try:
            future = self._producer.send(self.topic, key=key, value=data)
            if wait:
                future.get(timeout=130)
            else:  # reported by the next flush
                future.add_errback(self._failed.append)
        except KafkaError as error:
            raise PublishError(f"sending to {self.topic} failed: {error}") from error

    def flush(self, timeout: float = 130.0) -> None:
        """Wait until the broker has every event sent so far; raise if any was refused."""
        self._producer.flush(timeout=timeout)
        self._raise_failures()

    def _raise_failures(self) -> None:
        if self._failed:
            failed, self._failed = self._failed, []
            raise PublishError(
                f"{len(failed)} events to {self.topic} were not accepted: {failed[0]}"
            ) from failed[0]

    def close(self) -> None:
        try:
            self._producer.flush(timeout=130)
        finally:
            if self._owns_producer:
                self._producer.close(timeout=10)
            if self._receipts is not None:
                self._receipts.close()
        self._raise_failures()

    def __enter__(self) -> "Publisher":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
