"""The HTTPS gateway on a real broker: publishing, refusals, long polls and status reports."""

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from kafka import KafkaProducer
from pydantic import BaseModel

from services.core.events import ConsentGiven, CustodyStarted, ReleaseDateSet
from services.core.facts import CaseFact, FactKind
from services.core.receipts import ReceiptOutcome, make_receipt
from services.core.records import Alert, AlertRule, AlertState
from services.core.tasks import Task
from services.core.vocabulary import (
    Category,
    ConsentCollection,
    ReleaseType,
    SentenceType,
    TaskStatus,
)
from services.gateway import fhir
from services.sdk import Publisher
from tests.support.gateway import GatewayProcess
from tests.support.kafka_io import CATALOGUE, TopicReader
from tests.support.people import temporary_identity_code
from tests.support.pipeline import Pipeline
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.integration

PRISON = "prison-kuopion"
COUNTY = "county-13"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROBLEM = "https://jatkumo.fi/problems/"
WEBHOOK_SECRET = "county-13-webhook-secret"


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    running = Pipeline(
        kafka_bootstrap,
        tmp_path_factory.mktemp("gateway-pipeline"),
        services=("referral", "handover"),
    )
    try:
        running.start(timeout=240)  # a loaded machine starts workers slowly
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    """County 13's webhook: refuses the first deliveries for a while, then recovers."""
    with WebhookReceiver(WEBHOOK_SECRET) as running:
        yield running


@pytest.fixture(scope="module")
def gateway(
    pipeline: Pipeline, receiver: WebhookReceiver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GatewayProcess]:
    work = tmp_path_factory.mktemp("gateway")
    hooks = work / "webhooks.json"
    env = {
        **pipeline.env,
        "JATKUMO_GATEWAY_WEBHOOKS_FILE": str(hooks),
        "JATKUMO_GATEWAY_WEBHOOK_ALERT_AFTER_SECONDS": "0.3",
    }
    process = GatewayProcess(env, work)
    try:
        process.start()
        with process.client(COUNTY) as client:
            registered = client.put(
                "/v1/webhook", json={"url": receiver.url, "secret": WEBHOOK_SECRET}
            )
        assert registered.status_code == 200, registered.text
        yield process
    finally:
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


