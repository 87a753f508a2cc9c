"""Property-based requests generated from the committed OpenAPI document, against the live
gateway over HTTPS: no 5xx, and every answer matches the document."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.gateway.openapi import openapi_path
from tests.support.gateway import GatewayProcess
from tests.support.pipeline import Pipeline

pytestmark = pytest.mark.integration

ORG = "county-13"
EXAMPLES_PER_OPERATION = 4
SCHEMA = schemathesis.openapi.from_path(str(openapi_path()))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def live(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[GatewayProcess, requests.Session]]:
    """Topics of a fresh namespace (no workers needed) and a gateway with short long polls."""
    topics = Pipeline(kafka_bootstrap, tmp_path_factory.mktemp("schemathesis"), services=())
    topics.apply_topics()
    process = GatewayProcess(
        {**topics.env, "JATKUMO_GATEWAY_MAX_WAIT_SECONDS": "0.2"},
        tmp_path_factory.mktemp("schemathesis-gateway"),
    )
    process.start()
    issued = process.ca.issue_client(process.pki_dir, ORG)
    session = requests.Session()  # one kept-alive TLS connection for all requests
    session.verify = str(process.ca.cert_file)
    session.cert = (str(issued.cert_file), str(issued.key_file))
    yield process, session
    session.close()
    process.stop()
    assert "Traceback" not in process.log(), process.log()[-3000:]


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_gateway_answers_every_generated_request_as_documented(
    case: Any,
    live: tuple[GatewayProcess, requests.Session],
) -> None:
    """Any request the document allows (and many it does not) gets a documented non-5xx answer."""
    gateway, session = live
    case.call_and_validate(
        base_url=gateway.url,
        session=session,
        checks=CHECKS,
        timeout=30,
        verify=session.verify,
        cert=session.cert,
    )


def test_the_document_under_test_is_the_committed_one() -> None:
    """The generated requests come from schemas/openapi.json."""
    assert Path(openapi_path()).name == "openapi.json"
    assert SCHEMA.raw_schema["openapi"].startswith("3.1")
