"""Read topics from the beginning to their current end (reports, subject access, read-outs)."""

from typing import Any

from kafka import KafkaConsumer, TopicPartition

from services.platform.codec import Catalogue, DecodeError


def read_all(bootstrap: str, topics: list[str], catalogue: Catalogue, **security: Any) -> list[Any]:
    """Every decodable record of the topics, from the beginning to the current end."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        client_id="jatkumo-reader",
        **security,
    )
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or [])
        ]
        if not partitions:
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        records: list[Any] = []
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=1000, max_records=5000).values():
                for message in batch:
                    try:
                        records.append(catalogue.decode(message.value))
                    except DecodeError:
                        continue
        return records
    finally:
        consumer.close()
