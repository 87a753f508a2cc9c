"""Where each service's consumer group stands: the partitions it has not committed to the end.

Printed when a fault run waits in vain, so a stall names its partitions and committed offsets.
"""

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
            ends = admin.list_partition_offsets(dict.fromkeys(committed, OffsetSpec.LATEST))
            report[service] = [
                f"{_short(tp, names)} {meta.offset}/{ends[tp].offset}"
                for tp, meta in sorted(committed.items())
                if ends[tp].offset > meta.offset
            ]
        return report
    finally:
        admin.close()


def _short(tp: TopicPartition, names: TopicNames) -> str:
    return f"{tp.topic.removeprefix(names.namespace + '.')}[{tp.partition}]"
