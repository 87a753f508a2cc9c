"""The secure profile on a real cluster: SASL/SCRAM over TLS, principals and ACLs from the
registry, on three nodes with every topic replicated three times. Every client here speaks
SASL_SSL and trusts only the cluster's local CA."""

import asyncio
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient
from kafka.errors import KafkaError, KafkaTimeoutError, TopicAuthorizationFailedError

from services.core.events import ClientPlanAgreed
from services.core.organisations import default_registry
from services.core.receipts import ReceiptOutcome
from services.core.tasks import Task, TaskKind
from services.operator.projection import OperatorProjection
from services.operator.stream import GroupLag, read_to_end
from services.platform import broker, pki
from services.platform.acl_admin import apply_security
from services.platform.acls import (
    derive_grants,
    derive_password,
    org_username,
    service_username,
    usernames,
)
from services.platform.kafka_security import KafkaSecurity, sasl_ssl
from services.platform.settings import Settings
from services.platform.topics import Replication
from services.sdk import Publisher, PublishError, ReceiptReader, Subscriber
from tests.support.cluster import under_replicated
from tests.support.pipeline import Pipeline
from tests.support.prisoners import AT, COUNTY, PRISON, Prisoners

pytestmark = pytest.mark.integration

SECRET = "test-deployment-secret"
ADMIN_PASSWORD = "secure-test-admin"
OTHER_COUNTY = "county-02"
PRISONERS = Prisoners("secure", born=date(1991, 2, 2), number=930)
REFUSED_WITHIN_MS = 3000
NODES = 3
CA_FILE: list[Path] = []
"""The module broker's CA, once the fixture made it (client settings need it)."""


def org_security(org: str, password: str | None = None) -> dict[str, Any]:
    """An organisation's principal over TLS, trusting the module broker's CA."""
    user = org_username(org)
    return sasl_ssl(user, password or derive_password(SECRET, user), CA_FILE[0])


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[broker.BrokerConfig]:
    """A three-node cluster of this module's own in the secure profile, on free ports, with
    fresh state and its own CA."""
    config = broker.BrokerConfig.on_free_ports(
        tmp_path_factory.mktemp("secure-kafka"), nodes=NODES, secure=True,
        admin_password=ADMIN_PASSWORD,
    )
    broker.start(config, timeout=150, progress=lambda _: None)
    CA_FILE[:] = [config.ca_file]
    try:
        yield config
    finally:
        broker.stop(config)


@pytest.fixture(scope="module")
def admin(secure_broker: broker.BrokerConfig) -> dict[str, Any]:
    return secure_broker.admin_security().options()


@pytest.fixture(scope="module")
def pipeline(
    secure_broker: broker.BrokerConfig,
    admin: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Pipeline]:
    """Topics, SCRAM credentials and ACLs applied; each service connects as its principal."""
    registry = default_registry()
    service_env = {
        service: {"JATKUMO_SASL_USERNAME": service_username(service),
                  "JATKUMO_SASL_PASSWORD": derive_password(SECRET, service_username(service)),
                  "JATKUMO_KAFKA_SSL_CAFILE": str(secure_broker.ca_file)}
        for service in ("referral", "handover")
    }
    running = Pipeline(secure_broker.bootstrap, tmp_path_factory.mktemp("secure-pipeline"),
                       services=("referral", "handover"), service_env=service_env,
                       security=admin, replication=Replication.for_brokers(NODES))
    running.apply_topics()
    apply_security(
        running.bootstrap,
        {user: derive_password(SECRET, user) for user in usernames(registry)},
        derive_grants(registry, running.names),
        **admin,
    )
    yield running
    running.stop()


def test_county_reading_another_countys_tasks_is_refused(pipeline: Pipeline) -> None:
    """County 13's principal subscribing to county 02's tasks gets TopicAuthorizationFailed."""
    subscriber = Subscriber(
        OTHER_COUNTY, pipeline.bootstrap, namespace=pipeline.namespace, **org_security(COUNTY)
    )
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            list(subscriber.tasks(timeout=5))
    finally:
        subscriber.close()


def test_prison_writing_to_a_countys_inbound_topic_is_refused(pipeline: Pipeline) -> None:
    """A prison's principal cannot publish into a county's inbound topic."""
    publisher = Publisher(
        COUNTY, pipeline.bootstrap, namespace=pipeline.namespace, **org_security(PRISON)
    )
    try:
        with pytest.raises(PublishError) as refused:
            publisher.publish_raw(b"not yours to send", key=b"k", wait=True)
    finally:
        publisher.close()
    assert isinstance(refused.value.__cause__, TopicAuthorizationFailedError)


def test_wrong_password_is_refused(pipeline: Pipeline) -> None:
    """A known principal with a wrong password never connects; its own password does."""
    with pytest.raises(KafkaTimeoutError):
        KafkaAdminClient(
            bootstrap_servers=pipeline.bootstrap,
            bootstrap_timeout_ms=REFUSED_WITHIN_MS,
            **org_security(COUNTY, password="not-the-password"),
        )
    KafkaAdminClient(bootstrap_servers=pipeline.bootstrap, **org_security(COUNTY)).close()


def test_anonymous_client_is_refused(pipeline: Pipeline, admin: dict[str, Any]) -> None:
    """A plaintext client without SASL gets nowhere on the client listener; the admin does."""
    with pytest.raises(KafkaTimeoutError):
        KafkaAdminClient(
            bootstrap_servers=pipeline.bootstrap, bootstrap_timeout_ms=REFUSED_WITHIN_MS
        )
    KafkaAdminClient(bootstrap_servers=pipeline.bootstrap, **admin).close()


