"""What the demo reports, read from the topics: tasks per organisation and open alerts by rule."""

from collections import Counter
from dataclasses import dataclass, field

from kafka import KafkaAdminClient
from kafka.admin import OffsetSpec
from kafka.structs import TopicPartition

from services.core.organisations import Registry, default_registry
from services.core.records import Alert, AlertState, DeadLetter
from services.platform.codec import Catalogue
from services.platform.reading import read_all
from services.platform.topics import TopicNames


@dataclass
class Readout:
    tasks_by_org: Counter[str] = field(default_factory=Counter)
    open_alerts_by_rule: Counter[str] = field(default_factory=Counter)
    resolved_alerts: int = 0
    dead_letters_by_reason: Counter[str] = field(default_factory=Counter)

    @property
    def tasks(self) -> int:
        return sum(self.tasks_by_org.values())

    @property
    def open_alerts(self) -> int:
        return sum(self.open_alerts_by_rule.values())


def task_counts(bootstrap: str, names: TopicNames, registry: Registry) -> Counter[str]:
    """Messages on each organisation's task topic (offsets only, nothing is decoded)."""
    topics = {names.tasks(code): code for code in registry.codes()}
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="jatkumo-demo-readout")
    try:
        described = admin.describe_topics(list(topics))
        partitions = [
            TopicPartition(t["name"], p["partition_index"])
            for t in described
            for p in t["partitions"]
        ]
        ends = admin.list_partition_offsets(dict.fromkeys(partitions, OffsetSpec.LATEST))
        starts = admin.list_partition_offsets(dict.fromkeys(partitions, OffsetSpec.EARLIEST))
    finally:
        admin.close()
    counts: Counter[str] = Counter()
    for tp in partitions:
        counts[topics[tp.topic]] += ends[tp].offset - starts[tp].offset
    return +counts


def readout(bootstrap: str, namespace: str, registry: Registry | None = None) -> Readout:
    names, catalogue = TopicNames(namespace), Catalogue()
    result = Readout(tasks_by_org=task_counts(bootstrap, names, registry or default_registry()))
    latest: dict[str, Alert] = {}
    for record in read_all(bootstrap, [names.alerts, names.dlq], catalogue):
        if isinstance(record, Alert):
            known = latest.get(record.alert_id)
            if known is None or known.state == AlertState.OPEN:
                latest[record.alert_id] = record
        elif isinstance(record, DeadLetter):
            result.dead_letters_by_reason[record.reason_code] += 1
    for alert in latest.values():
        if alert.state == AlertState.OPEN:
            result.open_alerts_by_rule[alert.rule.value] += 1
        else:
            result.resolved_alerts += 1
    return result
