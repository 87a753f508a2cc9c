"""Interop with Apache Avro for Java: each side reads what the other writes, and the pipeline
processes an event encoded by Java as it does one from the SDK."""

import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastavro import parse_schema, schemaless_writer

from services.core.events import CustodyStarted
from services.core.facts import CaseFact, FactKind
from services.core.tasks import Task, TaskKind
from services.core.vocabulary import ReleaseType, SentenceType
from services.platform.codec import MARKER, Catalogue
from services.platform.schema_store import load_versions, schemas_dir
from services.sdk import Publisher
from tests.support.kafka_io import TopicReader
from tests.support.pipeline import Pipeline
from tests.support.prisoners import PRISON, Prisoners

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[2] / "interop" / "java"
PRISONERS = Prisoners("java", born=date(1985, 4, 30), number=900)


def _custody(n: int, **changes: object) -> CustodyStarted:
    """A short sentence with every optional field of the record set, names included."""
    full = {
        "sentence_type": SentenceType.SHORT_TERM,
        "expected_release": date(2026, 9, 1),
        "full_name": "Testi Testinen",
        "phone": "+358 40 000 0000",
    }
    return PRISONERS.custody(n, **{**full, **changes})
CATALOGUE = Catalogue()


@pytest.fixture(scope="module")
def java() -> list[str]:
    """The command that runs the Java program, after `mvn -q -B package` (jars cached in ~/.m2)."""
    if shutil.which("mvn") is None or shutil.which("java") is None:
        pytest.fail("a JDK and Maven are needed for the Java interop test")
    subprocess.run(["mvn", "-q", "-B", "package"], cwd=PROJECT, check=True, timeout=600)
    classpath = (PROJECT / "target" / "classpath.txt").read_text("utf-8").strip()
    return [
        "java",
        "-cp",
        f"{PROJECT / 'target' / 'classes'}:{classpath}",
        "fi.jatkumo.interop.Interop",
    ]


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    running = Pipeline(
        kafka_bootstrap, tmp_path_factory.mktemp("java-interop"), services=("referral", "handover")
    )
    running.start()
    yield running
    running.stop()


def _run(java: list[str], *args: str) -> str:
    result = subprocess.run([*java, *args], capture_output=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8")


def _prepares(task: Task, release: date) -> bool:
    return task.kind == TaskKind.RELEASE_PREPARATION and task.payload.release_date == release


def _java_release(java: list[str], path: Path, n: int) -> bytes:
    _run(
        java,
        "encode-release-date-set",
        str(schemas_dir()),
        str(path),
        f"java-release-{n}",
        PRISON,
        PRISONERS.code(n),
        "2026-12-01",
        "conditional_release",
        "2026-03-02T09:00:00Z",
    )
    return path.read_bytes()


def test_java_decodes_what_python_encodes(java: list[str], tmp_path: Path) -> None:
    """A CustodyStarted from the Python codec reads in Java with every field equal."""
    event = _custody(1)
    (tmp_path / "custody.bin").write_bytes(CATALOGUE.encode(event))
    decoded = json.loads(_run(java, "decode", str(schemas_dir()), str(tmp_path / "custody.bin")))
    assert decoded == {"record": "CustodyStarted", "fields": event.model_dump(mode="json")}


def test_java_reads_an_older_version_into_the_newest(java: list[str], tmp_path: Path) -> None:
    """A CustodyStarted written with schema v1 (no phone) resolves in Java to the newest."""
    v1 = load_versions("CustodyStarted")[0]
    body = _custody(2).model_dump(mode="python")
    del body["phone"]
    buffer = io.BytesIO()
    buffer.write(MARKER + v1.fingerprint)
    schemaless_writer(buffer, parse_schema(v1.schema), body)
    (tmp_path / "v1.bin").write_bytes(buffer.getvalue())
    decoded = json.loads(_run(java, "decode", str(schemas_dir()), str(tmp_path / "v1.bin")))
    assert decoded["fields"]["phone"] is None
    assert decoded["fields"]["sentence_type"] == "short_term"


def test_python_decodes_what_java_encodes(java: list[str], tmp_path: Path) -> None:
    """A ReleaseDateSet from Java's BinaryMessageEncoder decodes into the Python model."""
    data = _java_release(java, tmp_path / "release.bin", 3)
    assert data[:10] == MARKER + load_versions("ReleaseDateSet")[-1].fingerprint
    assert CATALOGUE.decode(data) == PRISONERS.release(3)


def test_pipeline_processes_a_java_encoded_event(
    java: list[str], pipeline: Pipeline, tmp_path: Path
) -> None:
    """Java's ReleaseDateSet bytes on a prison's inbound topic give a fact and, under the
    prisoner's consent, a county task for that date."""
    data = _java_release(java, tmp_path / "release.bin", 4)
    with Publisher(PRISON, pipeline.bootstrap, namespace=pipeline.namespace) as publisher:
        publisher.publish(_custody(4, full_name=None, phone=None), wait=True)
        publisher.publish(PRISONERS.consent(4), wait=True)
        publisher.publish_raw(data, key=b"java-release-4", wait=True)
    names = pipeline.names
    reader = TopicReader(pipeline.bootstrap, names.case_facts, names.tasks("county-13"))
    try:
        reader.wait_for(
            lambda _: (
                any(f.event_id == "java-release-4" for f in reader.of(CaseFact))
                and any(_prepares(t, date(2026, 12, 1)) for t in reader.of(Task))
            ),
            what="the fact of java-release-4 and a release_preparation task for county 13",
        )
        fact = next(f for f in reader.of(CaseFact) if f.event_id == "java-release-4")
        assert fact.kind == FactKind.RELEASE_DATE_SET
        assert fact.case.release_date == date(2026, 12, 1)
        assert fact.case.release_type == ReleaseType.CONDITIONAL_RELEASE
        task = next(t for t in reader.of(Task) if _prepares(t, date(2026, 12, 1)))
        assert task.recipient_org == "county-13"
        assert task.person_ref == fact.person_ref
    finally:
        reader.close()
