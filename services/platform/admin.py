"""Kafka administration with kafka-python: topics (idempotent), readiness checks."""

import contextlib
import logging
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from services.platform.topics import Replication, TopicSpec


class _FaustMemberMetadata(logging.Filter):
    """Drops kafka-python's warning that it cannot read a faust worker's group membership.

    `describe_groups` tries to decode every member's metadata as the plain consumer protocol;
    faust members carry their own (protocol `faust`), so each call would log the whole group,
    bytes and all, as a warning: noise on the demo's console, and nothing wrong."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unable to decode member_metadata")


logging.getLogger("kafka.admin._groups").addFilter(_FaustMemberMetadata())


@dataclass
class ApplyReport:
    created: list[str] = field(default_factory=list)
    grown: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replicas_differ: list[str] = field(default_factory=list)
    """Existing topics with another replication factor than the catalogue's (Kafka changes a
    factor only by reassigning partitions, which this tool does not do)."""


def admin_client(bootstrap: str, **security: Any) -> KafkaAdminClient:
    return KafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="jatkumo-admin",
        request_timeout_ms=15000,
        **security,
    )


@contextlib.contextmanager
def _quiet_client_logs() -> Iterator[None]:
    """While probing a starting broker, every refused connection would be logged."""
    logger = logging.getLogger("kafka")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


def listening(bootstrap: str, timeout: float = 2.0) -> bool:
    """Whether anything accepts connections at one of the addresses: a quick answer before
    a Kafka client spends its own bootstrap timeout on an address where nothing runs."""
    for address in bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
                return True
        except (OSError, ValueError):
            continue
    return False


def cluster_ready(bootstrap: str, brokers: int = 1, **security: Any) -> bool:
    """True when a metadata request succeeds and names at least `brokers` unfenced brokers."""
    with _quiet_client_logs():
        return _metadata_answers(bootstrap, brokers, **security)


def _metadata_answers(bootstrap: str, brokers: int, **security: Any) -> bool:
    try:
        client = admin_client(bootstrap, **security)
    except KafkaError:
        return False
    try:
        cluster = client.describe_cluster()
        live = [b for b in cluster.get("brokers", []) if not b.get("is_fenced", False)]
        return len(live) >= brokers
    except KafkaError:
        return False
    finally:
        client.close()


def apply_topics(
    bootstrap: str,
    specs: list[TopicSpec],
    progress: Callable[[str], None] = lambda _: None,
    **security: Any,
) -> ApplyReport:
    """Create missing topics, grow partitions that are too few, set configs. Safe to rerun."""
    report = ApplyReport()
    client = admin_client(bootstrap, **security)
    try:
        names = set(client.list_topics())
        wanted_existing = [s.name for s in specs if s.name in names]
        described = client.describe_topics(wanted_existing) if wanted_existing else []
        existing = {
            topic.get("name", topic.get("topic")): len(topic["partitions"]) for topic in described
        }
        factors = {
            topic.get("name", topic.get("topic")): min(
                (len(p.get("replica_nodes", p.get("replicas", []))) for p in topic["partitions"]),
                default=0,
            )
            for topic in described
        }
        missing = [s for s in specs if s.name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                client.create_topics(
                    [
                        NewTopic(
                            s.name, s.partitions, s.replication.factor, topic_configs=s.configs()
                        )
                        for s in missing
                    ],
                    validate_only=False,
                )
            report.created = [s.name for s in missing]
            _wait_for_leaders(client, report.created)
            progress(f"created {len(missing)} topics")
        for spec in specs:
            if spec.name in existing and existing[spec.name] < spec.partitions:
                client.create_partitions({spec.name: NewPartitions(spec.partitions)})
                report.grown.append(spec.name)
            elif spec.name in existing:
                report.unchanged.append(spec.name)
            if spec.name in factors and factors[spec.name] != spec.replication.factor:
                report.replicas_differ.append(spec.name)
        present = [s for s in specs if s.name in existing]
        if present:
            client.alter_configs(
                [
                    ConfigResource(ConfigResourceType.TOPIC, s.name, configs=s.configs())
                    for s in present
                ]
            )
    finally:
        client.close()
    return report


def all_led(described: list[dict[str, Any]]) -> bool:
    """Whether every described topic exists and each of its partitions has a leader."""
    return all(
        topic.get("error_code", 0) == 0
        and topic["partitions"]
        and all(
            p.get("error_code", 0) == 0 and p.get("leader_id", p.get("leader", -1)) >= 0
            for p in topic["partitions"]
        )
        for topic in described
    )


def _wait_for_leaders(client: KafkaAdminClient, names: list[str], timeout: float = 60.0) -> None:
    """Until the new topics have a leader for every partition.

    A broker that is still busy (deleting an earlier demo's topics, say) answers the create
    request before the topics are in its metadata; a consumer that joins its group then is
    assigned none of their partitions and does not look again for minutes
    (`metadata.max.age.ms`), so the services would start deaf to them."""
    deadline = time.monotonic() + timeout
    while not all_led(client.describe_topics(names)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"new topics had no leader within {timeout:.0f} s")
        time.sleep(0.1)


def broker_count(bootstrap: str, **security: Any) -> int:
    """How many unfenced brokers the cluster has."""
    client = admin_client(bootstrap, **security)
    try:
        brokers = client.describe_cluster().get("brokers", [])
    finally:
        client.close()
    return sum(1 for b in brokers if not b.get("is_fenced", False))


def replication_for(
    bootstrap: str, factor: int | None, min_insync: int | None, **security: Any
) -> Replication:
    """The replication the settings name, or (no factor set) the default for the cluster's
    size: 1/1 on one broker, 3/2 on three."""
    if factor is None:
        default = Replication.for_brokers(broker_count(bootstrap, **security))
        return Replication(default.factor, min_insync or default.min_insync)
    return Replication.of(factor, min_insync)
