"""Erasure on a real broker: after `jatkumo erase`, nothing identifies the person; others stay.

Two people go through referral, handover and followup, and county 13 reads its tasks (its
consumer group commits). Then `jatkumo erase` runs for one of them. Every topic of the
namespace is read from its start (compacted changelogs with their old records, after the
tombstones), and so is the subject-access command's output: the erased person's identity code,
name, phone and free text appear nowhere, and every token sealed for them stays shut, while the
other person's state remains and their tokens still open.
"""

import re
import subprocess
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

from services.core import identity
from services.core.events import (
    ConsentGiven,
    CustodyStarted,
    InboundEvent,
    ReferralSubmitted,
    ReleaseDateSet,
)
from services.core.records import Erasure, ErasureReason
from services.core.tasks import Task
from services.core.vocabulary import (
    Category,
    ConsentCollection,
    Need,
    ReferralKind,
    ReleaseType,
    SentenceType,
)
from services.platform.alias_follower import read_aliases
from services.platform.codec import Catalogue, DecodeError
from services.platform.person_keys import person_of
from services.platform.sealing import Sealer, SealError
from services.platform.settings import DEV_SECRET, Settings
from services.sdk import Publisher
from tests.support.kafka_io import TopicReader, read_to_end
from tests.support.people import temporary_identity_code
from tests.support.pipeline import Pipeline
from tests.support.settle import Settler

pytestmark = pytest.mark.integration

PRISON, COUNTY = "prison-kuopion", "county-13"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WITHIN = 120.0
GONE = temporary_identity_code(date(1981, 2, 3), 941)
KEPT = temporary_identity_code(date(1982, 4, 5), 942)
PERSONAL = {
    GONE: ("Testi Poistettava Henkilö", "+358 40 111 2222", "Erityinen vapaa teksti POISTO"),
    KEPT: ("Testi Säilyvä Henkilö", "+358 40 333 4444", "Erityinen vapaa teksti JÄÄ"),
}
TOKEN = re.compile(rb"(@p-[0-9a-f]+|s[0-9]+):(gAAAAA[A-Za-z0-9_=-]+)")
"""A sealed token in raw bytes: a person's (`@<ref>:`) or the ring's (`<key id>:`)."""


def _ref(code: str) -> str:
    return identity.person_ref(code, DEV_SECRET.encode())


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    running = Pipeline(kafka_bootstrap, tmp_path_factory.mktemp("erasure"))
    running.start(timeout=WITHIN)
    yield running
    running.stop()


def _events(code: str, n: int) -> list[InboundEvent]:
    name, phone, summary = PERSONAL[code]
    common = {"occurred_at": AT, "source_org": PRISON, "identity_code": code}
    return [
        CustodyStarted(
            event_id=f"custody-{n}",
            prison=PRISON,
            full_name=name,
            phone=phone,
            sentence_type=SentenceType.LONG_TERM,
            sentence_start=date(2026, 3, 1),
            home_municipality="297",
            **common,
        ),
        ConsentGiven(
            event_id=f"consent-{n}",
            consent_id=f"consent-{n}",
            categories=[
                Category.IDENTITY,
                Category.CONTACT_DETAILS,
                Category.RELEASE_SCHEDULE,
                Category.NEEDS,
                Category.REFERRAL_SUMMARY,
            ],
            recipients=[COUNTY],
            purpose="release_planning",
            valid_from=date(2026, 3, 1),
            valid_until=date(2027, 3, 1),
            collection_method=ConsentCollection.WRITTEN,
            **common,
        ),
        ReferralSubmitted(
            event_id=f"referral-{n}",
            referral_id=f"referral-{n}",
            kind=ReferralKind.CONTACT_WITH_CONSENT,
            needs=[Need.HOUSING],
            summary=summary,
            **common,
        ),
        ReleaseDateSet(
            event_id=f"release-{n}",
            release_date=date(2026, 12, 1),
            release_type=ReleaseType.CONDITIONAL_RELEASE,
            **common,
        ),
    ]


def _county_reads_its_tasks(pipeline: Pipeline) -> None:
    """County 13's consumer group commits everything on its tasks topic (it has read it)."""
    topic = pipeline.names.tasks(COUNTY)
    consumer = KafkaConsumer(
        bootstrap_servers=pipeline.bootstrap, group_id=f"org-{COUNTY}", enable_auto_commit=False
    )
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        ends = consumer.end_offsets(partitions)
        consumer.assign(partitions)
        consumer.commit({tp: OffsetAndMetadata(end, "", -1) for tp, end in ends.items()})
    finally:
        consumer.close()


def _everything(pipeline: Pipeline) -> list[tuple[str, bytes | None, bytes | None]]:
    """(topic, key, value) of every record of the namespace, from each partition's start."""
    admin = KafkaAdminClient(bootstrap_servers=pipeline.bootstrap)
    try:
        ns = pipeline.namespace
        topics = [t for t in admin.list_topics() if t.startswith((f"{ns}.", f"jatkumo-{ns}-"))]
    finally:
        admin.close()
    return [(m.topic, m.key, m.value) for m in read_to_end(pipeline.bootstrap, topics, WITHIN)]


def _texts(value: bytes | None) -> list[bytes]:
    if not value:
        return []
    try:
        return [value, zlib.decompress(value)]
    except zlib.error:
        return [value]


def _latest(
    records: list[tuple[str, bytes | None, bytes | None]], topic: str
) -> dict[bytes, bytes | None]:
    latest: dict[bytes, bytes | None] = {}
    for t, key, value in records:
        if t == topic and key is not None:
            latest[key] = value
    return latest


