"""The thin slice on a real broker: a prison's release event becomes a county task."""

from collections.abc import Iterator
from datetime import date

import pytest

from services.core.facts import CaseFact, FactKind
from services.core.records import DeadLetter
from services.core.tasks import Task, TaskKind
from services.platform.dlq import open_original
from services.platform.settings import Settings
from services.sdk import Publisher
from tests.support.kafka_io import TopicReader
from tests.support.pipeline import Pipeline
from tests.support.prisoners import PRISON, Prisoners

pytestmark = pytest.mark.integration

PEOPLE = Prisoners("skeleton", born=date(1990, 1, 1), number=900)


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    running = Pipeline(
        kafka_bootstrap, tmp_path_factory.mktemp("skeleton"), services=("referral", "handover")
    )
    running.start()
    yield running
    running.stop()


def test_release_event_becomes_release_preparation_task_for_home_county(
    pipeline: Pipeline,
) -> None:
    """CustodyStarted, the prisoner's consent and ReleaseDateSet from Kuopio prison give
    county 13 a release_preparation."""
    names = pipeline.names
    with Publisher(PRISON, pipeline.bootstrap, namespace=pipeline.namespace) as publisher:
        publisher.publish(PEOPLE.custody(1))
        publisher.publish(PEOPLE.consent(1))
        publisher.publish(PEOPLE.release(1))
    reader = TopicReader(pipeline.bootstrap, names.case_facts, names.tasks("county-13"))
    reader.wait_for(lambda _: len(reader.of(Task)) >= 1, what="a task for county 13")
    facts = reader.of(CaseFact)
    assert facts[0].kind == FactKind.CASE_OPENED
    assert {f.kind for f in facts[1:3]} == {FactKind.CONSENT_GIVEN, FactKind.RELEASE_DATE_SET}
    task = reader.of(Task)[0]
    assert task.kind == TaskKind.RELEASE_PREPARATION
    assert task.recipient_org == "county-13"
    assert task.person_ref == facts[0].person_ref
    reader.close()


def test_garbage_goes_to_dlq_and_good_messages_still_flow(pipeline: Pipeline) -> None:
    """A malformed message between two good ones is dead-lettered; both good ones get through."""
    names = pipeline.names
    with Publisher(PRISON, pipeline.bootstrap, namespace=pipeline.namespace) as publisher:
        publisher.publish(PEOPLE.custody(2), wait=True)
        publisher.publish_raw(b"\xc3\x01 definitely not avro", key=b"bad-1", wait=True)
        publisher.publish(PEOPLE.release(2), wait=True)
    reader = TopicReader(pipeline.bootstrap, names.dlq, names.case_facts)
    reader.wait_for(
        lambda _: (
            bool(reader.of(DeadLetter))
            and any(f.event_id == "skeleton-release-2" for f in reader.of(CaseFact))
        ),
        what="a dead letter and the second good event's fact",
    )
    letter = reader.of(DeadLetter)[0]
    assert letter.reason_code == "unknown_fingerprint"
    assert open_original(letter, Settings().dead_letter_ring) == (
        b"\xc3\x01 definitely not avro",
        b"bad-1",
    )
    assert b"definitely" not in letter.original
    assert letter.topic == names.inbound(PRISON)
    reader.close()


def test_no_identity_code_on_internal_topics(pipeline: Pipeline) -> None:
    """Identity codes and names never appear in the bytes of intake or case-fact messages."""
    names = pipeline.names
    code = PEOPLE.code(3)
    event = PEOPLE.custody(3, full_name="Testi Henkilö")
    with Publisher(PRISON, pipeline.bootstrap, namespace=pipeline.namespace) as publisher:
        publisher.publish(event, wait=True)
    reader = TopicReader(pipeline.bootstrap, names.intake, names.case_facts)
    reader.wait_for(
        lambda _: any(f.event_id == "skeleton-custody-3" for f in reader.of(CaseFact)),
        what="the fact of custody-3",
    )
    assert reader.raw
    for message in reader.raw:
        assert code.encode() not in message.value
        assert "Testi Henkilö".encode() not in message.value
    reader.close()
