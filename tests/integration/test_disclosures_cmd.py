"""`jatkumo disclosures --identity-code`: a person's disclosure history from the audit topic."""

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from kafka import KafkaProducer

from services.core.identity import person_ref
from services.core.records import DisclosureRecord
from services.core.tasks import Basis, BasisKind, TaskKind
from services.core.vocabulary import Category
from services.platform.codec import Catalogue
from services.platform.settings import DEV_SECRET
from tests.support.people import temporary_identity_code
from tests.support.pipeline import Pipeline

pytestmark = pytest.mark.integration

CODE = temporary_identity_code(date(1985, 6, 1), 931)
OTHER = temporary_identity_code(date(1985, 6, 2), 932)
AT = datetime(2026, 4, 1, 10, tzinfo=UTC)


def _record(code: str, n: int) -> DisclosureRecord:
    return DisclosureRecord(
        disclosure_id=f"d-{code[-4:]}-{n}",
        task_id=f"t-{n}",
        task_kind=TaskKind.RELEASE_PREPARATION,
        person_ref=person_ref(code, DEV_SECRET.encode()),
        case_id="c-1",
        recipient_org="county-13",
        categories=[Category.RELEASE_SCHEDULE],
        bases=[Basis(kind=BasisKind.CONSENT, ref="consent-1")],
        consent_ids=["consent-1"],
        rules_version="2026-11-1",
        disclosed_at=AT + timedelta(days=n),
    )


def test_history_lists_only_that_persons_disclosures(kafka_bootstrap: str, tmp_path: Path) -> None:
    """Records of the person (sent twice) are listed once each; others' are not; no code shown."""
    pipeline = Pipeline(kafka_bootstrap, tmp_path, services=())
    pipeline.apply_topics()
    catalogue = Catalogue()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    for record in [_record(CODE, 1), _record(CODE, 2), _record(CODE, 1), _record(OTHER, 3)]:
        producer.send(
            pipeline.names.disclosures,
            key=record.person_ref.encode(),
            value=catalogue.encode(record),
        )
    producer.flush()
    producer.close()
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "disclosures", "--identity-code", CODE, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "JATKUMO_NAMESPACE": pipeline.namespace,
        },
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["disclosure_id"] for line in lines] == [f"d-{CODE[-4:]}-1", f"d-{CODE[-4:]}-2"]
    assert CODE not in result.stdout + result.stderr


def test_invalid_identity_code_is_refused_without_echoing_it(kafka_bootstrap: str) -> None:
    """A malformed code fails with a clear message that does not repeat the code."""
    bad = CODE[:-1] + ("X" if CODE[-1] != "X" else "Y")
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "disclosures", "--identity-code", bad],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap},
    )
    assert result.returncode != 0
    assert "check character" in result.stdout + result.stderr
    assert bad not in result.stdout + result.stderr
