"""Closed cases on a real broker: forgotten by every service once their retention is over.

A case opens and closes; the event clock then moves (broadcast ticks) to just before and then
past the closing plus `JATKUMO_CLOSED_CASE_RETENTION_DAYS`. Before, every service keeps its
state; after, each changelog ends the person's entry with a tombstone, the data key is
tombstoned, and no erasure is recorded on the audit topic (retention is not an erasure request).
"""

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from kafka import KafkaConsumer, TopicPartition

from services.core import identity
from services.core.events import CaseClosed, CustodyStarted
from services.core.facts import CaseFact, FactKind
from services.core.records import Erasure
from services.core.vocabulary import CaseClosure, SentenceType
from services.platform.codec import Catalogue
from services.platform.reading import read_all
from services.platform.settings import DEV_SECRET
from services.sdk import Publisher
from tests.support.clock import advance_to
from tests.support.kafka_io import TopicReader
from tests.support.people import temporary_identity_code
from tests.support.pipeline import Pipeline
from tests.support.settle import Settler

pytestmark = pytest.mark.integration

PRISON, COUNTY = "prison-kuopion", "county-13"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RETENTION_DAYS = 30
WITHIN = 120.0
CODE = temporary_identity_code(date(1983, 5, 6), 951)
REF = identity.person_ref(CODE, DEV_SECRET.encode())


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    running = Pipeline(
        kafka_bootstrap,
        tmp_path_factory.mktemp("retention"),
        clock="event",
        extra_env={"JATKUMO_CLOSED_CASE_RETENTION_DAYS": str(RETENTION_DAYS)},
    )
    running.start(timeout=WITHIN)
    yield running
    running.stop()


def _latest(bootstrap: str, topics: list[str]) -> dict[tuple[str, bytes], bytes | None]:
    """The newest value per (topic, key) of compacted topics, read to their current end."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partitions = [
            TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t))
        ]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        latest: dict[tuple[str, bytes], bytes | None] = {}
        deadline = time.monotonic() + WITHIN
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, "topics could not be read to their end"
            for batch in consumer.poll(timeout_ms=500).values():
                for m in batch:
                    if m.key is not None:
                        latest[(m.topic, m.key)] = m.value
        return latest
    finally:
        consumer.close()


def _state_topics(pipeline: Pipeline) -> list[str]:
    names = pipeline.names
    return [
        names.changelog("referral", "referral-persons"),
        names.changelog("handover", "handover-issued"),
        names.changelog("followup", "followup-state"),
        names.person_keys,
    ]


def _kept(pipeline: Pipeline) -> dict[str, bool]:
    """For each state topic: whether the person's newest entry there is a value."""
    latest = _latest(pipeline.bootstrap, _state_topics(pipeline))
    return {t: latest.get((t, REF.encode())) is not None for t in _state_topics(pipeline)}


@pytest.fixture(scope="module")
def closed(pipeline: Pipeline) -> datetime:
    """The person's case opened and closed; every service has processed it."""
    common = {"occurred_at": AT, "source_org": PRISON, "identity_code": CODE}
    with Publisher(PRISON, pipeline.bootstrap, namespace=pipeline.namespace) as prison:
        prison.publish(
            CustodyStarted(
                event_id="retention-custody",
                prison=PRISON,
                full_name="Testi Suljettu Tapaus",
                sentence_type=SentenceType.LONG_TERM,
                sentence_start=date(2026, 3, 1),
                home_municipality="297",
                **common,
            ),
            wait=True,
        )
    with Publisher(COUNTY, pipeline.bootstrap, namespace=pipeline.namespace) as county:
        county.publish(
            CaseClosed(
                event_id="retention-closed",
                occurred_at=AT,
                source_org=COUNTY,
                person_ref=REF,
                reason=CaseClosure.NO_LONGER_NEEDED,
            ),
            wait=True,
        )
    reader = TopicReader(pipeline.bootstrap, pipeline.names.case_facts)
    try:
        reader.wait_for(
            lambda _: any(f.kind == FactKind.CASE_CLOSED for f in reader.of(CaseFact)),
            WITHIN,
            "the closing",
        )
    finally:
        reader.close()
    Settler(pipeline).settle(WITHIN)
    return AT


def test_a_closed_case_is_kept_within_its_retention(closed: datetime, pipeline: Pipeline) -> None:
    """A day before the retention ends every service still holds the person's state."""
    advance_to(
        pipeline.bootstrap,
        pipeline.names,
        pipeline.partitions,
        closed + timedelta(days=RETENTION_DAYS - 1),
    )
    Settler(pipeline).settle(WITHIN)
    assert all(_kept(pipeline).values())


def test_a_closed_case_is_forgotten_after_its_retention(
    closed: datetime, pipeline: Pipeline
) -> None:
    """Past the retention every service's entry and the data key end in a tombstone."""
    advance_to(
        pipeline.bootstrap,
        pipeline.names,
        pipeline.partitions,
        closed + timedelta(days=RETENTION_DAYS, hours=1),
    )
    deadline = time.monotonic() + WITHIN
    while any(_kept(pipeline).values()):
        assert time.monotonic() < deadline, f"still kept: {_kept(pipeline)}"


def test_retention_records_no_erasure_on_the_audit_topic(
    closed: datetime, pipeline: Pipeline
) -> None:
    """Forgetting a closed case is not an erasure request: the audit topic has none."""
    audit = read_all(pipeline.bootstrap, [pipeline.names.disclosures], Catalogue())
    assert not [r for r in audit if isinstance(r, Erasure)]
