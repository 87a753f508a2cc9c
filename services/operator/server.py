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
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources

from aiohttp import web
from aiokafka.errors import KafkaError
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from pydantic import BaseModel

from services.core.calendar import local_date
from services.core.events import InboundEvent
from services.core.organisations import OrgKind
from services.core.policy import SharingRules
from services.core.records import AlertRule
from services.core.vocabulary import DismissalReason
from services.followup.levels import LevelsError, default_levels, load_levels
from services.i18n.labels import DEAD_LETTER_REASONS, OPERATOR_ACTIONS, TABLES
from services.i18n.languages import Language, supported
from services.i18n.texts import texts
from services.operator import actions
from services.operator.actions import Refusal
from services.operator.page import choose_language, render_index, render_login, render_page
from services.operator.present import present
from services.operator.projection import UNROUTED, OperatorProjection, area_filter
from services.operator.publish import OperatorSender
from services.operator.stream import GroupLag, ViewFeed, log
from services.platform.clock import Clock
from services.platform.config_files import config_file, sharing_rules
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


@dataclass(frozen=True)
class Note:
    """An action the view did not send (no basis): shown in the history of this process."""

    at: datetime
    outcome: str
    rule: str
    person_ref: str
    by_ref: str


@dataclass
class OperatorState:
    settings: Settings
    projection: OperatorProjection
    clock: Clock
    feed: ViewFeed
    lag: GroupLag
    metrics: CollectorRegistry = field(default_factory=CollectorRegistry)
    sender: OperatorSender | None = None
    rules: SharingRules | None = None
    notes: dict[str, Note] = field(default_factory=dict)
    """Escalations not sent for lack of a basis, by alert id (this process only)."""
    sent: Counter[str] = field(default_factory=Counter)
    """Actions this process sent, by kind; refusals by reason code under `refused:<code>`."""

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
        state.sender = OperatorSender(settings)
        state.rules = sharing_rules(settings.sharing_rules)
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
        work = self.state.projection.worklist(self.state.clock.now(), history=0)
        acted = GaugeMetricFamily(
            "jatkumo_operator_actions",
            "Accepted operator and organisation actions on alerts",
            labels=["action"],
        )
        acted.add_metric(["escalated"], work.escalated)
        acted.add_metric(["dismissed"], work.dismissed)
        acted.add_metric(["county_named"], work.counties_named)
        sent = GaugeMetricFamily(
            "jatkumo_operator_actions_sent",
            "Actions this operator view sent, or did not send and why",
            labels=["outcome"],
        )
        for outcome, count in sorted(self.state.sent.items()):
            sent.add_metric([outcome], count)
        return [alerts, tasks, letters, lag, caught_up, read, acted, sent]


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


def _html(
    request: web.Request, template: str, values: dict[str, object], status: int = 200
) -> web.Response:
    reader = language(request)
    response = web.Response(
        text=render_page(reader, template, **values), status=status, content_type="text/html"
    )
    response.headers["Content-Language"] = reader
    return response


def _counties(state: OperatorState) -> list[tuple[str, str]]:
    return [(org.code, org.name) for org in state.projection.registry.of_kind(OrgKind.COUNTY)]


def _day_filter(text: str) -> int | None:
    """A whole number of days from a query parameter; ValueError for anything else."""
    if not text.strip():
        return None
    days = int(text)
    if days < 0:
        raise ValueError("negative age")
    return days


async def work(request: web.Request) -> web.Response:
    """The worklist: open alerts by severity then age, filtered by county, rule and age."""
    state = request.app[STATE]
    query = request.query
    rule_text = query.get("rule", "")
    try:
        if rule_text and rule_text not in {r.value for r in AlertRule}:
            raise ValueError("unknown rule")
        area = area_filter(query.get("area", ""))
        min_age, max_age = (
            _day_filter(query.get("min_age", "")),
            _day_filter(query.get("max_age", "")),
        )
    except ValueError:
        return _json({"error": "bad filter"}, status=400)
    rule = AlertRule(rule_text) if rule_text else None
    worklist = state.projection.worklist(
        state.clock.now(), area=area, rule=rule, min_age_days=min_age, max_age_days=max_age
    )
    if request.headers.get("Accept", "").startswith("application/json"):
        return _view(request, worklist)
    return _html(
        request,
        "work.html",
        {
            "work": worklist,
            "notes": sorted(state.notes.values(), key=lambda n: n.at, reverse=True),
            "filters": {
                "area": area or "",
                "rule": rule_text,
                "min_age": "" if min_age is None else min_age,
                "max_age": "" if max_age is None else max_age,
            },
            "counties": _counties(state),
            "rules": [r.value for r in AlertRule],
            "actions_enabled": state.sender is not None and state.sender.enabled,
        },
    )