def _prisoner_consent(n: int) -> ConsentGiven:
    """The prisoner's consent to tell county 13 who they are and when they leave."""
    return ConsentGiven(
        event_id=f"gw-consent-{n}",
        occurred_at=AT,
        source_org=PRISON,
        identity_code=_code(n),
        consent_id=f"gw-prisoner-consent-{n}",
        categories=[Category.IDENTITY, Category.RELEASE_SCHEDULE],
        recipients=[COUNTY],
        purpose="release_planning",
        valid_from=date(2026, 3, 1),
        valid_until=date(2027, 3, 1),
        collection_method=ConsentCollection.WRITTEN,
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
        for event in (_custody(6), _prisoner_consent(6), _release(6)):
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
        for event in (_custody(7), _prisoner_consent(7), _release(7)):
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


# FHIR R4 ------------------------------------------------------------------------------------

HAPI = Path(__file__).resolve().parents[2] / "interop" / "fhir-validator"
FHIR_JSON = "application/fhir+json"
QUICK_JVM = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
"""A short run: the quick compiler only and one GC thread take half the CPU time."""


@dataclass
class FhirExchange:
    """What the gateway answered over /fhir, and the folder holding every resource it sent."""

    person_ref: str
    task_id: str
    fhir_id: str
    bundle: dict[str, Any]
    put: httpx.Response
    patch: httpx.Response
    consent_sent: dict[str, Any]
    consent: httpx.Response
    other_owner: httpx.Response
    folder: Path


def _consent_resource(person_ref: str) -> dict[str, Any]:
    event = ConsentGiven(
        event_id="unused",
        occurred_at=AT,
        source_org=COUNTY,
        person_ref=person_ref,
        consent_id="gw-consent-8",
        categories=[Category.NEEDS, Category.CONTACT_PERSONS],
        recipients=["ngo-polku"],
        purpose="service_path",
        valid_from=date(2026, 3, 1),
        valid_until=date(2027, 3, 1),
        collection_method=ConsentCollection.WRITTEN,
    )
    return fhir.to_fhir_consent(event).model_dump(mode="json")


@pytest.fixture(scope="module")
def exchange(
    pipeline: Pipeline,
    gateway: GatewayProcess,
    tmp_path_factory: pytest.TempPathFactory,
) -> FhirExchange:
    """A task for county 13, then search, PUT, PATCH and a Consent over /fhir."""
    folder = tmp_path_factory.mktemp("fhir-produced")
    with gateway.client(PRISON) as client:
        for event in (_custody(8), _prisoner_consent(8), _release(8)):
            assert client.post("/v1/events", json=_json(event)).status_code == 202
    reader = TopicReader(pipeline.bootstrap, pipeline.names.case_facts)
    reader.wait_for(lambda _: bool(_facts_of(reader, "gw-release-8")), what="the release fact")
    person_ref = _facts_of(reader, "gw-release-8")[0].person_ref
    reader.close()
    with gateway.client(COUNTY) as client:
        task_id = _wait_for_task(client, person_ref)["task_id"]
        bundle = client.get("/fhir/Task", params={"owner": f"Organization/{COUNTY}"}).json()
        fhir_id = next(
            e["resource"]["id"]
            for e in bundle["entry"]
            if e["resource"]["identifier"][0]["value"] == task_id
        )
        resource = next(e["resource"] for e in bundle["entry"] if e["resource"]["id"] == fhir_id)
        put = client.put(
            f"/fhir/Task/{fhir_id}",
            json=resource | {"status": "accepted"},
            headers={"content-type": FHIR_JSON},
        )
        patch = client.patch(
            f"/fhir/Task/{fhir_id}",
            content=json.dumps([{"op": "replace", "path": "/status", "value": "in-progress"}]),
            headers={"content-type": "application/json-patch+json"},
        )
        consent_sent = _consent_resource(person_ref)
        consent = client.post("/fhir/Consent", json=consent_sent)
        other_owner = client.get("/fhir/Task", params={"owner": "Organization/county-02"})
        metadata = client.get("/fhir/metadata")
    for name, body in (
        ("bundle", bundle),
        ("task-put", put.json()),
        ("task-patch", patch.json()),
        ("consent", consent.json()),
        ("metadata", metadata.json()),
    ):
        (folder / f"{name}.json").write_text(json.dumps(body), "utf-8")
    return FhirExchange(
        person_ref, task_id, fhir_id, bundle, put, patch, consent_sent, consent, other_owner, folder
    )


def test_fhir_task_search_returns_the_callers_tasks_in_a_searchset_bundle(
    exchange: FhirExchange,
) -> None:
    """GET /fhir/Task gives a searchset Bundle of Tasks owned by the caller, with due dates."""
    assert exchange.bundle["resourceType"] == "Bundle"
    assert exchange.bundle["type"] == "searchset"
    owners = {e["resource"]["owner"]["identifier"]["value"] for e in exchange.bundle["entry"]}
    assert owners == {COUNTY}
    mine = next(
        e["resource"] for e in exchange.bundle["entry"] if e["resource"]["id"] == exchange.fhir_id
    )
    assert mine["restriction"]["period"]["end"]
    assert mine["for"]["identifier"]["value"] in (exchange.person_ref, _code(8))


def test_fhir_search_for_another_owner_is_refused(exchange: FhirExchange) -> None:
    """owner must be the calling organisation: a 403 problem otherwise."""
    assert exchange.other_owner.status_code == 403
    assert exchange.other_owner.json()["type"] == PROBLEM + "not-your-tasks"


def test_fhir_put_and_patch_of_task_status_become_task_status_changed(
    pipeline: Pipeline,
    exchange: FhirExchange,
) -> None:
    """PUT status accepted and PATCH status in-progress reach case-facts as status changes."""
    assert exchange.put.status_code == 200, exchange.put.text
    assert exchange.put.json()["status"] == "accepted"
    assert exchange.patch.json()["status"] == "in-progress"
    reader = TopicReader(pipeline.bootstrap, pipeline.names.case_facts)
    reader.wait_for(
        lambda _: (
            {
                f.detail.task_status
                for f in reader.of(CaseFact)
                if f.detail.task_id == exchange.task_id
            }
            >= {TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS}
        ),
        what="both status facts",
    )
    reader.close()


def test_fhir_consent_becomes_consent_given_and_round_trips(
    pipeline: Pipeline,
    exchange: FhirExchange,
) -> None:
    """POST /fhir/Consent answers the Consent as recorded (equal to the one sent) and the
    case gets the consent."""
    assert exchange.consent.status_code == 201, exchange.consent.text
    assert exchange.consent.json() == exchange.consent_sent
    reader = TopicReader(pipeline.bootstrap, pipeline.names.case_facts)
    reader.wait_for(
        lambda _: any(
            f.kind == FactKind.CONSENT_GIVEN and f.detail.consent_id == "gw-consent-8"
            for f in reader.of(CaseFact)
        ),
        what="the consent fact",
    )
    reader.close()


def _build_validator() -> None:
    """`mvn package` unless the classes are newer than the sources (a JVM start is costly)."""
    sources = [HAPI / "pom.xml", *(HAPI / "src").rglob("*.java")]
    built = HAPI / "target" / "classpath.txt"
    if built.exists() and all(s.stat().st_mtime < built.stat().st_mtime for s in sources):
        return
    subprocess.run(["mvn", "-q", "-B", "package"], cwd=HAPI, check=True, timeout=600)


def test_hapi_validator_finds_no_error_in_any_resource_the_gateway_produced(
    exchange: FhirExchange,
) -> None:
    """The HAPI FHIR R4 instance validator reports 0 errors on every resource answered."""
    if shutil.which("mvn") is None or shutil.which("java") is None:
        pytest.fail("a JDK and Maven are needed for the HAPI FHIR validator")
    _build_validator()
    classpath = (HAPI / "target" / "classpath.txt").read_text("utf-8").strip()
    result = subprocess.run(
        [
            "java",
            *QUICK_JVM,
            "-cp",
            f"{HAPI / 'target' / 'classes'}:{classpath}",
            "fi.jatkumo.fhir.Validate",
            str(exchange.folder),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    checked = [line for line in result.stdout.splitlines() if " errors=" in line]
    assert len(checked) == 6, result.stdout
    assert result.stdout.splitlines()[-1] == "total errors=0", result.stdout


# Webhooks -----------------------------------------------------------------------------------


def test_webhook_registered_over_https_gets_every_task_once_per_delivery_id_in_order(
    pipeline: Pipeline,
    gateway: GatewayProcess,
    receiver: WebhookReceiver,
) -> None:
    """Registered with PUT /v1/webhook, and after refusing for a while, the receiver holds each
    task of the topic exactly once, per person in topic order, every signature valid."""
    topic = TopicReader(pipeline.bootstrap, pipeline.names.tasks(COUNTY))
    topic.catch_up()
    on_topic: list[Task] = topic.of(Task)
    topic.close()
    assert on_topic, "earlier tests issue tasks for the county"
    wanted = {t.task_id for t in on_topic}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with receiver.lock:
            if wanted <= {task["task_id"] for _, task in receiver.received.accepted}:
                break
        time.sleep(0.2)
    received = receiver.received
    assert received.refused >= receiver.refusals
    assert received.bad_signatures == 0
    delivery_ids = [delivery for delivery, _ in received.accepted]
    assert len(delivery_ids) == len(set(delivery_ids))
    assert {task["task_id"] for _, task in received.accepted} == wanted
    for person in {t.person_ref for t in on_topic}:
        in_topic = list(dict.fromkeys(t.task_id for t in on_topic if t.person_ref == person))
        delivered = [
            task["task_id"] for _, task in received.accepted if task["person_ref"] == person
        ]
        assert delivered == in_topic
    with gateway.client(COUNTY) as client:
        assert client.get("/v1/webhook").json() == {"url": receiver.url}


def _webhook_alerts(records: list[tuple[str, BaseModel]]) -> list[Alert]:
    return [r for _, r in records if isinstance(r, Alert) and r.rule == AlertRule.WEBHOOK_FAILING]


def test_webhook_failing_past_the_threshold_opens_an_operator_alert_resolved_on_recovery(
    pipeline: Pipeline,
    gateway: GatewayProcess,
    receiver: WebhookReceiver,
) -> None:
    """The receiver's failure window (longer than the 0.3 s threshold) opens one
    `webhook_failing` alert about county 13 on ops.alerts, which resolves, same id, when a
    delivery succeeds again."""
    alerts = TopicReader(pipeline.bootstrap, pipeline.names.alerts)
    records = alerts.wait_for(
        lambda seen: any(a.state == AlertState.RESOLVED for a in _webhook_alerts(seen)),
        timeout=60,
        what="the webhook alert to resolve",
    )
    alerts.close()
    opened, resolved = _webhook_alerts(records)
    window = receiver.received
    assert window.refused_since is not None
    assert window.recovered_at is not None
    assert opened.state == AlertState.OPEN
    assert window.refused_since <= opened.opened_at <= window.recovered_at
    about = (opened.subject, opened.person_ref, opened.case_id, opened.area)
    assert about == (COUNTY, "", "", None)
    assert resolved.alert_id == opened.alert_id
    assert resolved.resolved_at is not None
    assert resolved.resolved_at >= window.recovered_at
    with gateway.client() as client:
        metrics = client.get("/metrics").text
    assert f'jatkumo_gateway_webhook_alerts_total{{org="{COUNTY}"}} 1.0' in metrics
    assert f'jatkumo_gateway_webhook_failing{{org="{COUNTY}"}} 0.0' in metrics


# Receipts -----------------------------------------------------------------------------------


def test_receipt_of_an_event_is_answered_to_its_sender_only(
    pipeline: Pipeline,
    gateway: GatewayProcess,
) -> None:
    """GET /v1/receipts/{event_id} answers the receipt on receipts.<org>; others get 404."""
    with gateway.client(PRISON) as client:
        posted = client.post("/v1/events", json=_json(_custody(9)))
    assert posted.status_code == 202
    receipt = make_receipt(
        PRISON, "gw-custody-9", pipeline.names.inbound(PRISON), 0, 0, ReceiptOutcome.ACCEPTED, AT
    )
    producer = KafkaProducer(bootstrap_servers=pipeline.bootstrap)
    producer.send(
        pipeline.names.receipts(PRISON), key=b"gw-custody-9", value=CATALOGUE.encode(receipt)
    ).get(timeout=30)
    producer.close()
    with gateway.client(PRISON) as client:
        mine = client.get(posted.json()["receipt"], params={"wait": 10})
        unknown = client.get("/v1/receipts/never-sent")
    with gateway.client(COUNTY) as client:
        theirs = client.get(posted.json()["receipt"])
    assert mine.status_code == 200, mine.text
    assert mine.json()["outcome"] == "accepted"
    assert unknown.status_code == theirs.status_code == 404


def test_the_gateway_log_holds_no_identity_code_and_no_body(gateway: GatewayProcess) -> None:
    """After every request of this module, the gateway's log names routes, never contents."""
    log = gateway.log()
    assert "gateway_request" in log
    assert not [n for n in range(1, 10) if _code(n) in log]
    assert "release_date" not in log
