"""Event time in tests: move the followup clock with a broadcast tick, never by sleeping."""

from datetime import datetime
from functools import cache

from kafka import KafkaProducer

from services.core.envelopes import Tick
from services.followup.stream import BROADCAST
from services.platform.codec import Catalogue
from services.platform.topics import TopicNames

_CATALOGUE = Catalogue()


@cache
def _producer(bootstrap: str) -> KafkaProducer:
    return KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)


def advance_to(bootstrap: str, names: TopicNames, partitions: int, instant: datetime) -> None:
    """Send `Tick(person_ref="*", now=instant)` to every partition of `followup.ticks`, so
    whichever worker owns a partition sees the clock move; returns once the broker has them."""
    value = _CATALOGUE.encode(Tick(person_ref=BROADCAST, now=instant))
    producer = _producer(bootstrap)
    futures = [
        producer.send(names.followup_ticks, key=BROADCAST.encode(), value=value, partition=p)
        for p in range(partitions)
    ]
    for future in futures:
        future.get(timeout=30)
