"""The two reference processors, each run as its own process on the inbound topics.

(a) `raw`: an aiokafka loop that consumes, decodes, re-encodes and produces every message, and
commits after the batch's sends are acknowledged: the limit of this machine and client.
(b) `faust`: a bare faust agent with the services' app settings that forwards the bytes.

    python -m bench.passthrough raw|faust <namespace>   (KAFKA_BOOTSTRAP_SERVERS, JATKUMO_*)
"""

import asyncio
import sys
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.core.organisations import default_registry
from services.platform.codec import Catalogue
from services.platform.faust_app import make_app
from services.platform.kafka_security import client_options
from services.platform.settings import Settings
from services.platform.topics import TopicNames


def group(kind: str, namespace: str) -> str:
    return f"jatkumo-{namespace}-bench-{kind}"


def _inbound(names: TopicNames) -> list[str]:
    return [names.inbound(org) for org in default_registry().codes()]


async def raw_loop(settings: Settings) -> None:
    names = TopicNames(settings.namespace)
    codec = Catalogue()
    consumer = AIOKafkaConsumer(
        *_inbound(names),
        bootstrap_servers=settings.bootstrap_servers,
        group_id=group("raw", settings.namespace),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=2000,
        **client_options(settings),
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers, acks=-1, linger_ms=1,
        max_batch_size=262144, enable_idempotence=True, **client_options(settings),
    )
    await consumer.start()
    await producer.start()
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=2000)
            pending = []
            for records in batches.values():
                for record in records:
                    data = codec.encode(codec.decode(record.value))
                    pending.append(await producer.send(names.case_facts, data, key=record.key))
            if pending:
                await asyncio.gather(*pending)
                await consumer.commit()
    finally:
        await producer.stop()
        await consumer.stop()


def faust_app(settings: Settings) -> Any:
    app = make_app("bench-faust", settings)
    names = TopicNames(settings.namespace)
    source = app.topic(*_inbound(names), key_type=bytes, value_type=bytes)
    sink = app.topic(names.case_facts, key_type=bytes, value_type=bytes)

    async def forward(stream: Any) -> None:
        async for event in stream.events():
            await sink.send(key=event.message.key, value=event.message.value)

    app.agent(source, name="bench-forward")(forward)
    return app


def main(kind: str) -> None:
    settings = Settings()
    if kind == "raw":
        asyncio.run(raw_loop(settings))
        return
    from faust.worker import Worker  # noqa: PLC0415 - heavy import only for this worker

    Worker(faust_app(settings), loglevel="WARNING", quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main(sys.argv[1])
