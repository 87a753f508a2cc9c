"""The gateway's HTTP application: routes, authentication, problems, metrics and health.

Nothing here logs a body: access lines carry the method, the route template and the status.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from pydantic import Field
from starlette.exceptions import HTTPException

from services.core.events import InboundEvent, TaskStatusChanged
from services.core.frozen import Frozen
from services.core.organisations import Registry, default_registry
from services.core.receipts import Receipt
from services.core.vocabulary import TaskStatus
from services.gateway import cursor as cursors
from services.gateway.admission import admit, body_problem
from services.gateway.answers import AnswerBook
from services.gateway.bodies import (
    Accepted,
    EventBody,
    Health,
    StatusReport,
    TaskPage,
    record_schema,
    to_core,
)
from services.gateway.config import GatewaySettings
from services.gateway.identity import (
    CERT_SCOPE_KEY,
    org_from_certificate,
    org_from_token,
    unauthenticated,
)
from services.gateway.openapi import finish
from services.gateway.problems import Problem, ProblemError, documented, problem_response
from services.gateway.streams import KafkaSide, org_security
from services.gateway.webhooks import Registration, WebhookDispatcher, WebhookHub
from services.platform.admin import listening
from services.platform.codec import Catalogue
from services.platform.logging import get_logger
from services.platform.settings import Settings
from services.platform.topics import TopicNames

log = get_logger("jatkumo.gateway")

REQUESTS = Counter(
    "jatkumo_gateway_requests_total",
    "Gateway requests by route and status",
    ["route", "status"],
)
LATENCY = Histogram("jatkumo_gateway_request_seconds", "Gateway request duration", ["route"])
PUBLISHED = Counter(
    "jatkumo_gateway_events_total", "Events published through the gateway", ["event_type"]
)

TITLE = "Jatkumo HTTPS gateway"
VERSION = "1.0.0"
DESCRIPTION = (
    "The Jatkumo contract over HTTPS: publish inbound events as JSON, read tasks by long poll, "
    "report task status, and the same as FHIR R4 resources under /fhir. Authenticate with a "
    "client certificate (mutual TLS, CN = organisation code) or an OAuth 2.0 "
    "client-credentials bearer token."
)


@dataclass
class Gateway:
    """Everything a request needs: settings, registry, the Kafka side and first answers."""

    settings: Settings
    config: GatewaySettings
    registry: Registry
    kafka: KafkaSide
    answers: AnswerBook
    token_key: bytes | None
    webhooks: WebhookHub
    statuses: dict[tuple[str, str], TaskStatus] = field(default_factory=dict)
    """The last status each task got through this gateway, by (organisation, task id)."""

    @classmethod
    def create(cls, settings: Settings, config: GatewaySettings) -> "Gateway":
        key = config.token_public_key.read_bytes() if config.token_public_key else None
        kafka = KafkaSide(
            settings.bootstrap_servers,
            TopicNames(settings.namespace),
            Catalogue(),
            config.principal_secret,
            settings.kafka_ssl_cafile,
        )

        def dispatcher(org: str, registration: Registration) -> WebhookDispatcher:
            return WebhookDispatcher(
                org,
                registration,
                bootstrap=settings.bootstrap_servers,
                names=kafka.names,
                catalogue=kafka.catalogue,
                security=org_security(org, config.principal_secret, settings.kafka_ssl_cafile),
                alert_after=config.webhook_alert_after_seconds,
                send_alert=kafka.send_alert,
            )

        return cls(
            settings=settings,
            config=config,
            registry=default_registry(),
            kafka=kafka,
            answers=AnswerBook(config.remembered_answers),
            webhooks=WebhookHub(config.webhooks_file, dispatcher),
            token_key=key,
        )

    async def publish(self, caller: str, event: InboundEvent, receipt: str) -> Accepted:
        """Check, publish once per event id, and answer (the first answer for a repeat)."""
        admit(event, caller, self.registry, self.settings.person_ref_key)

        async def send() -> Accepted:
            await self.kafka.publish(caller, event)
            PUBLISHED.labels(type(event).__name__).inc()
            return Accepted(
                event_id=event.event_id, event_type=type(event).__name__, receipt=receipt
            )

        return await self.answers.once((caller, event.event_id), send)


bearer = HTTPBearer(auto_error=False, description="An OAuth 2.0 client-credentials access token")


def gateway_of(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The calling organisation's code, from its client certificate or its access token."""
    gateway = gateway_of(request)
    peercert = request.scope.get(CERT_SCOPE_KEY)
    if peercert:
        return org_from_certificate(peercert, gateway.registry)
    if credentials is not None and gateway.token_key is not None:
        return org_from_token(
            credentials.credentials,
            gateway.token_key,
            issuer=gateway.config.token_issuer,
            audience=gateway.config.token_audience,
            algorithms=gateway.config.token_algorithms,
            registry=gateway.registry,
        )
    raise unauthenticated("present a client certificate or a bearer access token")