def _session(state: OperatorState) -> str:
    return state.session_value()


def _refused(request: web.Request, refusal: str, **values: object) -> web.Response:
    speaker = texts(language(request))
    table = OPERATOR_ACTIONS if refusal in OPERATOR_ACTIONS else DEAD_LETTER_REASONS
    request.app[STATE].sent[f"refused:{refusal}"] += 1
    return _html(
        request,
        "action.html",
        dict(step="refused", refusal=refusal, refusal_text=speaker.label(table, refusal), **values),
        status=409 if refusal != Refusal.BAD_FORM else 400,
    )


async def _form(request: web.Request) -> dict[str, str] | None:
    """The posted form when its CSRF token is this session's; None otherwise."""
    state = request.app[STATE]
    posted = await request.post()
    form = {k: v for k, v in posted.items() if isinstance(v, str)}
    origin = request.headers.get("Origin")  # "null" under the page's no-referrer policy
    if origin not in (None, "null") and origin != f"{request.scheme}://{request.host}":
        return None
    if not actions.csrf_valid(state.settings.operator_token, _session(state), form.get("csrf", "")):
        return None
    return form


def _forbidden() -> web.Response:
    return _json({"error": "forbidden", "detail": "the form did not come from this view"}, 403)


async def _send(
    request: web.Request, event: InboundEvent, action: str, **values: object
) -> web.Response:
    """Send a confirmed action; a broker that does not take it is shown, not hidden."""
    state = request.app[STATE]
    assert state.sender is not None
    try:
        await state.sender.send(event)
    except (KafkaError, OSError) as error:
        log.warning("operator_action_not_sent", action=action, error=type(error).__name__)
        return _refused(request, Refusal.SEND_FAILED, **values)
    state.sent[action] += 1
    log.info("operator_action_sent", action=action, event_id=event.event_id)
    return _html(request, "action.html", dict(step="sent", **values))


def _actions_on(state: OperatorState) -> bool:
    return state.sender is not None and state.sender.enabled


def _with_csrf(state: OperatorState, base: dict[str, object], **extra: object) -> dict[str, object]:
    """What every step of an action's page shows: the session's CSRF token, `base`, `extra`."""
    token = actions.csrf_token(state.settings.operator_token, _session(state))
    return {"csrf": token, **extra, **base}


def _form_page(request: web.Request, common: dict[str, object]) -> web.Response:
    """The first step of an action: its form, under a fresh nonce (a repeat sends once)."""
    return _html(
        request, "action.html", dict(step="form", nonce=secrets.token_hex(8), values={}, **common)
    )


async def dismiss(request: web.Request) -> web.Response:
    """Dismiss an open alert with a reason: form, review, confirm."""
    state = request.app[STATE]
    alert = state.projection.alert(request.match_info["alert_id"])
    title = texts(language(request)).label(OPERATOR_ACTIONS, "dismissed").capitalize()
    base: dict[str, object] = {"title": title, "kind": "dismiss"}
    if alert is None:
        return _refused(request, Refusal.NOT_OPEN, person_ref="-", **base)
    base |= {"person_ref": alert.person_ref, "rule": alert.rule.value, "opened_at": alert.opened_at}
    if not _actions_on(state):
        return _refused(request, Refusal.BAD_FORM, **base)
    common = _with_csrf(
        state,
        base,
        reasons=[r.value for r in DismissalReason],
    )
    if request.method == "GET":
        return _form_page(request, common)
    form = await _form(request)
    if form is None:
        return _forbidden()
    now = state.clock.now()
    reason = actions.parse_reason(form.get("reason", ""))
    until = actions.parse_until(form.get("until", ""), local_date(now))
    if reason is None or isinstance(until, Refusal) or not form.get("nonce"):
        return _refused(request, Refusal.BAD_FORM, **base)
    if form.get("step") != "confirm":
        values = {"reason": reason.value, "until": until.isoformat() if until else ""}
        return _html(
            request,
            "action.html",
            dict(step="review", nonce=form["nonce"], values=values, **common),
        )
    by = actions.operator_ref(_session(state))
    event = actions.dismissal(alert, reason, until, by, now, form["nonce"])
    if isinstance(event, Refusal):
        return _refused(request, event, **base)
    return await _send(request, event, "dismissed", **base)


