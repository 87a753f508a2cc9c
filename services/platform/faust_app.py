"""The faust app factory: one consumer group per service, raw-bytes topics, per-worker dirs."""

import random
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import faust
from aiokafka.partitioner import murmur2

from services.platform import faust_patches
from services.platform.faust_patches.idempotent_producer import App
from services.platform.kafka_security import KafkaSecurity
from services.platform.settings import Settings
from services.platform.topics import TopicNames


class KeyPartitioner:
    """aiokafka's default partitioner (the Java client's: murmur2 of the key modulo the
    partitions), with each key's hash computed once: the pure-Python murmur2 of every output's
    key was a few per cent of a worker's CPU, and the same persons' keys come back again and
    again. The partition is exactly the default one (co-partitioning depends on it)."""

    def __init__(self, remembered: int = 16_384) -> None:
        self._hash: Callable[[bytes], int] = lru_cache(maxsize=remembered)(murmur2)

    def __call__(
        self, key: bytes | None, all_partitions: Sequence[int], available: Sequence[int]
    ) -> int:
        if key is None:
            return random.choice(available or all_partitions)
        index = (self._hash(bytes(key)) & 0x7FFFFFFF) % len(all_partitions)
        return all_partitions[index]


def make_app(service: str, settings: Settings, worker_id: str = "0") -> faust.App:
    """A faust app for `service`; each worker gets its own data dir and web port."""
    faust_patches.install()  # never commit past a message no agent processed
    data_dir = Path(settings.data_dir) / service / worker_id
    data_dir.mkdir(parents=True, exist_ok=True)
    security = KafkaSecurity.from_settings(settings).faust_options()
    return App(
        TopicNames(settings.namespace).app_id(service),
        broker=[f"kafka://{server}" for server in settings.bootstrap_servers.split(",")],
        store=settings.store,
        datadir=str(data_dir),
        topic_partitions=settings.internal_partitions,
        topic_replication_factor=settings.replication_factor or 1,
        topic_allow_declare=True,
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=False,
        web_port=settings.web_port,
        broker_commit_every=100,
        broker_commit_interval=settings.commit_interval_seconds,
        stream_wait_empty=False,
        producer_acks=-1,
        producer_partitioner=KeyPartitioner(),
        consumer_auto_offset_reset="earliest",
        table_cleanup_interval=60.0,
        **security,
    )


MB = 2**20
ROCKSDB_TABLE_OPTIONS: dict[str, int] = {
    "write_buffer_size": 4 * MB,
    "max_write_buffer_number": 2,
    "target_file_size_base": 16 * MB,
    "block_cache_size": 8 * MB,
    "block_cache_compressed_size": 8 * MB,
}
"""Memory for each table partition's RocksDB database (a worker holds one per partition it is
assigned, per table): at most two 4 MB write buffers and an 8 MB block cache. faust's own
defaults (three 64 MB write buffers and a 2 GiB block cache each) let a worker's resident memory
grow with every state written until it holds hundreds of megabytes per table."""


def table_options(settings: Settings) -> dict[str, Any] | None:
    """The `options` of a faust table: bounded RocksDB memory on `rocksdb://`, none otherwise.

    A new dict each call: faust's RocksDB store removes keys from the one it is given."""
    if settings.store.startswith("rocksdb:"):
        return dict(ROCKSDB_TABLE_OPTIONS)
    return None
