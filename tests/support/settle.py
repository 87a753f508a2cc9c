"""A barrier for asserting that something did NOT happen: wait until the pipeline is idle.

The pipeline is settled when every service's consumer group has committed every message of
the topics it reads, and no stage produced anything new meanwhile. faust flushes its producer
before it commits, so once a message is committed everything its processing sent is on the
broker; reading an output topic to its end then shows every output there will be.
"""

import time
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from services.core.organisations import default_registry
from tests.support.pipeline import Pipeline

Offsets = dict[TopicPartition, int]


class Settler:
    """Knows which topics each service reads; `settle()` returns when all are consumed."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        names = pipeline.names
        reads = {
            "referral": [
                *(names.inbound(c) for c in default_registry().codes()),
                names.intake,
                names.referral_ticks,
            ],
            "handover": [names.case_facts],
            "followup": [names.case_facts, names.followup_ticks],
        }
        self._consumer = KafkaConsumer(bootstrap_servers=pipeline.bootstrap, group_id=None)
        self._admin = KafkaAdminClient(bootstrap_servers=pipeline.bootstrap)
        self._reads = {
            pipeline.group(service): self._partitions(topics)
            for service, topics in reads.items()
            if service in pipeline.services
        }

    def _partitions(self, topics: list[str]) -> list[TopicPartition]:
        found: list[TopicPartition] = []
        for topic in topics:
            partitions = self._consumer.partitions_for_topic(topic) or set()
            found.extend(TopicPartition(topic, p) for p in sorted(partitions))
        return found

    def _ends(self) -> Offsets:
        every = sorted({tp for tps in self._reads.values() for tp in tps})
        ends: dict[Any, int] = self._consumer.end_offsets(every)
        return dict(ends)

    def _caught_up(self, ends: Offsets) -> bool:
        """Whether every group has committed past `ends` on each partition it reads."""
        committed = self._admin.list_group_offsets(dict.fromkeys(self._reads))
        return all(
            ends[tp] <= max(getattr(committed.get(group, {}).get(tp), "offset", 0), 0)
            for group, partitions in self._reads.items()
            for tp in partitions
            if ends[tp] > 0
        )

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until every group has committed all it reads and nothing new arrived."""
        deadline = time.monotonic() + timeout
        ends = self._ends()
        while time.monotonic() < deadline:
            if self._caught_up(ends):
                latest = self._ends()
                if latest == ends:
                    return
                ends = latest
            else:
                time.sleep(0.05)
        raise AssertionError(
            f"pipeline not settled within {timeout} s; logs in {self.pipeline.work_dir}"
        )

    def close(self) -> None:
        self._consumer.close()
        self._admin.close()
