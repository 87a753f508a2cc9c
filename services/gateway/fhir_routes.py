"""FHIR R4 under /fhir: Task search and status, Consent, and the CapabilityStatement.

Refusals are RFC 9457 problem documents, as everywhere in the gateway.
"""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fhir.resources.R4B.task import Task as FhirTask

from services.core.tasks import Task
from services.gateway import fhir
from services.gateway.app import Caller, Gateway, gateway_of, receipt_path, report_status
from services.gateway.bodies import StatusReport
from services.gateway.problems import ProblemError, documented
from services.gateway.streams import TopicFeed

FHIR_JSON = "application/fhir+json"
PUBLISHED = "2026-03-01"
"""The date of the CapabilityStatement: when this interface was last changed."""

router = APIRouter(prefix="/fhir", tags=["fhir"])


def _resource_response(schema_name: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": description,
            "content": {
                FHIR_JSON: {"schema": {"type": "object", "description": f"A FHIR R4 {schema_name}"}}
            },
        }
    }


def _fhir(resource: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        resource.model_dump_json(), status_code=status, media_type=FHIR_JSON, headers=headers
    )


def _body_of(name: str, media: tuple[str, ...]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                m: {"schema": {"type": "object", "description": f"A FHIR R4 {name}"}} for m in media
            },
        }
    }


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as error:
        raise ProblemError(
            "malformed-body", "Malformed body", 400, "the body is not JSON"
        ) from error


@router.get(
    "/metadata",
    response_class=Response,
    responses=_resource_response("CapabilityStatement", "The CapabilityStatement"),
)
async def metadata() -> Response:
    """The server's CapabilityStatement (no credentials needed)."""
    return _fhir(fhir.capability_statement(PUBLISHED))


def _owner_code(owner: str) -> str:
    """`Organization/<code>`, `<system>|<code>` or the bare code."""
    return owner.removeprefix("Organization/").rsplit("|", 1)[-1]


def _fhir_tasks(gateway: Gateway, org: str, feed: TopicFeed[Task]) -> list[FhirTask]:
    superseded = {d.record.supersedes for d in feed.entries if d.record.supersedes}
    return [
        fhir.to_fhir_task(
            d.record, gateway.statuses.get((org, d.record.task_id)), d.record.task_id in superseded
        )
        for d in feed.entries
    ]


@router.get(
    "/Task",
    response_class=Response,
    responses={
        **_resource_response("Bundle", "A searchset Bundle of Tasks"),
        **documented(400, 401, 403, 503),
    },
)
async def search_tasks(
    org: Caller,
    request: Request,
    owner: Annotated[
        str | None, Query(max_length=200, description="Organization/<code>: the caller")
    ] = None,
    status: Annotated[
        str | None, Query(max_length=200, description="FHIR task status, comma-separated")
    ] = None,
) -> Response:
    """The caller's tasks as FHIR R4 Tasks in a searchset Bundle."""
    if owner is not None and _owner_code(owner) != org:
        raise ProblemError(
            "not-your-tasks", "Not your tasks", 403, "owner must be the calling organisation"
        )
    gateway = gateway_of(request)
    feed = await gateway.kafka.feed(org)
    tasks = _fhir_tasks(gateway, org, feed)
    if status:
        wanted = set(status.split(","))
        tasks = [t for t in tasks if t.status in wanted]
    return _fhir(fhir.search_bundle(tasks, str(request.url)))


async def _set_status(
    gateway: Gateway, org: str, task_id: str, fhir_status: str, reason: str | None
) -> Response:
    feed = await gateway.kafka.feed(org)
    task = next((d.record for d in feed.entries if fhir.fhir_id(d.record.task_id) == task_id), None)
    if task is None:
        raise ProblemError(
            "unknown-task", "Unknown task", 404, "the calling organisation has no task with this id"
        )
    status = fhir.core_status(fhir_status)
    await report_status(gateway, org, task.task_id, StatusReport(status=status, reason=reason))
    return _fhir(fhir.to_fhir_task(task, gateway.statuses.get((org, task.task_id))))


TASK_ID = Annotated[str, Path(max_length=64, description="The FHIR id of the Task")]


@router.put(
    "/Task/{task_id}",
    response_class=Response,
    openapi_extra=_body_of("Task", (FHIR_JSON, "application/json")),
    responses={
        **_resource_response("Task", "The Task with its new status"),
        **documented(400, 401, 403, 404, 422, 503),
    },
)
async def put_task(task_id: TASK_ID, org: Caller, request: Request) -> Response:
    """Update a Task's status (only the status may change): becomes TaskStatusChanged."""
    resource = fhir.task_resource(await _json_body(request))
    if resource.id != task_id:
        raise ProblemError(
            "id-mismatch", "Id mismatch", 400, "the resource id must equal the id in the path"
        )
    reason = resource.statusReason.text if resource.statusReason else None
    return await _set_status(gateway_of(request), org, task_id, resource.status or "", reason)


@router.patch(
    "/Task/{task_id}",
    response_class=Response,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json-patch+json": {
                    "schema": {"type": "array", "items": {"type": "object"}}
                }
            },
        }
    },
    responses={
        **_resource_response("Task", "The Task with its new status"),
        **documented(400, 401, 403, 404, 422, 503),
    },
)
async def patch_task(task_id: TASK_ID, org: Caller, request: Request) -> Response:
    """JSON Patch of a Task: one `replace` of `/status`; becomes TaskStatusChanged."""
    patch = await _json_body(request)
    operations = patch if isinstance(patch, list) else []
    statuses = [
        op.get("value")
        for op in operations
        if isinstance(op, dict) and op.get("op") == "replace" and op.get("path") == "/status"
    ]
    if len(operations) != 1 or len(statuses) != 1 or not isinstance(statuses[0], str):
        raise ProblemError(
            "unsupported-patch",
            "Unsupported patch",
            422,
            "the patch must be one replace of /status with a string value",
        )
    return await _set_status(gateway_of(request), org, task_id, statuses[0], None)


@router.post(
    "/Consent",
    status_code=201,
    response_class=Response,
    openapi_extra=_body_of("Consent", (FHIR_JSON, "application/json")),
    responses={
        201: {
            "description": "The Consent as recorded",
            "content": {FHIR_JSON: {"schema": {"type": "object"}}},
        },
        **documented(400, 401, 403, 422, 503),
    },
)
async def post_consent(org: Caller, request: Request) -> Response:
    """Record a FHIR Consent (scope patient-privacy): becomes ConsentGiven."""
    resource = fhir.consent_resource(await _json_body(request))
    event = fhir.consent_given(resource, org)
    gateway = gateway_of(request)
    answer = await gateway.publish(org, event, receipt_path(event.event_id))
    recorded = fhir.to_fhir_consent(event)
    return _fhir(
        recorded,
        201,
        {"Location": f"/fhir/Consent/{recorded.id}", "Content-Location": answer.receipt},
    )
