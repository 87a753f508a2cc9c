"""The faust app factory: one consumer group per service, raw-bytes topics, per-worker dirs."""

from pathlib import Path
from typing import Any

import faust
from faust.transport.drivers import aiokafka as aiokafka_driver

from services.platform import faust_patches
from services.platform.kafka_security import KafkaSecurity
from services.platform.settings import Settings
from services.platform.topics import TopicNames


class IdempotentProducer(aiokafka_driver.Producer):
    """faust's aiokafka producer with idempotence on (faust turns it on only for transactions):
    a batch the broker wrote but whose answer was lost, sent again after a broker fails, is
    not written twice."""

    def _settings_extra(self) -> dict[str, Any]:
        return {**super()._settings_extra(), "acks": "all", "enable_idempotence": True}


class App(faust.App):
    """A faust app whose producer is idempotent and waits for every in-sync replica."""

    def _new_producer(self) -> Any:
        return IdempotentProducer(self.transport, loop=self.loop, beacon=self.beacon)


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
        consumer_auto_offset_reset="earliest",
        table_cleanup_interval=60.0,
        **security,
    )