async def escalate(request: web.Request) -> web.Response:
    """Escalate an open alert to the responsible county: review (with what the county may
    see, or why nothing can be sent), confirm."""
    state = request.app[STATE]
    alert = state.projection.alert(request.match_info["alert_id"])
    title = texts(language(request)).label(OPERATOR_ACTIONS, "escalated").capitalize()
    base: dict[str, object] = {"title": title, "kind": "escalate"}
    if alert is None:
        return _refused(request, Refusal.NOT_OPEN, person_ref="-", **base)
    case = state.projection.cases.get(alert.person_ref)
    base |= {
        "person_ref": alert.person_ref,
        "rule": alert.rule.value,
        "opened_at": alert.opened_at,
        "county_now": alert.area,
    }
    if not _actions_on(state):
        return _refused(request, Refusal.BAD_FORM, **base)
    assert state.rules is not None
    now = state.clock.now()
    by = actions.operator_ref(_session(state))
    nonce, confirm = secrets.token_hex(8), False
    if request.method == "POST":
        form = await _form(request)
        if form is None:
            return _forbidden()
        nonce, confirm = form.get("nonce", ""), form.get("step") == "confirm"
        if not nonce:
            return _refused(request, Refusal.BAD_FORM, **base)
    decided = actions.escalation(alert, case, state.rules, by, now, nonce)
    if isinstance(decided, Refusal):
        if decided == Refusal.NO_BASIS:
            state.notes[alert.alert_id] = Note(
                now, decided.value, alert.rule.value, alert.person_ref, by
            )
            log.info("operator_escalation_not_sent", reason=decided.value, rule=alert.rule.value)
        return _refused(request, decided, **base)
    event, issued = decided
    if confirm:
        return await _send(request, event, "escalated", **base)
    speaker = texts(language(request))
    categories = [
        speaker.label(TABLES["categories"], c.value) for c in issued.disclosure.categories
    ]
    return _html(
        request,
        "action.html",
        dict(
            step="review",
            nonce=nonce,
            values={},
            categories=categories,
            csrf=actions.csrf_token(state.settings.operator_token, _session(state)),
            **base,
        ),
    )


async def name_county(request: web.Request) -> web.Response:
    """Name the responsible county of a case whose routing failed: form, review, confirm."""
    state = request.app[STATE]
    person_ref = request.match_info["person_ref"]
    case = state.projection.cases.get(person_ref)
    title = texts(language(request)).label(OPERATOR_ACTIONS, "county_named").capitalize()
    base: dict[str, object] = {"title": title, "kind": "county", "person_ref": person_ref}
    if case is None:
        return _refused(request, Refusal.UNKNOWN_CASE, **base)
    if case.routing_problem is None:
        return _refused(request, Refusal.NOT_A_ROUTING_PROBLEM, **base)
    if not _actions_on(state):
        return _refused(request, Refusal.BAD_FORM, **base)
    common = _with_csrf(
        state,
        base,
        counties=_counties(state),
        rule=AlertRule.ROUTING_PROBLEM.value,
    )
    if request.method == "GET":
        return _form_page(request, common)
    form = await _form(request)
    if form is None:
        return _forbidden()
    county, nonce = form.get("county", ""), form.get("nonce", "")
    by = actions.operator_ref(_session(state))
    event = actions.county_named(
        case, county, state.projection.registry, by, state.clock.now(), nonce
    )
    if isinstance(event, Refusal) or not nonce:
        return _refused(request, event if isinstance(event, Refusal) else Refusal.BAD_FORM, **base)
    if form.get("step") != "confirm":
        return _html(
            request,
            "action.html",
            dict(step="review", nonce=nonce, values={"county": county}, **common),
        )
    return await _send(request, event, "county_named", **base)


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
    if state.sender is not None:
        await state.sender.close()


def build_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[guard])
    app[STATE] = OperatorState.create(settings)
    app.cleanup_ctx.append(_feed_context)
    app.router.add_get("/", index)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/api/alerts", alerts)
    app.router.add_get("/api/summary", summary)
    app.router.add_get("/api/cases/{person_ref}", case_timeline)
    app.router.add_get("/work", work)
    app.router.add_route("GET", "/alerts/{alert_id}/dismiss", dismiss)
    app.router.add_route("POST", "/alerts/{alert_id}/dismiss", dismiss)
    app.router.add_route("GET", "/alerts/{alert_id}/escalate", escalate)
    app.router.add_route("POST", "/alerts/{alert_id}/escalate", escalate)
    app.router.add_route("GET", "/cases/{person_ref}/county", name_county)
    app.router.add_route("POST", "/cases/{person_ref}/county", name_county)
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
