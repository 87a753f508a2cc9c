"""Kafka administration: what counts as a topic ready to be consumed, and quiet group checks."""

import logging

import pytest

from services.platform.admin import all_led


def _topic(error: int = 0, leaders: tuple[int, ...] = (1, 1)) -> dict[str, object]:
    return {
        "error_code": error,
        "name": "t",
        "partitions": [
            {"error_code": 0, "partition_index": i, "leader_id": leader}
            for i, leader in enumerate(leaders)
        ],
    }


def test_topics_whose_partitions_all_have_leaders_are_ready() -> None:
    """Every partition led by a broker: ready."""
    assert all_led([_topic(), _topic(leaders=(2, 3, 1))])


def test_a_partition_without_leader_is_not_ready() -> None:
    """A leader of -1 (an election not yet done) keeps the topic waiting."""
    assert not all_led([_topic(), _topic(leaders=(1, -1))])


def test_a_topic_the_broker_does_not_know_yet_is_not_ready() -> None:
    """UNKNOWN_TOPIC_OR_PARTITION (3), with no partitions, is not ready."""
    assert not all_led([_topic(error=3, leaders=())])


def test_describing_faust_groups_logs_no_undecodable_metadata_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """kafka-python's warning about faust's own member metadata is dropped, others are kept."""
    groups_log = logging.getLogger("kafka.admin._groups")
    with caplog.at_level(logging.WARNING, logger="kafka.admin._groups"):
        groups_log.warning("Unable to decode member_metadata for DescribedGroup(...)/faust-1")
        groups_log.warning("something else")
    assert [r.getMessage() for r in caplog.records] == ["something else"]