Caller = Annotated[str, Depends(caller)]
REFUSALS = documented(400, 401, 403, 422, 503)


def receipt_path(event_id: str) -> str:
    return f"/v1/receipts/{event_id}"


def build_app(gateway: Gateway) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        gateway.webhooks.start()
        yield
        await gateway.webhooks.stop()
        await gateway.kafka.close()

    app = FastAPI(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.gateway = gateway

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]
    _handlers(app)
    app.middleware("http")(_count)
    _routes(app)
    _receipts_route(app)
    _webhook_routes(app)
    from services.gateway.fhir_routes import router as fhir_router  # noqa: PLC0415

    app.include_router(fhir_router)
    return app


def _routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["health"])
    async def healthz() -> Health:
        """The process answers."""
        return Health(status="ok")

    @app.get("/readyz", tags=["health"], responses=documented(503))
    async def readyz(request: Request) -> Health:
        """The broker answers, so events can be published."""
        bootstrap = gateway_of(request).settings.bootstrap_servers
        if not await asyncio.to_thread(listening, bootstrap, 1.0):
            raise ProblemError("not-ready", "Not ready", 503, "no broker answers")
        return Health(status="ready")

    @app.get(
        "/metrics",
        tags=["health"],
        response_class=Response,
        responses={
            200: {
                "content": {CONTENT_TYPE_LATEST.split(";")[0]: {}},
                "description": "Prometheus metrics",
            }
        },
    )
    async def metrics() -> Response:
        """Prometheus metrics: counts by route, status and event type; no personal data."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/v1/schemas/{record}", tags=["events"], responses=documented(404))
    async def schema(
        record: Annotated[str, Path(max_length=100, description="An inbound record name")],
    ) -> dict[str, Any]:
        """The JSON Schema of one inbound event body."""
        found = record_schema(record)
        if found is None:
            raise ProblemError(
                "unknown-record", "Unknown record", 404, "no inbound record has this name"
            )
        return found

    @app.post("/v1/events", status_code=202, tags=["events"], responses=REFUSALS)
    async def post_event(
        body: EventBody,
        org: Caller,
        request: Request,
        response: Response,
    ) -> Accepted:
        """Publish one event as the calling organisation; a repeat of an event id gets the
        first answer."""
        event = to_core(body)
        answer = await gateway_of(request).publish(org, event, receipt_path(event.event_id))
        response.headers["Location"] = answer.receipt
        return answer

    @app.get("/v1/tasks", tags=["tasks"], responses=REFUSALS)
    async def get_tasks(
        org: Caller,
        request: Request,
        after: Annotated[
            str | None, Query(max_length=2000, description="The `next` of an earlier poll")
        ] = None,
        wait: Annotated[float, Query(ge=0, le=60, description="Seconds to wait for a task")] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> TaskPage:
        """The calling organisation's tasks after a cursor (at-least-once, long poll)."""
        gateway = gateway_of(request)
        position = cursors.parse(after)
        feed = await gateway.kafka.feed(org)
        found = await feed.wait_after(position, min(wait, gateway.config.max_wait_seconds))
        page = found[:limit]
        for entry in page:
            position = cursors.advance(position, entry.partition, entry.offset)
        return TaskPage(tasks=[entry.record for entry in page], next=cursors.render(position))

    @app.post(
        "/v1/tasks/{task_id}/status",
        status_code=202,
        tags=["tasks"],
        responses=documented(400, 401, 403, 404, 422, 503),
    )
    async def post_status(
        task_id: Annotated[str, Path(max_length=200)],
        report: StatusReport,
        org: Caller,
        request: Request,
        response: Response,
    ) -> Accepted:
        """Report a task's new status (published as TaskStatusChanged)."""
        answer = await report_status(gateway_of(request), org, task_id, report)
        response.headers["Location"] = answer.receipt
        return answer


