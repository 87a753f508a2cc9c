"""Read topics from the beginning to their current end (reports, subject access, read-outs)."""

from typing import Any

from kafka import KafkaConsumer, TopicPartition

from services.platform.codec import Catalogue, DecodeError


def read_all(bootstrap: str, topics: list[str], catalogue: Catalogue, **security: Any) -> list[Any]:
    """Every decodable record of the topics, from the beginning to the current end."""
    tail = Tail(bootstrap, topics, "jatkumo-reader", **security)
    try:
        records: list[Any] = []
        for value in tail.read():
            try:
                records.append(catalogue.decode(value))
            except DecodeError:
                continue
        return records
    finally:
        tail.close()


class Tail:
    """Follows some topics from the beginning, outside any consumer group: each `read` returns
    every record that has arrived since the last, at least up to the topics' end offsets at the
    time of the call, so what a caller has seen never depends on how quickly a fetch came
    back."""

    def __init__(self, bootstrap: str, topics: list[str], client_id: str, **security: Any):
        self._consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            enable_auto_commit=False,
            client_id=client_id,
            **security,
        )
        self._partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(self._consumer.partitions_for_topic(topic) or [])
        ]
        self._consumer.assign(self._partitions)
        self._consumer.seek_to_beginning(*self._partitions)
        self._reached: dict[TopicPartition, int] = {}
        """Per partition, an end offset its position has already reached."""

    def read(self) -> list[bytes]:
        """The values of the records that arrived since the last read, at least up to the end
        offsets the topics have now, in each partition's order.

        Only partitions whose end moved since the last read are asked for their position:
        kafka-python's `position` takes locks and checks the leader each time, and the simulator
        reads some hundred task partitions many times a simulated day, most with nothing new
        (asking each was a quarter of the simulator's time in a demo)."""
        if not self._partitions:
            return []
        ends = self._consumer.end_offsets(self._partitions)
        behind = [tp for tp in self._partitions if self._reached.get(tp, -1) < ends[tp]]
        values: list[bytes] = []
        while behind := [tp for tp in behind if self._consumer.position(tp) < ends[tp]]:
            for batch in self._consumer.poll(timeout_ms=1000, max_records=5000).values():
                values.extend(message.value for message in batch)
        self._reached.update(ends)
        return values

    def close(self) -> None:
        self._consumer.close()
