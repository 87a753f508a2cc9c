"""Event time in tests: move the followup clock with a broadcast tick, never by sleeping."""

from datetime import datetime

from kafka import KafkaProducer

from services.core.envelopes import Tick
from services.followup.stream import BROADCAST
from services.platform.codec import Catalogue
from services.platform.topics import TopicNames

_CATALOGUE = Catalogue()


_PRODUCERS: dict[str, KafkaProducer] = {}


def _producer(bootstrap: str) -> KafkaProducer:
    if bootstrap not in _PRODUCERS:
        _PRODUCERS[bootstrap] = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    return _PRODUCERS[bootstrap]


def close_producers() -> None:
    """Close the tick producers (after a module, before its topics are dropped). Kept open
    past that, a producer whose topics are gone looked for their leaders without pause, in a
    loop that took a large share of the test process's CPU for the rest of the session."""
    while _PRODUCERS:
        _, producer = _PRODUCERS.popitem()
        producer.close(timeout=10)


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