def _wait_for_tombstones(
    pipeline: Pipeline, ref: str
) -> list[tuple[str, bytes | None, bytes | None]]:
    """Until every service's changelog ends the person's entries with a tombstone."""
    names = pipeline.names
    changelogs = [
        names.changelog("referral", "referral-persons"),
        names.changelog("handover", "handover-issued"),
        names.changelog("followup", "followup-state"),
    ]
    deadline = time.monotonic() + WITHIN
    while True:
        records = _everything(pipeline)
        if all(_latest(records, c).get(ref.encode(), b"absent") is None for c in changelogs):
            return records
        assert time.monotonic() < deadline, "the services did not forget the person"


def _erase(pipeline: Pipeline, code: str) -> subprocess.CompletedProcess[str]:
    return pipeline.command("erase", "--identity-code", code, timeout=300)


@pytest.fixture(scope="module")
def erased(
    pipeline: Pipeline,
) -> tuple[subprocess.CompletedProcess[str], list[tuple[str, bytes | None, bytes | None]]]:
    """Both people through the pipeline, read by the county, then one erased."""
    with Publisher(PRISON, pipeline.bootstrap, namespace=pipeline.namespace) as prison:
        for event in [*_events(GONE, 1), *_events(KEPT, 2)]:
            prison.publish(event, wait=True)
    reader = TopicReader(pipeline.bootstrap, pipeline.names.tasks(COUNTY))
    try:
        reader.wait_for(
            lambda _: {t.person_ref for t in reader.of(Task)} >= {_ref(GONE), _ref(KEPT)},
            WITHIN,
            "tasks for both people",
        )
    finally:
        reader.close()
    settler = Settler(pipeline)
    settler.settle()
    _county_reads_its_tasks(pipeline)
    result = _erase(pipeline, GONE)
    assert result.returncode == 0, result.stderr
    return result, _wait_for_tombstones(pipeline, _ref(GONE))


def test_no_topic_holds_the_erased_persons_identity(
    erased: tuple[object, list[tuple[str, bytes | None, bytes | None]]],
) -> None:
    """No record of any topic, changelogs included, holds the person's code, name or text."""
    _, records = erased
    words = [GONE.encode(), *(w.encode() for w in PERSONAL[GONE])]
    found = {
        (topic, w)
        for topic, key, value in records
        for w in words
        for text in [*_texts(value), key or b""]
        if w in text
    }
    assert found == set()


def test_no_token_of_the_erased_person_opens(
    erased: tuple[object, list[tuple[str, bytes | None, bytes | None]]], pipeline: Pipeline
) -> None:
    """Tokens sealed for the person remain in old records, and none of them opens any more."""
    _, records = erased
    sealer = Sealer(
        Settings().sealing_ring,
        person_keys=read_aliases(pipeline.bootstrap, pipeline.names.person_keys),
    )
    tokens = {
        m.group(0).decode()
        for _, _, value in records
        for text in _texts(value)
        for m in TOKEN.finditer(text)
    }
    theirs = {t for t in tokens if person_of(t) == _ref(GONE)}
    assert theirs
    for token in theirs:
        with pytest.raises(SealError):
            sealer.open(token)
    opened = []
    for token in tokens - theirs:
        try:
            opened.append(sealer.open(token))
        except SealError:
            continue
    assert all(GONE not in fields.values() for fields in opened)
    assert any(fields.get("identity_code") == KEPT for fields in opened)


def test_the_other_persons_state_stays(
    erased: tuple[object, list[tuple[str, bytes | None, bytes | None]]], pipeline: Pipeline
) -> None:
    """The other person's entries in every service's state are still there."""
    _, records = erased
    names = pipeline.names
    for changelog in (
        names.changelog("referral", "referral-persons"),
        names.changelog("handover", "handover-issued"),
        names.changelog("followup", "followup-state"),
    ):
        assert _latest(records, changelog).get(_ref(KEPT).encode()), changelog


def test_the_erasure_is_recorded_pseudonymously(
    erased: tuple[object, list[tuple[str, bytes | None, bytes | None]]], pipeline: Pipeline
) -> None:
    """The audit topic holds an erasure record naming only the person's reference."""
    _, records = erased
    catalogue = Catalogue()
    audit = []
    for topic, _, value in records:
        if topic == pipeline.names.disclosures and value:
            try:
                audit.append(catalogue.decode(value))
            except DecodeError:
                continue
    erasures = [r for r in audit if isinstance(r, Erasure)]
    assert [(e.person_ref, e.reason) for e in erasures] == [(_ref(GONE), ErasureReason.REQUEST)]


def test_the_command_reports_what_it_cut(
    erased: tuple[subprocess.CompletedProcess[str], object], pipeline: Pipeline
) -> None:
    """The report names each cut partition and never shows the identity code."""
    result, _ = erased
    assert f"{pipeline.names.tasks(COUNTY)}[" in result.stdout
    assert "deleted every record before offset" in result.stdout
    assert "KEPT" not in result.stdout
    assert GONE not in result.stdout + result.stderr


def test_subject_access_yields_nothing_identifying(erased: object, pipeline: Pipeline) -> None:
    """After the erasure the subject-access command shows no identity, only disclosures."""
    result = pipeline.command("disclosures", "--identity-code", GONE, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    for word in (GONE, *PERSONAL[GONE]):
        assert word not in result.stdout
