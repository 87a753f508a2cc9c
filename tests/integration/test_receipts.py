"""Receipts on a real broker: every sender learns what became of each message it sent."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from services.core.events import ClientPlanAgreed, CustodyStarted, ReleaseDateSet
from services.core.receipts import ReceiptOutcome
from services.core.vocabulary import ReleaseType, SentenceType
from services.sdk import Publisher, ReceiptReader
from tests.support.people import temporary_identity_code
from tests.support.pipeline import Pipeline

pytestmark = pytest.mark.integration

PRISON = "prison-kuopion"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WITHIN = 60.0


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    running = Pipeline(kafka_bootstrap, tmp_path_factory.mktemp("receipts"), services=("referral",))
    running.start(timeout=120)
    yield running
    running.stop()


def _code(n: int) -> str:
    return temporary_identity_code(date(1990, 1, 1 + n), 940 + n)


def _custody(n: int) -> CustodyStarted:
    return CustodyStarted(
        event_id=f"receipt-custody-{n}",
        occurred_at=AT,
        source_org=PRISON,
        identity_code=_code(n),
        prison=PRISON,
        sentence_type=SentenceType.LONG_TERM,
        sentence_start=date(2026, 3, 1),
        home_municipality="297",
    )


def _release(n: int) -> ReleaseDateSet:
    return ReleaseDateSet(
        event_id=f"receipt-release-{n}",
        occurred_at=AT,
        source_org=PRISON,
        identity_code=_code(n),
        release_date=date(2026, 12, 1),
        release_type=ReleaseType.CONDITIONAL_RELEASE,
    )


def _not_for_prisons(n: int) -> ClientPlanAgreed:
    return ClientPlanAgreed(
        event_id=f"receipt-plan-{n}",
        occurred_at=AT,
        source_org=PRISON,
        identity_code=_code(n),
        review_date=date(2026, 12, 1),
    )


def _publisher(pipeline: Pipeline) -> Publisher:
    return Publisher(PRISON, pipeline.bootstrap, namespace=pipeline.namespace)


def test_the_sdk_awaits_an_accepted_receipt(pipeline: Pipeline) -> None:
    """`publish(..., wait_for_receipt=True)` returns the event's final `accepted` receipt."""
    with _publisher(pipeline) as publisher:
        receipt = publisher.publish(_custody(1), wait_for_receipt=True, receipt_timeout=WITHIN)
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
        publisher.publish(_release(3), wait=True)
        reader.wait_for("receipt-release-3", WITHIN, final=False)
        publisher.publish(_custody(3), wait=True)
        reader.wait_for("receipt-release-3", WITHIN)
        outcomes = [r.outcome for r in reader.read_for("receipt-release-3")]
    assert outcomes == [ReceiptOutcome.HELD, ReceiptOutcome.ACCEPTED]


def test_a_resent_duplicate_gets_the_first_outcome_again(pipeline: Pipeline) -> None:
    """Sending an accepted event again repeats the same receipt, not a second decision."""
    with _publisher(pipeline) as publisher:
        first = publisher.publish(_custody(4), wait_for_receipt=True, receipt_timeout=WITHIN)
    with _publisher(pipeline) as publisher:
        again = publisher.publish(_custody(4), wait_for_receipt=True, receipt_timeout=WITHIN)
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
        publisher.publish(_custody(5), wait_for_receipt=True, receipt_timeout=WITHIN)
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
