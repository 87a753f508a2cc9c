"""The gateway's OpenAPI 3.1 document, derived from the routes and pydantic models.

`jatkumo schemas openapi` writes it to `schemas/openapi.json`; `jatkumo schemas check` fails
when the committed document differs from what the code would serve.
"""

import json
from pathlib import Path
from typing import Any

from services.platform.schema_store import schemas_dir

SECURITY_SCHEMES: dict[str, Any] = {
    "mutualTLS": {
        "type": "mutualTLS",
        "description": "A client certificate from the network CA, CN = organisation code.",
    },
}


def build() -> dict[str, Any]:
    """The document the gateway serves at /openapi.json (no broker is contacted)."""
    from services.gateway.app import Gateway, build_app  # noqa: PLC0415 - avoid an import cycle
    from services.gateway.config import GatewaySettings  # noqa: PLC0415
    from services.platform.settings import Settings  # noqa: PLC0415

    return build_app(Gateway.create(Settings(), GatewaySettings())).openapi()


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    }


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """What FastAPI does not know: mutual TLS beside the bearer scheme, and the gateway's own
    problem documents for invalid requests (400 for parameters, 422 for bodies) and for
    missing credentials (401) in place of FastAPI's validation error schema."""
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    for name in ("HTTPValidationError", "ValidationError"):
        components.get("schemas", {}).pop(name, None)
    for path in document.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            if "HTTPValidationError" in json.dumps(responses.get("422", {})):
                del responses["422"]
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault("400", _problem("Invalid parameters or a malformed body"))
            if operation.get("requestBody"):
                responses.setdefault("422", _problem("A body that does not fit its schema"))
            if any("HTTPBearer" in item for item in operation.get("security", [])):
                operation["security"] = [{"HTTPBearer": []}, {"mutualTLS": []}]
                responses.setdefault("401", _problem("No or invalid credentials"))
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def openapi_path(root: Path | None = None) -> Path:
    """`schemas/openapi.json`, beside `schemas/asyncapi.yaml`."""
    return (root or schemas_dir()).parent / "openapi.json"


def write(root: Path | None = None) -> Path:
    path = openapi_path(root)
    path.write_text(render(build()), "utf-8")
    return path


def is_stale(root: Path | None = None) -> bool:
    path = openapi_path(root)
    return not path.exists() or path.read_text("utf-8") != render(build())
