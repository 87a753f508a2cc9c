"""The secure profile on a real broker: SASL/SCRAM principals and ACLs from the registry."""

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient
from kafka.errors import KafkaTimeoutError, TopicAuthorizationFailedError

from services.core.events import ConsentGiven, CustodyStarted, ReleaseDateSet
from services.core.organisations import default_registry
from services.core.tasks import Task, TaskKind
from services.core.vocabulary import Category, ConsentCollection, ReleaseType, SentenceType
from services.operator.projection import OperatorProjection
from services.operator.stream import GroupLag, read_to_end
from services.platform import broker
from services.platform.acl_admin import apply_security
from services.platform.acls import (
    derive_grants,
    derive_password,
    org_username,
    sasl_security,
    service_username,
    usernames,
)
from services.platform.settings import Settings
from services.sdk import Publisher, PublishError, Subscriber
from tests.support.people import temporary_identity_code
from tests.support.pipeline import Pipeline

pytestmark = pytest.mark.integration

SECRET = "test-deployment-secret"
ADMIN_PASSWORD = "secure-test-admin"
PRISON = "prison-kuopion"
COUNTY = "county-13"
OTHER_COUNTY = "county-02"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REFUSED_WITHIN_MS = 3000


def org_security(org: str, password: str | None = None) -> dict[str, Any]:
    user = org_username(org)
    return sasl_security(user, password or derive_password(SECRET, user))


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[broker.BrokerConfig]:
    """A broker of this module's own in the secure profile, on free ports, fresh state."""
    config = broker.BrokerConfig(
        state_dir=tmp_path_factory.mktemp("secure-kafka"), port=broker.free_port(),
        controller_port=broker.free_port(), secure=True, admin_password=ADMIN_PASSWORD,
    )
    broker.start(config, timeout=90, progress=lambda _: None)
    try:
        yield config
    finally:
        broker.stop(config)


@pytest.fixture(scope="module")
def admin() -> dict[str, Any]:
    return sasl_security(broker.ADMIN, ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def pipeline(
    secure_broker: broker.BrokerConfig, admin: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Pipeline]:
    """Topics, SCRAM credentials and ACLs applied; each service connects as its principal."""
    registry = default_registry()
    service_env = {
        service: {"JATKUMO_SASL_USERNAME": service_username(service),
                  "JATKUMO_SASL_PASSWORD": derive_password(SECRET, service_username(service))}
        for service in ("referral", "handover")
    }
    running = Pipeline(secure_broker.bootstrap, tmp_path_factory.mktemp("secure-pipeline"),
                       services=("referral", "handover"), service_env=service_env,
                       security=admin)
    running.apply_topics()
    apply_security(running.bootstrap,
                   {user: derive_password(SECRET, user) for user in usernames(registry)},
                   derive_grants(registry, running.names), **admin)
    yield running
    running.stop()


def _custody() -> CustodyStarted:
    return CustodyStarted(
        event_id="secure-custody-1", occurred_at=AT, source_org=PRISON,
        identity_code=temporary_identity_code(date(1991, 2, 3), 931),
        prison=PRISON, sentence_type=SentenceType.LONG_TERM, sentence_start=date(2026, 3, 1),
        home_municipality="297",
    )


def _consent() -> ConsentGiven:
    """The prisoner's consent for release planning with the county: the basis of its task."""
    return ConsentGiven(
        event_id="secure-consent-1", occurred_at=AT, source_org=PRISON,
        identity_code=temporary_identity_code(date(1991, 2, 3), 931), consent_id="secure-1",
        categories=[Category.IDENTITY, Category.RELEASE_SCHEDULE], recipients=[COUNTY],
        purpose="release_planning", valid_from=date(2026, 3, 1), valid_until=date(2027, 3, 1),
        collection_method=ConsentCollection.WRITTEN,
    )


def _release() -> ReleaseDateSet:
    return ReleaseDateSet(
        event_id="secure-release-1", occurred_at=AT, source_org=PRISON,
        identity_code=temporary_identity_code(date(1991, 2, 3), 931),
        release_date=date(2026, 12, 1), release_type=ReleaseType.CONDITIONAL_RELEASE,
    )


def test_county_reading_another_countys_tasks_is_refused(pipeline: Pipeline) -> None:
    """County 13's principal subscribing to county 02's tasks gets TopicAuthorizationFailed."""
    subscriber = Subscriber(OTHER_COUNTY, pipeline.bootstrap, namespace=pipeline.namespace,
                            **org_security(COUNTY))
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            list(subscriber.tasks(timeout=5))
    finally:
        subscriber.close()


def test_prison_writing_to_a_countys_inbound_topic_is_refused(pipeline: Pipeline) -> None:
    """A prison's principal cannot publish into a county's inbound topic."""
    publisher = Publisher(COUNTY, pipeline.bootstrap, namespace=pipeline.namespace,
                          **org_security(PRISON))
    try:
        with pytest.raises(PublishError) as refused:
            publisher.publish_raw(b"not yours to send", key=b"k", wait=True)
    finally:
        publisher.close()
    assert isinstance(refused.value.__cause__, TopicAuthorizationFailedError)


def test_wrong_password_is_refused(pipeline: Pipeline) -> None:
    """A known principal with a wrong password never connects; its own password does."""
    with pytest.raises(KafkaTimeoutError):
        KafkaAdminClient(bootstrap_servers=pipeline.bootstrap,
                         bootstrap_timeout_ms=REFUSED_WITHIN_MS,
                         **org_security(COUNTY, password="not-the-password"))
    KafkaAdminClient(bootstrap_servers=pipeline.bootstrap, **org_security(COUNTY)).close()


def test_anonymous_client_is_refused(pipeline: Pipeline, admin: dict[str, Any]) -> None:
    """Without SASL nothing works on the client listener, though the admin gets through."""
    with pytest.raises(KafkaTimeoutError):
        KafkaAdminClient(bootstrap_servers=pipeline.bootstrap,
                         bootstrap_timeout_ms=REFUSED_WITHIN_MS)
    KafkaAdminClient(bootstrap_servers=pipeline.bootstrap, **admin).close()


def test_anonymous_client_on_the_controller_listener_is_refused(
    secure_broker: broker.BrokerConfig,
) -> None:
    """The controller listener requires SASL too: no anonymous super user behind it."""
    with pytest.raises(KafkaTimeoutError):
        KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{secure_broker.controller_port}",
                         bootstrap_timeout_ms=REFUSED_WITHIN_MS)
    properties = Path(secure_broker.state_dir / "server.properties").read_text()
    assert "ANONYMOUS" not in properties


