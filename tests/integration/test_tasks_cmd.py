"""`jatkumo tasks tail | ack` against a real broker: read an org's tasks, answer one."""

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import IO

import pytest
from kafka import KafkaProducer
from typer.testing import CliRunner

from services.cli import app
from services.core.events import TaskStatusChanged
from services.core.organisations import default_registry
from services.core.tasks import Priority, Task, TaskKind, TaskPayload
from services.core.vocabulary import TaskStatus
from services.platform.admin import apply_topics
from services.platform.codec import Catalogue
from services.platform.topics import TopicNames, catalogue
from tests.support.kafka_io import TopicReader

pytestmark = pytest.mark.integration

ORG = "county-13"
PERSON = "p-" + "c" * 40


@pytest.fixture(scope="module")
def namespace(kafka_bootstrap: str) -> str:
    """A fresh namespace with the topics and one task for county 13."""
    name = "t" + uuid.uuid4().hex[:8]
    apply_topics(kafka_bootstrap, catalogue(default_registry(), TopicNames(name), 3))
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    task = Task(
        task_id="task-cli-1",
        kind=TaskKind.RELEASED,
        case_id="c",
        person_ref=PERSON,
        recipient_org=ORG,
        created_at=at,
        due_at=at,
        priority=Priority.HIGH,
        reason_code="first_meeting",
        payload=TaskPayload.model_validate({}),
        rules_version="1",
    )
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    producer.send(TopicNames(name).tasks(ORG), key=PERSON.encode(), value=Catalogue().encode(task))
    producer.flush(timeout=30)
    producer.close()
    return name


def _run(bootstrap: str, namespace: str, *args: str) -> tuple[int, str]:
    env = {"KAFKA_BOOTSTRAP_SERVERS": bootstrap, "JATKUMO_NAMESPACE": namespace}
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_tail_prints_the_org_tasks_as_json(kafka_bootstrap: str, namespace: str) -> None:
    """`tasks tail --json --no-follow` prints each task on the org's topic as one JSON line."""
    code, output = _run(
        kafka_bootstrap, namespace, "tasks", "tail", "--org", ORG, "--json", "--no-follow"
    )
    assert code == 0, output
    tasks = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert [t["task_id"] for t in tasks] == ["task-cli-1"]


def _pump(stream: IO[str], sink: "queue.Queue[str]") -> None:
    for line in stream:
        sink.put(line)


def test_tail_speaks_finnish_with_a_finnish_locale(kafka_bootstrap: str, namespace: str) -> None:
    """With LANG=fi_FI.UTF-8 `jatkumo tasks tail` prints its heading and each task in Finnish."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"JATKUMO_LANG", "LC_ALL", "LC_MESSAGES"}
    }
    env |= {
        "LANG": "fi_FI.UTF-8",
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "JATKUMO_NAMESPACE": namespace,
        "COLUMNS": "300",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "services.cli", "tasks", "tail", "--org", ORG]
    lines: queue.Queue[str] = queue.Queue()
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as tail:
        assert tail.stdout is not None
        threading.Thread(target=_pump, args=(tail.stdout, lines), daemon=True).start()
        seen: list[str] = []
        deadline = time.monotonic() + 90
        try:
            while not any("task-cli-1" in line for line in seen):
                assert time.monotonic() < deadline, "".join(seen)
                with contextlib.suppress(queue.Empty):
                    seen.append(lines.get(timeout=1))
        finally:
            tail.terminate()
    output = "".join(seen)
    assert f"organisaation {ORG} tehtävät" in output
    assert "Vapautuminen" in output
    assert "määräaika 2.3.2026" in output
    assert "Ensitapaaminen vapautumisen jälkeen" in output


def test_ack_looks_up_the_person_and_publishes_the_status(
    kafka_bootstrap: str, namespace: str
) -> None:
    """`tasks ack` finds the task's person_ref and publishes TaskStatusChanged as the org."""
    code, output = _run(
        kafka_bootstrap,
        namespace,
        "tasks",
        "ack",
        "task-cli-1",
        "--org",
        ORG,
        "--status",
        "accepted",
    )
    assert code == 0, output
    reader = TopicReader(kafka_bootstrap, TopicNames(namespace).inbound(ORG))
    reader.wait_for(lambda _: bool(reader.of(TaskStatusChanged)), what="the status event")
    event = reader.of(TaskStatusChanged)[0]
    assert (event.task_id, event.status, event.person_ref, event.source_org) == (
        "task-cli-1",
        TaskStatus.ACCEPTED,
        PERSON,
        ORG,
    )
    reader.close()


def test_unknown_org_says_how_to_find_codes(kafka_bootstrap: str, namespace: str) -> None:
    """A mistyped organisation code fails with a pointer to `jatkumo tasks orgs`."""
    code, output = _run(kafka_bootstrap, namespace, "tasks", "tail", "--org", "county-99")
    assert code == 1
    assert "jatkumo tasks orgs" in output


def test_missing_namespace_topics_are_explained(kafka_bootstrap: str) -> None:
    """Pointing at a namespace without topics says to set JATKUMO_NAMESPACE."""
    code, output = _run(kafka_bootstrap, "nosuchnamespace", "tasks", "tail", "--org", ORG)
    assert code == 1
    assert "JATKUMO_NAMESPACE" in output


def test_unreachable_broker_says_how_to_start_one() -> None:
    """With no broker at the address, the error says how to start one."""
    code, output = _run("127.0.0.1:1", "x", "tasks", "tail", "--org", ORG)
    assert code == 1
    assert "jatkumo broker start" in output
