"""The Strimzi export says exactly what the catalogue and the ACL grants say, nothing else."""

import re
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from services.cli import app
from services.core.organisations import default_registry
from services.platform.acls import Grant, Operation, Pattern, Resource, derive_grants, usernames
from services.platform.strimzi import resource_name
from services.platform.topics import Replication, TopicNames, catalogue

REGISTRY = default_registry()
K8S_NAME = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")


def _export(*args: str, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    result = CliRunner().invoke(app, ["topics", "export", "--format", "strimzi", *args],
                                env=env or {})
    assert result.exit_code == 0, result.output
    return [doc for doc in yaml.safe_load_all(result.output) if doc]


def _by_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [doc for doc in docs if doc["kind"] == kind]


@pytest.mark.parametrize("namespace", ["", "prod"])
def test_topics_match_the_catalogue(namespace: str) -> None:
    """One KafkaTopic per catalogued topic, with its partitions, replicas and every config."""
    docs = _export("--cluster", "kafka-a", env={"JATKUMO_NAMESPACE": namespace})
    topics = {doc["spec"]["topicName"]: doc for doc in _by_kind(docs, "KafkaTopic")}
    specs = catalogue(REGISTRY, TopicNames(namespace), 6, Replication(3, 2))
    assert sorted(topics) == sorted(spec.name for spec in specs)
    for spec in specs:
        doc = topics[spec.name]
        assert doc["apiVersion"] == "kafka.strimzi.io/v1beta2"
        assert doc["metadata"]["labels"] == {"strimzi.io/cluster": "kafka-a"}
        assert doc["spec"]["partitions"] == spec.partitions
        assert doc["spec"]["replicas"] == 3
        assert doc["spec"]["config"] == spec.configs()
        assert doc["spec"]["config"]["min.insync.replicas"] == "2"


def test_replication_follows_the_settings() -> None:
    docs = _export(env={"JATKUMO_REPLICATION_FACTOR": "5", "JATKUMO_MIN_INSYNC_REPLICAS": "3"})
    assert {(d["spec"]["replicas"], d["spec"]["config"]["min.insync.replicas"])
            for d in _by_kind(docs, "KafkaTopic")} == {(5, "3")}


def _grants_of(user_doc: dict[str, Any]) -> set[Grant]:
    """The ACL rules of a KafkaUser read back as grants."""
    principal = f"User:{user_doc['metadata']['name']}"
    pattern = {"literal": Pattern.LITERAL, "prefix": Pattern.PREFIXED}
    resource = {"topic": Resource.TOPIC, "group": Resource.GROUP}
    found: set[Grant] = set()
    for rule in user_doc["spec"]["authorization"]["acls"]:
        assert rule["host"] == "*"
        for operation in rule["operations"]:
            found.add(Grant(principal, Operation(operation.upper()),
                            resource[rule["resource"]["type"]], rule["resource"]["name"],
                            pattern[rule["resource"]["patternType"]]))
    return found


def test_users_carry_exactly_the_grants() -> None:
    """Every principal is a SCRAM-SHA-512 user; its ACL rules are its grants, no more."""
    docs = _export()
    users = _by_kind(docs, "KafkaUser")
    assert sorted(doc["metadata"]["name"] for doc in users) == sorted(usernames(REGISTRY))
    exported: set[Grant] = set()
    for doc in users:
        assert doc["spec"]["authentication"] == {"type": "scram-sha-512"}
        assert doc["spec"]["authorization"]["type"] == "simple"
        exported |= _grants_of(doc)
    assert exported == set(derive_grants(REGISTRY, TopicNames()))


def test_resource_names_are_valid_and_unique() -> None:
    """Kubernetes names: lowercase, digits, '-' and '.'; faust's '__' topics get a hash."""
    docs = _export()
    names = [doc["metadata"]["name"] for doc in docs if doc["kind"] == "KafkaTopic"]
    assert len(set(names)) == len(names)
    assert all(K8S_NAME.fullmatch(name) and len(name) <= 253 for name in names)
    leader = TopicNames().assignor_leader("referral")
    assert "_" in leader
    assert resource_name(leader) != resource_name(leader.replace("_", "-"))
