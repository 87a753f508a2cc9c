"""The HTTPS gateway on a real broker: publishing, refusals, long polls and status reports."""

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from services.core.events import CustodyStarted, ReleaseDateSet
from services.core.facts import CaseFact, FactKind
from services.core.tasks import Task
from services.core.vocabulary import ReleaseType, SentenceType
from services.sdk import Publisher
from tests.support.gateway import GatewayProcess
from tests.support.kafka_io import TopicReader
from tests.support.people import temporary_identity_code
from tests.support.pipeline import Pipeline

pytestmark = pytest.mark.integration

PRISON = "prison-kuopion"
COUNTY = "county-13"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROBLEM = "https://jatkumo.fi/problems/"


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    running = Pipeline(
        kafka_bootstrap,
        tmp_path_factory.mktemp("gateway-pipeline"),
        services=("referral", "handover"),
    )
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def gateway(
    pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GatewayProcess]:
    process = GatewayProcess(pipeline.env, tmp_path_factory.mktemp("gateway"))
    process.start()
    yield process
    process.stop()


def _code(n: int) -> str:
    return temporary_identity_code(date(1985, 2, n), 950 + n)


def _custody(n: int, event_id: str | None = None) -> CustodyStarted:
    return CustodyStarted(
        event_id=event_id or f"gw-custody-{n}",
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
        event_id=f"gw-release-{n}",
        occurred_at=AT,
        source_org=PRISON,
        identity_code=_code(n),
        release_date=date(2026, 12, 1),
        release_type=ReleaseType.CONDITIONAL_RELEASE,
    )


def _json(event: Any) -> dict[str, Any]:
    return {"event_type": type(event).__name__, **event.model_dump(mode="json")}


def _facts_of(reader: TopicReader, event_id: str) -> list[CaseFact]:
    return [f for f in reader.of(CaseFact) if f.event_id == event_id]


def test_https_event_becomes_the_same_case_fact_as_the_avro_one(
    pipeline: Pipeline,
    gateway: GatewayProcess,
) -> None:
    """CustodyStarted over HTTPS (client certificate) and over Avro give equal case facts."""
    with gateway.client(PRISON) as client:
        answer = client.post("/v1/events", json=_json(_custody(1)))
    assert answer.status_code == 202, answer.text
    assert answer.headers["location"] == "/v1/receipts/gw-custody-1"
    with Publisher(PRISON, pipeline.bootstrap, namespace=pipeline.namespace) as publisher:
        publisher.publish(_custody(2), wait=True)
    reader = TopicReader(pipeline.bootstrap, pipeline.names.case_facts)
    reader.wait_for(
        lambda _: (
            bool(_facts_of(reader, "gw-custody-1")) and bool(_facts_of(reader, "gw-custody-2"))
        ),
        what="both facts",
    )
    over_https, over_avro = (
        _facts_of(reader, "gw-custody-1")[0],
        _facts_of(reader, "gw-custody-2")[0],
    )
    reader.close()
    assert over_https.kind == over_avro.kind == FactKind.CASE_OPENED
    assert over_https.detail == over_avro.detail
    different = {"case_id", "person_ref", "opened_at_event_id", "sealed_identity", "event_ids"}
    https_case = over_https.case.model_dump(exclude=different)
    assert https_case == over_avro.case.model_dump(exclude=different)


def test_a_repeated_event_id_gets_the_first_answer_and_is_published_once(
    pipeline: Pipeline,
    gateway: GatewayProcess,
) -> None:
    """Posting one event id twice answers the first answer both times; one message is sent."""
    with gateway.client(token_for=PRISON) as client:
        first = client.post("/v1/events", json=_json(_custody(3, "gw-repeat")))
        second = client.post("/v1/events", json=_json(_custody(4, "gw-repeat")))
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    reader = TopicReader(pipeline.bootstrap, pipeline.names.inbound(PRISON))
    reader.catch_up()
    assert [m.key for m in reader.raw].count(b"gw-repeat") == 1
    reader.close()


@pytest.mark.parametrize(
    ("org", "body", "status", "kind"),
    [
        (COUNTY, _json(_custody(5)) | {"source_org": COUNTY}, 403, "event-type-not-allowed"),
        (COUNTY, _json(_custody(5)), 403, "wrong-organisation"),
        (PRISON, _json(_custody(5)) | {"colour": "blue"}, 422, "unknown-field"),
        (PRISON, _json(_custody(5)) | {"event_type": "Nonsense"}, 422, "unknown-event-type"),
    ],
    ids=["wrong-event-type", "wrong-organisation", "unknown-field", "unknown-event-type"],
)
def test_each_refusal_has_its_own_problem(
    gateway: GatewayProcess, org: str, body: dict[str, Any], status: int, kind: str
) -> None:
    """A refused post answers its own 4xx problem document, naming no value sent."""
    with gateway.client(org) as client:
        answer = client.post("/v1/events", json=body)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == PROBLEM + kind
    assert problem["status"] == status
    assert _code(5) not in answer.text


