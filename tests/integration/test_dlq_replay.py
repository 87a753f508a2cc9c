"""Sealed dead letters and their replay on a real broker.

A sender publishes with a schema version the running gate does not know yet (a committed
version it was deployed without): the gate dead-letters the messages, sealed. The gate is
redeployed with the version; `jatkumo dlq replay` feeds the letters back, and each event
becomes its fact exactly once, however often the replay runs.
"""

import json
import shutil
import signal
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from services.core.facts import CaseFact
from services.core.receipts import ReceiptOutcome
from services.core.records import DeadLetter
from services.platform.codec import Catalogue
from services.platform.schema_store import load_versions, schemas_dir
from services.sdk import Publisher, ReceiptReader
from tests.support.kafka_io import TopicReader
from tests.support.pipeline import Pipeline
from tests.support.prisoners import PRISON, Prisoners

pytestmark = pytest.mark.integration

PRISONERS = Prisoners("replay", born=date(1988, 4, 30), number=960)
WITHIN = 90.0
PEOPLE = (1, 2)


def _with_newer_release_schema(root: Path) -> Path:
    """A copy of the contract with one more ReleaseDateSet version: same fields, reordered."""
    copy = root / "avro"
    shutil.copytree(schemas_dir(), copy)
    newest = load_versions("ReleaseDateSet")[-1]
    schema = {**newest.schema, "fields": list(reversed(newest.schema["fields"]))}
    path = copy / "ReleaseDateSet" / f"v{newest.version + 1}.avsc"
    path.write_text(json.dumps(schema, indent=2), "utf-8")
    return copy


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    running = Pipeline(
        kafka_bootstrap, tmp_path_factory.mktemp("dlq-replay"), services=("referral",)
    )
    running.start(timeout=120)
    yield running
    running.stop()


def _replay(pipeline: Pipeline) -> str:
    """Run the command in the deployment's environment (its schemas included)."""
    result = pipeline.command("dlq", "replay", "--reason", "unknown_fingerprint")
    assert result.returncode == 0, result.stderr
    return result.stdout


def _facts_of(reader: TopicReader, event_id: str) -> set[str]:
    return {f.fact_id for f in reader.of(CaseFact) if f.event_id == event_id}


def test_dead_letters_are_sealed_and_replay_turns_them_into_facts_once(
    pipeline: Pipeline,
    tmp_path: Path,
) -> None:
    """Unknown-version messages: sealed letters; after the fix, one fact per event, twice run."""
    fixed = _with_newer_release_schema(tmp_path)
    newer = Catalogue(root=fixed)
    names = pipeline.names
    with Publisher(PRISON, pipeline.bootstrap, namespace=names.namespace) as publisher:
        for n in PEOPLE:
            opened = publisher.publish(
                PRISONERS.custody(n), wait_for_receipt=True, receipt_timeout=WITHIN
            )
            assert opened is not None
            assert (opened.outcome, opened.reason_code) == (ReceiptOutcome.ACCEPTED, None)
    with Publisher(
        PRISON, pipeline.bootstrap, namespace=names.namespace, catalogue=newer
    ) as publisher:
        for n in (*PEOPLE, PEOPLE[0]):  # the first one sent twice: two letters, one event
            publisher.publish(PRISONERS.release(n), wait=True)
    reader = TopicReader(pipeline.bootstrap, names.dlq, names.case_facts)
    try:
        reader.wait_for(lambda _: len(reader.of(DeadLetter)) >= 3, WITHIN, "three dead letters")
        for message in reader.raw:
            if message.topic == names.dlq:
                assert PRISONERS.code(1).encode() not in message.value
                assert b"replay-release" not in message.value + (message.key or b"")
        assert {x.reason_code for x in reader.of(DeadLetter)} == {"unknown_fingerprint"}

        pipeline.kill("referral-0", signal.SIGTERM)  # leaves the group at once
        pipeline.env["JATKUMO_SCHEMAS_DIR"] = str(fixed)
        pipeline.start_worker("referral")
        pipeline.wait_ready(WITHIN)

        with ReceiptReader(PRISON, pipeline.bootstrap, namespace=names.namespace) as receipts:
            assert "replayed 2, repeats skipped 1" in _replay(pipeline)
            for n in PEOPLE:
                got = receipts.wait_for(f"replay-release-{n}", WITHIN)
                assert got.outcome == ReceiptOutcome.ACCEPTED
            reader.wait_for(
                lambda _: all(_facts_of(reader, f"replay-release-{n}") for n in PEOPLE),
                WITHIN,
                "the replayed facts",
            )
            first = {n: _facts_of(reader, f"replay-release-{n}") for n in PEOPLE}

            assert "replayed 2, repeats skipped 1" in _replay(pipeline)
            seen = len(receipts.read_for("replay-release-2"))
            deadline = time.monotonic() + WITHIN
            while len(receipts.read_for("replay-release-2")) == seen:  # the second run decided
                assert time.monotonic() < deadline, "no receipt for the second replay"
                list(receipts.receipts(timeout=0.5))
        reader.catch_up()
        assert {n: _facts_of(reader, f"replay-release-{n}") for n in PEOPLE} == first
        assert all(len(ids) == 1 for ids in first.values())
    finally:
        reader.close()
