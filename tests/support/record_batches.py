"""Read a partition's record batches as the broker stores them (headers included).

A consumer hands out records and hides their batch headers; the producer id and sequence that
idempotence writes live there. One Fetch request through aiokafka's own client returns the raw
batches.
"""

from aiokafka import TopicPartition
from aiokafka.client import AIOKafkaClient
from aiokafka.protocol.fetch import FetchRequest
from aiokafka.record.memory_records import MemoryRecords

MAX_BYTES = 1 << 20


async def producer_ids(bootstrap: str, topic: str, partition: int = 0) -> list[int]:
    """The producer id of every record batch in the partition, oldest first (-1: none)."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap)
    await client.bootstrap()
    try:
        await client._wait_on_metadata(topic)
        leader = client.cluster.leader_for_partition(TopicPartition(topic, partition))
        request = FetchRequest(100, 1, MAX_BYTES, 0, [(topic, [(partition, 0, MAX_BYTES)])])
        response = await client.send(leader, request)
    finally:
        await client.close()
    found: list[int] = []
    for _topic, partitions in response.topics:
        for _partition, error_code, _highwater, *data in partitions:
            if error_code != 0:
                raise AssertionError(f"fetch of {topic}[{partition}] failed: error {error_code}")
            records = MemoryRecords(data[-1])
            while (batch := records.next_batch()) is not None:
                found.append(batch.producer_id)
    return found