def test_a_client_that_does_not_trust_the_ca_is_refused(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    """Right principal, right password, but another CA: the TLS handshake fails first."""
    other = pki.create_ca(tmp_path / "other-ca")
    with pytest.raises(KafkaError):
        KafkaAdminClient(bootstrap_servers=pipeline.bootstrap,
                         bootstrap_timeout_ms=REFUSED_WITHIN_MS,
                         **sasl_ssl(broker.ADMIN, ADMIN_PASSWORD, other.cert_file))


def test_sasl_without_tls_is_refused(pipeline: Pipeline) -> None:
    """The admin's own credentials over a plaintext connection get nowhere."""
    plain = KafkaSecurity(username=broker.ADMIN, password=ADMIN_PASSWORD)
    assert plain.protocol == "SASL_PLAINTEXT"
    with pytest.raises(KafkaTimeoutError):
        KafkaAdminClient(bootstrap_servers=pipeline.bootstrap,
                         bootstrap_timeout_ms=REFUSED_WITHIN_MS, **plain.options())


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_the_broker_certificate_names_its_host(
    secure_broker: broker.BrokerConfig, host: str
) -> None:
    """Hostname verification is on: the broker's certificate holds for the addresses clients
    dial, and for no other name."""
    context = KafkaSecurity(cafile=secure_broker.ca_file).ssl_context()
    assert context is not None
    assert context.check_hostname
    with socket.create_connection(("127.0.0.1", secure_broker.port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=host) as tls:
        assert tls.version() in ("TLSv1.3", "TLSv1.2")
    with socket.create_connection(("127.0.0.1", secure_broker.port), timeout=10) as raw, \
            pytest.raises(ssl.SSLCertVerificationError):
        context.wrap_socket(raw, server_hostname="broker.example.org")


def test_every_topic_has_three_replicas_in_sync(
    pipeline: Pipeline, admin: dict[str, Any]
) -> None:
    """The catalogue's replication reached the cluster: 3 copies of every partition, all in
    sync, over SASL_SSL between the nodes as well."""
    assert under_replicated(pipeline.bootstrap, pipeline.topics(), NODES, **admin) == []


def test_anonymous_client_on_the_controller_listener_is_refused(
    secure_broker: broker.BrokerConfig,
) -> None:
    """The controller listener requires SASL too: no anonymous super user behind it."""
    with pytest.raises(KafkaTimeoutError):
        KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{secure_broker.controller_port}",
                         bootstrap_timeout_ms=REFUSED_WITHIN_MS)
    for node in secure_broker.node_list:
        properties = node.properties.read_text()
        assert "ANONYMOUS" not in properties
        assert "listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SASL_SSL" in properties


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
    with Publisher(
        PRISON, running.bootstrap, namespace=running.namespace, **org_security(PRISON)
    ) as publisher:
        publisher.publish(PRISONERS.custody(1), wait=True)
        publisher.publish(PRISONERS.consent(1), wait=True)
        publisher.publish(PRISONERS.release(1), wait=True)
    subscriber = Subscriber(
        COUNTY,
        running.bootstrap,
        namespace=running.namespace,
        group_id=f"{org_username(COUNTY)}.e2e",
        **org_security(COUNTY),
    )
    try:
        task = _first_task(subscriber, within=90.0)
    finally:
        subscriber.close()
    assert task.kind == TaskKind.RELEASE_PREPARATION
    assert task.recipient_org == COUNTY


@pytest.mark.e2e
def test_a_refused_messages_receipt_reaches_only_its_sender(running: Pipeline) -> None:
    """The prison reads the refusal's reason on its receipts topic; a county may not read it."""
    refused = ClientPlanAgreed(
        event_id="secure-plan-1", occurred_at=AT, source_org=PRISON,
        identity_code=PRISONERS.code(1),
        review_date=date(2026, 12, 1),
    )
    with Publisher(PRISON, running.bootstrap, namespace=running.namespace,
                   **org_security(PRISON)) as publisher:
        receipt = publisher.publish(refused, wait_for_receipt=True, receipt_timeout=90.0)
    assert receipt is not None
    assert (receipt.outcome, receipt.reason_code) == (
        ReceiptOutcome.REJECTED, "unauthorised_event_type")
    with pytest.raises(TopicAuthorizationFailedError):
        ReceiptReader(PRISON, running.bootstrap, namespace=running.namespace,
                      from_beginning=True, **org_security(COUNTY))


@pytest.mark.e2e
def test_operator_principal_reads_its_topics_and_the_services_lag(running: Pipeline) -> None:
    """As svc-operator the view reads case facts to their end and measures referral's lag."""
    user = service_username("operator")
    settings = Settings(KAFKA_BOOTSTRAP_SERVERS=running.bootstrap, namespace=running.namespace,
                        sasl_username=user, sasl_password=derive_password(SECRET, user),
                        kafka_ssl_cafile=CA_FILE[0], clock="event", environment="test")
    with Publisher(PRISON, running.bootstrap, namespace=running.namespace,
                   **org_security(PRISON)) as publisher:
        publisher.publish(PRISONERS.custody(1, event_id="secure-custody-2"),
                          wait=True)
    _eventually(lambda: bool(_read_facts(settings, running).people), within=90.0,
                what="the case of secure-custody-2 in the operator's projection")
    lag = GroupLag(settings)
    try:
        _eventually(
            lambda: (
                (running.group("referral"), running.names.inbound(PRISON))
                in asyncio.run(lag.measure(timeout=30))
            ),
            within=90.0,
            what="referral's lag on the prison's inbound topic",
        )
    finally:
        lag.close()


def _read_facts(settings: Settings, pipeline: Pipeline) -> OperatorProjection:
    projection, _ = asyncio.run(
        asyncio.wait_for(read_to_end(settings, topics=[pipeline.names.case_facts]), timeout=60)
    )
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
