"""Every topic a service's faust app relies on is in the catalogue, created before it starts."""

import importlib
from pathlib import Path

import pytest

from services.core.organisations import default_registry
from services.platform.settings import Settings
from services.platform.topics import SERVICE_TABLES, Replication, TopicNames, catalogue


@pytest.mark.parametrize("service", sorted(SERVICE_TABLES))
def test_every_table_changelog_is_in_the_catalogue(service: str, tmp_path: Path) -> None:
    """Each table's changelog is catalogued, compacted and co-partitioned with the internals."""
    settings = Settings(namespace="ns", data_dir=tmp_path, internal_partitions=4)
    app = importlib.import_module(f"services.{service}.stream").build_app(settings)
    names = TopicNames("ns")
    specs = {spec.name: spec for spec in catalogue(default_registry(), names, 4)}
    changelogs = {table.changelog_topic.get_topic_name() for table in app.tables.values()}
    assert changelogs == {names.changelog(service, t) for t in SERVICE_TABLES[service]}
    for name in changelogs:
        assert specs[name].partitions == 4
        assert specs[name].cleanup_policy == "compact"


def test_app_id_is_the_prefix_of_the_service_topics(tmp_path: Path) -> None:
    """The faust app id (consumer group) is the one the catalogue derives its names from."""
    settings = Settings(namespace="ns", data_dir=tmp_path)
    app = importlib.import_module("services.handover.stream").build_app(settings)
    assert app.conf.id == TopicNames("ns").app_id("handover")
    assert TopicNames("ns").assignor_leader("handover") in {
        spec.name for spec in catalogue(default_registry(), TopicNames("ns"))
    }


@pytest.mark.parametrize(("brokers", "factor", "min_insync"), [(1, 1, 1), (2, 2, 1), (3, 3, 2),
                                                               (5, 3, 2)])
def test_replication_defaults_by_cluster_size(brokers: int, factor: int, min_insync: int) -> None:
    """1/1 on one broker, 3/2 from three on: one broker may fail without losing a write."""
    assert Replication.for_brokers(brokers) == Replication(factor, min_insync)


def test_every_topic_follows_the_catalogues_replication(tmp_path: Path) -> None:
    """Changelogs and the assignor topic too; the factor also reaches faust for what it makes,
    and the producer waits for all in-sync replicas with idempotence on."""
    replication = Replication.of(3)
    specs = catalogue(default_registry(), TopicNames("ns"), 4, replication)
    assert {spec.replication for spec in specs} == {Replication(3, 2)}
    assert {spec.configs()["min.insync.replicas"] for spec in specs} == {"2"}
    assert {spec.replication for spec in catalogue(default_registry())} == {Replication(1, 1)}
    settings = Settings(namespace="ns", data_dir=tmp_path, replication_factor=3)
    app = importlib.import_module("services.followup.stream").build_app(settings)
    assert app.conf.topic_replication_factor == 3
    assert app.producer._settings_extra() == {"acks": "all", "enable_idempotence": True}
    with pytest.raises(ValueError, match=r"min.insync.replicas"):
        Replication(1, 2)
