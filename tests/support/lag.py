"""Where each service's consumer group stands: the partitions it has not committed to the end.

Printed when a fault run waits in vain, so a stall names its partitions and committed offsets
(`-` for a partition the group never committed on).
"""

from typing import Any

from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import OffsetSpec

from services.platform.topics import TopicNames


def behind(bootstrap: str, names: TopicNames, services: tuple[str, ...]) -> dict[str, list[str]]:
    """Per service, 'topic[partition] committed/end' for every partition it lags on."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        report: dict[str, list[str]] = {}
        for service in services:
            group = names.app_id(service)
            committed = admin.list_group_offsets({group: None}).get(group, {})
            read = _stream_partitions(admin, group, names) | set(committed)
            ends = admin.list_partition_offsets(dict.fromkeys(read, OffsetSpec.LATEST))
            report[service] = [
                f"{_short(tp, names)} {_offset(committed.get(tp))}/{ends[tp].offset}"
                for tp in sorted(read)
                if ends[tp].offset > _position(committed.get(tp))
            ]
        return report
    finally:
        admin.close()


def _stream_partitions(
    admin: KafkaAdminClient, group: str, names: TopicNames
) -> set[TopicPartition]:
    """Every partition of the namespace's topics assigned to a live member of the group."""
    described: dict[str, Any] = admin.describe_groups([group])
    found: set[TopicPartition] = set()
    for member in described.get(group, {}).get("members", []):
        for assigned in (member.get("member_assignment") or {}).get("assigned_partitions", []):
            if assigned["topic"].startswith(names.namespace + "."):
                found |= {TopicPartition(assigned["topic"], p) for p in assigned["partitions"]}
    return found


def _position(meta: Any) -> int:
    return 0 if meta is None else int(meta.offset)


def _offset(meta: Any) -> str:
    return "-" if meta is None else str(meta.offset)


def _short(tp: TopicPartition, names: TopicNames) -> str:
    return f"{tp.topic.removeprefix(names.namespace + '.')}[{tp.partition}]"