def test_a_malformed_body_is_a_400_problem(gateway: GatewayProcess) -> None:
    """A body that is not JSON gets the malformed-body problem."""
    with gateway.client(PRISON) as client:
        answer = client.post(
            "/v1/events", content=b"{not json", headers={"content-type": "application/json"}
        )
    assert answer.status_code == 400
    assert answer.json()["type"] == PROBLEM + "malformed-body"


def test_without_credentials_or_with_a_foreign_token_the_answer_is_401(
    gateway: GatewayProcess,
) -> None:
    """No certificate and no token, or a token of another issuer, get the 401 problem."""
    with gateway.client() as client:
        bare = client.get("/v1/tasks")
        foreign = client.get(
            "/v1/tasks",
            headers={"Authorization": f"Bearer {gateway.token(COUNTY, issuer='someone-else')}"},
        )
    assert bare.status_code == foreign.status_code == 401
    assert bare.json()["type"] == foreign.json()["type"] == PROBLEM + "unauthenticated"


def _end_cursor(gateway: GatewayProcess) -> str:
    """The cursor after every task the county has now."""
    after = ""
    with gateway.client(COUNTY) as client:
        while True:
            answer = client.get("/v1/tasks", params={"after": after, "limit": 500})
            assert answer.status_code == 200, answer.text
            if not answer.json()["tasks"]:
                return after
            after = answer.json()["next"]


def _poll(gateway: GatewayProcess, after: str, wait: float) -> tuple[httpx.Response, float]:
    with gateway.client(COUNTY, timeout=wait + 30) as client:
        answer = client.get("/v1/tasks", params={"after": after, "wait": wait})
    return answer, time.time()


def test_a_long_poll_returns_a_task_within_a_second_of_its_issue(
    pipeline: Pipeline,
    gateway: GatewayProcess,
) -> None:
    """A waiting poll answers with the new task less than a second after it is written."""
    start = _end_cursor(gateway)
    answers: list[tuple[httpx.Response, float]] = []
    poller = threading.Thread(target=lambda: answers.append(_poll(gateway, start, 30)))
    poller.start()
    with gateway.client(PRISON) as client:
        for event in (_custody(6), _release(6)):
            assert client.post("/v1/events", json=_json(event)).status_code == 202
    poller.join(timeout=60)
    answer, returned_at = answers[0]
    assert answer.status_code == 200
    tasks = answer.json()["tasks"]
    assert tasks, "the poll ended without a task"
    reader = TopicReader(pipeline.bootstrap, pipeline.names.tasks(COUNTY))
    reader.wait_for(
        lambda _: any(
            Task.model_validate(t).task_id == tasks[0]["task_id"]
            for t in [r.model_dump() for r in reader.of(Task)]
        ),
        what="the polled task on the topic",
    )
    written = (
        next(
            m.timestamp
            for m, (_, r) in zip(reader.raw, reader.records, strict=True)
            if isinstance(r, Task) and r.task_id == tasks[0]["task_id"]
        )
        / 1000
    )
    reader.close()
    assert returned_at - written < 1.0


def test_a_status_posted_over_https_becomes_a_case_fact_for_the_followup_rules(
    pipeline: Pipeline,
    gateway: GatewayProcess,
) -> None:
    """POST /v1/tasks/{id}/status publishes TaskStatusChanged; case-facts carries the change."""
    with gateway.client(PRISON) as client:
        for event in (_custody(7), _release(7)):
            assert client.post("/v1/events", json=_json(event)).status_code == 202
    reader = TopicReader(pipeline.bootstrap, pipeline.names.case_facts)
    reader.wait_for(lambda _: bool(_facts_of(reader, "gw-release-7")), what="the release fact")
    person_ref = _facts_of(reader, "gw-release-7")[0].person_ref
    with gateway.client(COUNTY) as client:
        task = _wait_for_task(client, person_ref)
        answer = client.post(f"/v1/tasks/{task['task_id']}/status", json={"status": "accepted"})
        unknown = client.post("/v1/tasks/no-such-task/status", json={"status": "accepted"})
    assert answer.status_code == 202, answer.text
    assert unknown.status_code == 404
    reader.wait_for(
        lambda _: any(
            f.kind == FactKind.TASK_STATUS_CHANGED and f.detail.task_id == task["task_id"]
            for f in reader.of(CaseFact)
        ),
        what="the task status fact",
    )
    reader.close()


def _wait_for_task(client: httpx.Client, person_ref: str) -> dict[str, Any]:
    after = ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = client.get("/v1/tasks", params={"after": after, "wait": 5}).json()
        for task in page["tasks"]:
            if task["person_ref"] == person_ref:
                return dict(task)
        after = page["next"]
    raise AssertionError("no task for the person within 60 s")