@pytest.fixture(scope="module")
def running(pipeline: Pipeline) -> Pipeline:
    """The referral and handover workers, each connected as its own principal."""
    for service in pipeline.services:
        pipeline.start_worker(service)
    pipeline.wait_ready()
    return pipeline


@pytest.mark.e2e
def test_services_work_end_to_end_under_the_secure_profile(running: Pipeline) -> None:
    """Workers as their principals turn a prison's events into the county's own task."""
    with Publisher(PRISON, running.bootstrap, namespace=running.namespace,
                   **org_security(PRISON)) as publisher:
        publisher.publish(_custody(), wait=True)
        publisher.publish(_consent(), wait=True)
        publisher.publish(_release(), wait=True)
    subscriber = Subscriber(COUNTY, running.bootstrap, namespace=running.namespace,
                            group_id=f"{org_username(COUNTY)}.e2e", **org_security(COUNTY))
    try:
        task = _first_task(subscriber, within=90.0)
    finally:
        subscriber.close()
    assert task.kind == TaskKind.RELEASE_PREPARATION
    assert task.recipient_org == COUNTY


@pytest.mark.e2e
def test_operator_principal_reads_its_topics_and_the_services_lag(running: Pipeline) -> None:
    """As svc-operator the view reads case facts to their end and measures referral's lag."""
    user = service_username("operator")
    settings = Settings(KAFKA_BOOTSTRAP_SERVERS=running.bootstrap, namespace=running.namespace,
                        sasl_username=user, sasl_password=derive_password(SECRET, user),
                        clock="event", environment="test")
    with Publisher(PRISON, running.bootstrap, namespace=running.namespace,
                   **org_security(PRISON)) as publisher:
        publisher.publish(_custody().model_copy(update={"event_id": "secure-custody-2"}),
                          wait=True)
    _eventually(lambda: bool(_read_facts(settings, running).people), within=90.0,
                what="the case of secure-custody-2 in the operator's projection")
    lag = GroupLag(settings)
    try:
        _eventually(lambda: (running.group("referral"), running.names.inbound(PRISON))
                    in asyncio.run(lag.measure(timeout=30)),
                    within=90.0, what="referral's lag on the prison's inbound topic")
    finally:
        lag.close()


def _read_facts(settings: Settings, pipeline: Pipeline) -> OperatorProjection:
    projection, _ = asyncio.run(asyncio.wait_for(
        read_to_end(settings, topics=[pipeline.names.case_facts]), timeout=60))
    return projection


def _eventually(check: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {within} s")
        time.sleep(0.5)


def _first_task(subscriber: Subscriber, within: float) -> Task:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        task = next(subscriber.tasks(timeout=2), None)
        if task is not None:
            return task
    raise AssertionError(f"no task within {within} s")
