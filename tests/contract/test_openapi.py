"""The committed OpenAPI document: current, and valid by an independent validator."""

import json

from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from services.core.events import INBOUND_EVENT_TYPES
from services.gateway import openapi


def test_committed_openapi_document_is_what_the_gateway_serves() -> None:
    """schemas/openapi.json equals the document generated from the routes and models."""
    assert not openapi.is_stale(), "run `jatkumo schemas openapi`"


def test_committed_openapi_document_is_valid_openapi_3_1() -> None:
    """openapi-spec-validator accepts the committed document as OpenAPI 3.1."""
    document = json.loads(openapi.openapi_path().read_text("utf-8"))
    assert document["openapi"].startswith("3.1.")
    validate(document, cls=OpenAPIV31SpecValidator)


def test_every_inbound_record_has_a_request_body_variant() -> None:
    """POST /v1/events documents one body per inbound record, told apart by event_type."""
    document = json.loads(openapi.openapi_path().read_text("utf-8"))
    body = document["paths"]["/v1/events"]["post"]["requestBody"]["content"]["application/json"]
    mapping = body["schema"]["discriminator"]["mapping"]
    assert set(mapping) == {t.__name__ for t in INBOUND_EVENT_TYPES}
