"""Receipts on a real broker: every sender learns what became of each message it sent."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from kafka import KafkaProducer

from services.core.events import ClientPlanAgreed
from services.core.receipts import ReceiptOutcome, make_receipt
from services.sdk import Publisher, ReceiptReader
from tests.support.kafka_io import CATALOGUE
from tests.support.pipeline import Pipeline
from tests.support.prisoners import AT, PRISON, Prisoners

pytestmark = pytest.mark.integration

PEOPLE = Prisoners("receipt", born=date(1990, 1, 1), number=940)
WITHIN = 60.0


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    running = Pipeline(kafka_bootstrap, tmp_path_factory.mktemp("receipts"), services=("referral",))
    running.start(timeout=120)
    yield running
    running.stop()


def _not_for_prisons(n: int) -> ClientPlanAgreed:
    return ClientPlanAgreed(
        event_id=f"receipt-plan-{n}",
        occurred_at=AT,
        source_org=PRISON,
        identity_code=PEOPLE.code(n),
        review_date=date(2026, 12, 1),
    )


def _publisher(pipeline: Pipeline) -> Publisher:
    return Publisher(PRISON, pipeline.bootstrap, namespace=pipeline.namespace)


def test_the_sdk_awaits_an_accepted_receipt(pipeline: Pipeline) -> None:
    """`publish(..., wait_for_receipt=True)` returns the event's final `accepted` receipt."""
    with _publisher(pipeline) as publisher:
        receipt = publisher.publish(
            PEOPLE.custody(1), wait_for_receipt=True, receipt_timeout=WITHIN
        )
    assert receipt is not None
    assert (receipt.event_id, receipt.outcome, receipt.final) == (
        "receipt-custody-1",
        ReceiptOutcome.ACCEPTED,
        True,
    )
    assert receipt.topic == pipeline.names.inbound(PRISON)


def test_a_refused_message_gets_a_rejected_receipt_with_its_reason(pipeline: Pipeline) -> None:
    """An event the sender may not send is rejected with `unauthorised_event_type`."""
    with _publisher(pipeline) as publisher:
        receipt = publisher.publish(
            _not_for_prisons(2), wait_for_receipt=True, receipt_timeout=WITHIN
        )
    assert receipt is not None
    assert (receipt.outcome, receipt.reason_code) == (
        ReceiptOutcome.REJECTED,
        "unauthorised_event_type",
    )
    assert "ClientPlanAgreed" in (receipt.reason or "")


def test_a_held_message_is_held_then_accepted(pipeline: Pipeline) -> None:
    """An event before its case gets `held`, then `accepted` once CustodyStarted opens it."""
    reader = ReceiptReader(PRISON, pipeline.bootstrap, namespace=pipeline.namespace)
    with _publisher(pipeline) as publisher, reader:
        publisher.publish(PEOPLE.release(3), wait=True)
        reader.wait_for("receipt-release-3", WITHIN, final=False)
        publisher.publish(PEOPLE.custody(3), wait=True)
        reader.wait_for("receipt-release-3", WITHIN)
        outcomes = [r.outcome for r in reader.read_for("receipt-release-3")]
    assert outcomes == [ReceiptOutcome.HELD, ReceiptOutcome.ACCEPTED]


def test_a_resent_duplicate_gets_the_first_outcome_again(pipeline: Pipeline) -> None:
    """Sending an accepted event again repeats the same receipt, not a second decision."""
    with _publisher(pipeline) as publisher:
        first = publisher.publish(PEOPLE.custody(4), wait_for_receipt=True, receipt_timeout=WITHIN)
    with _publisher(pipeline) as publisher:
        again = publisher.publish(PEOPLE.custody(4), wait_for_receipt=True, receipt_timeout=WITHIN)
    assert first is not None
    assert again is not None
    assert (again.outcome, again.receipt_id) == (first.outcome, first.receipt_id)


def test_an_unreadable_message_is_named_by_its_position(pipeline: Pipeline) -> None:
    """Bytes that are not a record get a receipt keyed by topic, partition and offset."""
    reader = ReceiptReader(PRISON, pipeline.bootstrap, namespace=pipeline.namespace)
    with _publisher(pipeline) as publisher, reader:
        publisher.publish_raw(b"not avro", key=b"garbage-1", wait=True)
        got = next(r for r in reader.receipts(timeout=WITHIN) if r.event_id is None)
    assert (got.outcome, got.reason_code, got.topic) == (
        ReceiptOutcome.REJECTED,
        "bad_marker",
        pipeline.names.inbound(PRISON),
    )


def test_receipts_tail_prints_the_organisations_receipts(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    """`jatkumo receipts tail --org X --json` shows the receipts sent to X."""
    with _publisher(pipeline) as publisher:
        publisher.publish(PEOPLE.custody(5), wait_for_receipt=True, receipt_timeout=WITHIN)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.cli",
            "receipts",
            "tail",
            "--org",
            PRISON,
            "--json",
            "--idle",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": pipeline.bootstrap,
            "JATKUMO_NAMESPACE": pipeline.namespace,
        },
    )
    assert result.returncode == 0, result.stderr
    shown = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"event_id": "receipt-custody-5", "outcome": "accepted"}.items() <= next(
        line for line in shown if line["event_id"] == "receipt-custody-5"
    ).items()


def test_waiting_for_one_receipt_keeps_the_others_its_poll_returned(pipeline: Pipeline) -> None:
    """Two receipts fetched in one poll: waiting for the first does not lose the second."""
    names = pipeline.names
    with ReceiptReader(PRISON, pipeline.bootstrap, namespace=names.namespace) as reader:
        producer = KafkaProducer(bootstrap_servers=pipeline.bootstrap)
        for event_id in ("receipt-together-1", "receipt-together-2"):
            receipt = make_receipt(
                PRISON, event_id, names.inbound(PRISON), 0, 0, ReceiptOutcome.ACCEPTED, AT
            )
            producer.send(
                names.receipts(PRISON),
                key=event_id.encode(),
                value=CATALOGUE.encode(receipt),
                partition=0,
            )
        producer.flush()
        producer.close()
        assert reader.wait_for("receipt-together-1", WITHIN).event_id == "receipt-together-1"
        assert reader.wait_for("receipt-together-2", 5.0).event_id == "receipt-together-2"
