"""The operator view's web shell: the page, the JSON API and /metrics, fed by `ViewFeed`.

Every route except /healthz needs the operator token, as `Authorization: Bearer <token>` or as
the session cookie that opening `/?token=<token>` once sets (then the page redirects to `/`
so the token leaves the address bar). The cookie holds a digest of the token, not the token.

The page and the API answer in the reader's language: `/?lang=fi|sv|en` (the page's FI / SV / EN
switch) is remembered in a cookie; without it the browser's Accept-Language decides, and
Finnish is the default.
"""

import asyncio
import contextlib
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from pydantic import BaseModel

from services.core.records import AlertRule
from services.followup.levels import LevelsError, default_levels, load_levels
from services.i18n.languages import Language, supported
from services.i18n.texts import texts
from services.operator.page import choose_language, render_index, render_login
from services.operator.present import present
from services.operator.projection import UNROUTED, OperatorProjection, area_filter
from services.operator.stream import GroupLag, ViewFeed, log
from services.platform.clock import Clock
from services.platform.config_files import config_file
from services.platform.settings import Settings

COOKIE = "jatkumo_operator"
LANGUAGE_COOKIE = "jatkumo_lang"
LANGUAGE_COOKIE_SECONDS = 365 * 86_400
OPEN_PATHS = frozenset({"/", "/healthz"})
"""The page answers by itself (the dashboard, or the login prompt); /healthz needs no token."""
RESTART_SECONDS = 5.0
STATIC_FILES = {"app.js": "text/javascript", "app.css": "text/css"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def language(request: web.Request) -> Language:
    """The reader's language: `?lang=`, the remembered switch, Accept-Language, Finnish."""
    return choose_language(
        request.query.get("lang"),
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("Accept-Language"),
    )


def _asset(name: str) -> str:
    return resources.files("services.operator").joinpath("static", name).read_text("utf-8")


@dataclass
class OperatorState:
    settings: Settings
    projection: OperatorProjection
    clock: Clock
    feed: ViewFeed
    lag: GroupLag
    metrics: CollectorRegistry = field(default_factory=CollectorRegistry)

    @classmethod
    def create(cls, settings: Settings) -> "OperatorState":
        levels = config_file(
            settings.service_levels, "service levels", default_levels, load_levels, LevelsError
        )
        projection = OperatorProjection(levels=levels)
        clock = Clock(settings.clock)
        state = cls(
            settings, projection, clock, ViewFeed(settings, projection, clock), GroupLag(settings)
        )
        state.metrics.register(ViewCollector(state))
        return state

    def session_value(self) -> str:
        token = self.settings.operator_token.encode("utf-8")
        return hmac.new(token, b"jatkumo-operator-session", hashlib.sha256).hexdigest()

    def token_matches(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode(), self.settings.operator_token.encode())

    def authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, credential = header.partition(" ")
        if scheme.lower() == "bearer" and self.token_matches(credential.strip()):
            return True
        cookie = request.cookies.get(COOKIE, "")
        return bool(cookie) and hmac.compare_digest(cookie, self.session_value())


STATE = web.AppKey("operator_state", OperatorState)


class ViewCollector(Collector):
    """Gauges computed from the projection at scrape time: codes and counts only."""

    def __init__(self, state: OperatorState) -> None:
        self.state = state

    def collect(self) -> Iterable[Metric]:
        summary = self.state.projection.summary(self.state.clock.now())
        alerts = GaugeMetricFamily(
            "jatkumo_open_alerts", "Open broken-service-path alerts", labels=["rule", "area"]
        )
        for row in summary.by_rule_and_area:
            alerts.add_metric([row.rule.value, row.area or UNROUTED], row.count)
        tasks = GaugeMetricFamily(
            "jatkumo_tasks", "Tasks issued, by kind and latest status", labels=["kind", "status"]
        )
        for task in summary.tasks:
            tasks.add_metric([task.kind.value, task.status], task.count)
        letters = GaugeMetricFamily(
            "jatkumo_dead_letters", "Dead letters on the DLQ by reason", labels=["reason"]
        )
        by_reason: dict[str, int] = {}
        for letter in summary.dead_letters:
            by_reason[letter.reason] = by_reason.get(letter.reason, 0) + letter.count
        for reason, count in sorted(by_reason.items()):
            letters.add_metric([reason], count)
        lag = GaugeMetricFamily(
            "jatkumo_consumer_group_lag",
            "Messages a service's consumer group has not committed yet",
            labels=["group", "topic"],
        )
        for (group, topic), behind in sorted(self.state.lag.last.items()):
            lag.add_metric([group, topic], behind)
        feed = self.state.feed
        caught_up = GaugeMetricFamily(
            "jatkumo_operator_caught_up", "1 when the operator view has read its topics to the end"
        )
        caught_up.add_metric([], 1 if feed.caught_up else 0)
        read = GaugeMetricFamily(
            "jatkumo_operator_records", "Records the operator view read", labels=["outcome"]
        )
        read.add_metric(["applied"], feed.records)
        read.add_metric(["undecodable"], feed.undecodable)
        return [alerts, tasks, letters, lag, caught_up, read]


def _json(model: BaseModel | dict[str, object], status: int = 200) -> web.Response:
    text = model.model_dump_json() if isinstance(model, BaseModel) else json.dumps(model)
    return web.Response(text=text, status=status, content_type="application/json")


def _view(request: web.Request, model: BaseModel) -> web.Response:
    """A view as JSON, with its instants, days, shares and counties in the reader's words."""
    reader = language(request)
    shown = present(model.model_dump(mode="json"), texts(reader))
    response = web.Response(text=json.dumps(shown), content_type="application/json")
    response.headers["Content-Language"] = reader
    return response


def _unauthorised() -> web.Response:
    response = _json(
        {
            "error": "unauthorized",
            "detail": "send 'Authorization: Bearer <token>' or open /?token=<token>",
        },
        status=401,
    )
    response.headers["WWW-Authenticate"] = 'Bearer realm="jatkumo-operator"'
    return response


def _login(request: web.Request, failed: bool) -> web.Response:
    html = render_login(language(request), failed=failed)
    return web.Response(text=html, status=401, content_type="text/html")


def _remember_language(request: web.Request, response: web.StreamResponse) -> None:
    chosen = supported(request.query.get("lang"))
    if chosen is not None:
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=LANGUAGE_COOKIE_SECONDS,
            httponly=True,
            samesite="Lax",
            path="/",
            secure=request.secure,
        )


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The token check for every route but the open ones; safe headers on every response."""
    if request.path in OPEN_PATHS or request.app[STATE].authorised(request):
        response = await handler(request)
    else:
        response = _unauthorised()
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
    )
    return response


async def index(request: web.Request) -> web.Response:
    """The dashboard; `?token=` signs in (cookie, then back to `/`); else the login prompt.

    `?lang=` switches the language: remembered in a cookie, then back to `/`.
    """
    state = request.app[STATE]
    token = request.query.get("token")
    if token is None and "lang" in request.query:
        response = web.Response(status=303, headers={"Location": "/"})
        _remember_language(request, response)
        return response
    if token is not None:
        if not state.token_matches(token):
            return _login(request, failed=True)
        response = web.Response(status=303, headers={"Location": "/"})
        _remember_language(request, response)
        response.set_cookie(
            COOKIE,
            state.session_value(),
            httponly=True,
            samesite="Strict",
            path="/",
            secure=request.secure,
        )
        return response
    if not state.authorised(request):
        return _login(request, failed=False)
    reader = language(request)
    response = web.Response(text=render_index(reader), content_type="text/html")
    response.headers["Content-Language"] = reader
    return response


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC_FILES:
        raise web.HTTPNotFound
    return web.Response(text=_asset(name), content_type=STATIC_FILES[name])


async def alerts(request: web.Request) -> web.Response:
    state = request.app[STATE]
    rule_text = request.query.get("rule", "")
    if rule_text and rule_text not in {r.value for r in AlertRule}:
        return _json({"error": "unknown rule"}, status=400)
    rule = AlertRule(rule_text) if rule_text else None
    try:
        area = area_filter(request.query.get("area", ""))
    except ValueError:
        return _json({"error": "unknown area"}, status=400)
    return _view(request, state.projection.open_alerts(state.clock.now(), area=area, rule=rule))


async def summary(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return _view(request, state.projection.summary(state.clock.now()))


async def case_timeline(request: web.Request) -> web.Response:
    state = request.app[STATE]
    timeline = state.projection.timeline(request.match_info["person_ref"], state.clock.now())
    if timeline is None:
        return _json({"error": "not_found"}, status=404)
    return _view(request, timeline)


async def metrics(request: web.Request) -> web.Response:
    state = request.app[STATE]
    await state.lag.measure()
    body = generate_latest(state.metrics)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def healthz(request: web.Request) -> web.Response:
    feed = request.app[STATE].feed
    body: dict[str, object] = {
        "status": feed.status.value,
        "caught_up": feed.caught_up,
        "records": feed.records,
        "undecodable": feed.undecodable,
    }
    return _json(body, status=200 if feed.caught_up else 503)


async def _keep_feeding(state: OperatorState) -> None:
    """Run the feed; after a failure start it again (re-reading is harmless: ids dedupe)."""
    while True:
        with contextlib.suppress(Exception):
            await state.feed.run()
        log.warning("operator_feed_restarting", after_seconds=RESTART_SECONDS)
        await asyncio.sleep(RESTART_SECONDS)


async def _feed_context(app: web.Application) -> AsyncIterator[None]:
    state = app[STATE]
    task = asyncio.create_task(_keep_feeding(state))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await asyncio.to_thread(state.lag.close)


def build_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[guard])
    app[STATE] = OperatorState.create(settings)
    app.cleanup_ctx.append(_feed_context)
    app.router.add_get("/", index)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/api/alerts", alerts)
    app.router.add_get("/api/summary", summary)
    app.router.add_get("/api/cases/{person_ref}", case_timeline)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
    return app


async def start(settings: Settings, host: str, port: int) -> web.AppRunner:
    """Start serving on `host:port` in the running loop; `await runner.cleanup()` stops it."""
    runner = web.AppRunner(build_app(settings), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("operator_serving", url=f"http://{host}:{port}/")
    return runner


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve until interrupted (SIGINT or SIGTERM)."""
    log.info("operator_serving", url=f"http://{host}:{port}/")
    web.run_app(build_app(settings), host=host, port=port, access_log=None, print=None)