def _receipts_route(app: FastAPI) -> None:
    @app.get("/v1/receipts/{event_id}", tags=["events"], responses=documented(400, 401, 404, 503))
    async def get_receipt(
        event_id: Annotated[str, Path(min_length=1, max_length=100)],
        org: Caller,
        request: Request,
        wait: Annotated[float, Query(ge=0, le=60, description="Seconds to wait for it")] = 0,
    ) -> Receipt:
        """What became of one of the caller's events: accepted, held or rejected (and why).
        The newest receipt is answered: a final one once there is one."""
        gateway = gateway_of(request)
        feed = await gateway.kafka.receipts(org)
        receipt = await feed.wait_for_id(event_id, min(wait, gateway.config.max_wait_seconds))
        if receipt is None:
            raise ProblemError(
                "no-receipt",
                "No receipt yet",
                404,
                "no receipt for this event id of the calling organisation yet",
            )
        return receipt


class WebhookRegistration(Frozen):
    """Where the caller's tasks are POSTed, and the secret their signatures use."""

    url: Annotated[str, Field(min_length=8, max_length=2000)]
    secret: Annotated[str, Field(min_length=16, max_length=200)]


class WebhookView(Frozen):
    url: str


def _webhook_routes(app: FastAPI) -> None:
    @app.put("/v1/webhook", tags=["tasks"], responses=documented(400, 401, 422))
    async def put_webhook(body: WebhookRegistration, org: Caller, request: Request) -> WebhookView:
        """Register (or replace) the caller's webhook: every task not yet delivered goes to it."""
        try:
            await gateway_of(request).webhooks.register(org, Registration(body.url, body.secret))
        except ValueError as error:
            raise ProblemError("invalid-webhook", "Invalid webhook", 422, str(error)) from error
        return WebhookView(url=body.url)

    @app.get("/v1/webhook", tags=["tasks"], responses=documented(401, 404))
    async def get_webhook(org: Caller, request: Request) -> WebhookView:
        """The caller's registered webhook URL (never the secret)."""
        found = gateway_of(request).webhooks.registrations.get(org)
        if found is None:
            raise ProblemError("no-webhook", "No webhook", 404, "no webhook is registered")
        return WebhookView(url=found.url)

    @app.delete(
        "/v1/webhook",
        status_code=204,
        tags=["tasks"],
        response_class=Response,
        responses=documented(401, 404),
    )
    async def delete_webhook(org: Caller, request: Request) -> Response:
        """Stop delivering the caller's tasks to its webhook."""
        if not await gateway_of(request).webhooks.unregister(org):
            raise ProblemError("no-webhook", "No webhook", 404, "no webhook is registered")
        return Response(status_code=204)


async def report_status(gateway: Gateway, org: str, task_id: str, report: StatusReport) -> Accepted:
    """TaskStatusChanged for one of the caller's own tasks; 404 for any other task id."""
    feed = await gateway.kafka.feed(org)
    task = feed.by_id.get(task_id)
    if task is None:
        raise ProblemError(
            "unknown-task", "Unknown task", 404, "the calling organisation has no task with this id"
        )
    event_id = report.event_id or f"status-{org}-{task_id}-{report.status.value}"
    event = TaskStatusChanged(
        event_id=event_id[:100],
        occurred_at=report.occurred_at or datetime.now(UTC),
        source_org=org,
        person_ref=task.person_ref,
        task_id=task_id,
        status=report.status,
        reason=report.reason,
    )
    answer = await gateway.publish(org, event, receipt_path(event.event_id))
    gateway.statuses[(org, task_id)] = report.status
    return answer


def _handlers(app: FastAPI) -> None:
    async def on_problem(_: Request, error: Exception) -> Response:
        assert isinstance(error, ProblemError)
        headers = {"WWW-Authenticate": "Bearer"} if error.problem.status == 401 else None
        return problem_response(error.problem, headers)

    async def on_invalid(_: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        return problem_response(body_problem(error.errors()).problem)

    async def on_http(_: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        return problem_response(
            Problem(
                type="about:blank",
                title=str(error.detail),
                status=error.status_code,
            ),
            dict(error.headers or {}),
        )

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(HTTPException, on_http)


async def _count(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    started = time.monotonic()
    response = await call_next(request)
    route = getattr(request.scope.get("route"), "path", "unmatched")
    REQUESTS.labels(route, str(response.status_code)).inc()
    LATENCY.labels(route).observe(time.monotonic() - started)
    log.info("gateway_request", method=request.method, route=route, status=response.status_code)
    return response
