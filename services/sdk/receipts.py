"""Read an organisation's receipts: what became of each message it sent (`receipts.<org>`)."""

import time
from collections.abc import Iterator
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import TopicAuthorizationFailedError

from services.core.receipts import Receipt
from services.platform.codec import Catalogue, DecodeError
from services.platform.topics import TopicNames


class ReceiptTimeout(TimeoutError):
    """No final receipt for an event arrived in time."""


class ReceiptReader:
    """Reads every partition of `receipts.<org>`, without a consumer group.

    Made with `from_beginning=False` it starts at the topic's current end, so a reader made
    before a message is sent sees that message's receipts and nothing older.
    """

    def __init__(
        self,
        org: str,
        bootstrap: str,
        *,
        namespace: str = "",
        from_beginning: bool = False,
        catalogue: Catalogue | None = None,
        **security: Any,
    ) -> None:
        self.topic = TopicNames(namespace).receipts(org)
        self.catalogue = catalogue or Catalogue()
        self._read: dict[str, list[Receipt]] = {}
        """Every receipt read so far with an event id, by event id, in the order read."""
        self._consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            enable_auto_commit=False,
            client_id=f"jatkumo-sdk-receipts-{org}",
            **security,
        )
        partitions = self._consumer.partitions_for_topic(self.topic)
        if not partitions:
            self._consumer.close()
            raise TopicAuthorizationFailedError({self.topic})
        assigned = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self._consumer.assign(assigned)
        if from_beginning:
            self._consumer.seek_to_beginning(*assigned)
        else:
            self._consumer.seek_to_end(*assigned)
        for tp in assigned:
            self._consumer.position(tp)  # fix the start now, before anything is sent

    def receipts(self, timeout: float = 5.0) -> Iterator[Receipt]:
        """Receipts as they arrive, until `timeout` seconds pass with nothing new."""
        while read := self._poll(timeout):
            yield from read

    def _poll(self, timeout: float) -> list[Receipt]:
        """One poll's receipts, each recorded by event id before any is handed out: a caller
        that stops at the one it waits for must not lose the others the poll returned."""
        batches = self._consumer.poll(timeout_ms=int(timeout * 1000))
        read: list[Receipt] = []
        for records in batches.values():
            for record in records:
                try:
                    receipt = self.catalogue.decode_as(record.value, Receipt)
                except DecodeError:
                    continue
                if receipt.event_id is not None:
                    self._read.setdefault(receipt.event_id, []).append(receipt)
                read.append(receipt)
        return read

    def read_for(self, event_id: str) -> list[Receipt]:
        """The receipts of one event read so far (by this reader), in order."""
        return list(self._read.get(event_id, []))

    def wait_for(self, event_id: str, timeout: float = 30.0, *, final: bool = True) -> Receipt:
        """The event's final receipt (`accepted` or `rejected`), or with `final=False` its
        first receipt of any kind; ReceiptTimeout when none arrives within `timeout` s."""
        deadline = time.monotonic() + timeout
        while (found := self._first(event_id, final)) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ReceiptTimeout(f"no receipt for event {event_id} in {timeout:g} s")
            self._poll(min(left, 1.0))
        return found

    def _first(self, event_id: str, final: bool) -> Receipt | None:
        return next((r for r in self._read.get(event_id, []) if r.final or not final), None)

    def close(self) -> None:
        self._consumer.close()

    def __enter__(self) -> "ReceiptReader":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
