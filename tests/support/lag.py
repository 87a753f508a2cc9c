"""Where each service's consumer group stands: the partitions it has not committed to the end.

Printed when a fault run waits in vain, so a stall names its partitions and committed offsets.
"""

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from services.platform.topics import TopicNames


def behind(bootstrap: str, names: TopicNames, services: tuple[str, ...]) -> dict[str, list[str]]:
    """Per service, 'topic[partition] committed/end' for every partition it lags on."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    probe = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        report: dict[str, list[str]] = {}
        for service in services:
            committed = admin.list_consumer_group_offsets(names.app_id(service))
            ends = probe.end_offsets(list(committed))
            report[service] = [
                f"{_short(tp, names)} {meta.offset}/{ends[tp]}"
                for tp, meta in sorted(committed.items())
                if ends[tp] > meta.offset
            ]
        return report
    finally:
        probe.close()
        admin.close()


def _short(tp: TopicPartition, names: TopicNames) -> str:
    return f"{tp.topic.removeprefix(names.namespace + '.')}[{tp.partition}]"
