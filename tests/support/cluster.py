"""Where partitions live on a replicated cluster: leaders, in-sync replicas, the busiest one."""

from typing import Any

from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import OffsetSpec
from kafka.errors import KafkaError


def _partitions(admin: KafkaAdminClient, topics: list[str]) -> dict[TopicPartition, Any]:
    return {
        TopicPartition(topic["name"], partition["partition_index"]): partition
        for topic in admin.describe_topics(topics)
        for partition in topic["partitions"]
    }


def busiest_partition(bootstrap: str, topics: list[str]) -> tuple[TopicPartition, int, int]:
    """The partition with the most messages so far, its leader's node id and its end offset."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        partitions = _partitions(admin, topics)
        ends = admin.list_partition_offsets(dict.fromkeys(partitions, OffsetSpec.LATEST))
    finally:
        admin.close()
    busiest = max(partitions, key=lambda tp: ends[tp].offset)
    return busiest, int(partitions[busiest]["leader_id"]), ends[busiest].offset


def leader_of(bootstrap: str, partition: TopicPartition) -> int:
    """The partition's leader, or -1 while none is known (no leader, or no node answers)."""
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    except KafkaError:
        return -1
    try:
        return int(_partitions(admin, [partition.topic])[partition]["leader_id"])
    except KafkaError:
        return -1
    finally:
        admin.close()


def under_replicated(
    bootstrap: str, topics: list[str], factor: int, **security: Any
) -> list[str]:
    """Partitions whose replicas or in-sync replicas are fewer than `factor` ('topic[p] isr')."""
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, **security)
    except KafkaError as error:
        return [f"unknown ({type(error).__name__})"]
    try:
        partitions = _partitions(admin, topics)
    except KafkaError as error:
        return [f"unknown ({type(error).__name__})"]
    finally:
        admin.close()
    return [f"{tp.topic}[{tp.partition}] isr={p['isr_nodes']}"
            for tp, p in sorted(partitions.items())
            if min(len(p["isr_nodes"]), len(p["replica_nodes"])) < factor] or (
                [] if partitions else ["no partitions"])
