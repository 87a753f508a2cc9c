"""Webhooks: each task of an organisation POSTed to its registered URL, signed, in order.

An organisation registers its URL and secret with `PUT /v1/webhook`; registrations are kept in
the file named by `JATKUMO_GATEWAY_WEBHOOKS_FILE` (a JSON object of organisation code ->
`{"url": ..., "secret": ...}`, which an operator may also write before start). Each delivery carries

- `Jatkumo-Delivery`: a delivery id, the same for every attempt and every repeat of the task;
- `Jatkumo-Timestamp`: seconds since the epoch when the attempt was signed;
- `Jatkumo-Signature`: `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the secret.

A delivery is retried with exponential backoff until the receiver answers 2xx; only then does
the next task go (so tasks arrive in topic order, which is per-person order). The position is
committed in the consumer group `org-<code>.webhook` after each 2xx: a restart resumes there
(at-least-once; a receiver deduplicates by delivery id). A webhook failing for longer than
`JATKUMO_GATEWAY_WEBHOOK_ALERT_AFTER_SECONDS` opens an operator alert: an `Alert` with the rule
`webhook_failing` on `ops.alerts` (decided by `services.gateway.watch`, sent as the gateway's own
principal), resolved when a delivery succeeds again. The metric
`jatkumo_gateway_webhook_failing{org}` is 1 while the alert is open, and the counter
`jatkumo_gateway_webhook_alerts_total{org}` counts the alerts opened. An alert the broker does
not take is decided again at the next attempt.
"""

import asyncio
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from prometheus_client import Counter, Gauge

from services.core.records import Alert, AlertState
from services.core.tasks import Task
from services.gateway.problems import ProblemError
from services.gateway.watch import WebhookWatch, observe
from services.platform.codec import Catalogue, DecodeError
from services.platform.logging import get_logger
from services.platform.topics import TopicNames

log = get_logger("jatkumo.gateway.webhooks")

FAILING = Gauge(
    "jatkumo_gateway_webhook_failing",
    "1 while an organisation's webhook has been failing for longer than the alert threshold",
    ["org"],
)
ALERTS = Counter("jatkumo_gateway_webhook_alerts_total", "Webhook alerts opened", ["org"])
DELIVERIES = Counter(
    "jatkumo_gateway_webhook_deliveries_total", "Webhook delivery attempts", ["org", "outcome"]
)

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Registration:
    url: str
    secret: str


def check_registration(org: str, registration: Registration) -> None:
    """Plain http only to this host (a local receiver); a secret of 16 characters or more."""
    parts = urlsplit(registration.url)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        raise ValueError(f"the webhook of {org} must be an https URL")
    if not parts.hostname:
        raise ValueError(f"the webhook of {org} must name a host")
    if len(registration.secret) < 16:
        raise ValueError(f"the webhook secret of {org} must have at least 16 characters")


def load_registrations(path: Path | None) -> dict[str, Registration]:
    """The registrations file (absent: none yet)."""
    if path is None or not path.exists():
        return {}
    raw: dict[str, dict[str, str]] = json.loads(path.read_text("utf-8"))
    registrations = {org: Registration(entry["url"], entry["secret"]) for org, entry in raw.items()}
    for org, registration in registrations.items():
        check_registration(org, registration)
    return registrations


def save_registrations(path: Path, registrations: dict[str, Registration]) -> None:
    """Replace the registrations file at once (mode 0600: it holds the secrets)."""
    data = {org: {"url": r.url, "secret": r.secret} for org, r in sorted(registrations.items())}
    partial = path.with_suffix(path.suffix + ".partial")
    partial.touch(mode=0o600)
    partial.write_text(json.dumps(data, indent=2), "utf-8")
    partial.replace(path)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def delivery_id(org: str, task_id: str) -> str:
    """Stable per organisation and task: a repeat of the task on the topic has the same id."""
    return hashlib.sha256(f"{org}\x00{task_id}".encode()).hexdigest()[:32]


def backoff(attempt: int, first: float = 0.2, longest: float = 30.0) -> float:
    """Seconds to wait before attempt `attempt + 1` (attempt counts from 1)."""
    return float(min(longest, first * 2 ** (attempt - 1)))


class WebhookDispatcher:
    """Delivers one organisation's tasks to its webhook, one at a time, until stopped."""

    def __init__(
        self,
        org: str,
        registration: Registration,
        *,
        bootstrap: str,
        names: TopicNames,
        catalogue: Catalogue,
        security: dict[str, Any],
        alert_after: float,
        send_alert: Callable[[Alert], Awaitable[None]],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.org = org
        self.registration = registration
        self.catalogue = catalogue
        self.alert_after = timedelta(seconds=alert_after)
        self.send_alert = send_alert
        self.clock = clock
        self.watch = WebhookWatch()
        self.topic = names.tasks(org)
        self._consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=bootstrap,
            group_id=".".join(filter(None, [f"org-{org}", "webhook", names.namespace])),
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            client_id=f"jatkumo-gateway-webhook-{org}",
            **security,
        )
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(KafkaError):
            await self._consumer.stop()

    async def _run(self) -> None:
        async with httpx.AsyncClient(timeout=10.0) as client:
            while True:
                try:
                    await self._consumer.start()
                    await self._deliver_all(client)
                except KafkaError as error:
                    log.warning("webhook_feed_failed", org=self.org, error=type(error).__name__)
                    await asyncio.sleep(1.0)

    async def _deliver_all(self, client: httpx.AsyncClient) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=500)
            for tp, records in batches.items():
                for record in records:
                    await self._deliver_record(client, tp, record)

    async def _deliver_record(
        self, client: httpx.AsyncClient, tp: TopicPartition, record: Any
    ) -> None:
        try:
            task = self.catalogue.decode_as(record.value, Task)
        except DecodeError as error:
            log.warning(
                "webhook_task_undecodable",
                org=self.org,
                partition=tp.partition,
                offset=record.offset,
                reason=error.reason,
            )
        else:
            await self._deliver(client, task)
        await self._consumer.commit({tp: record.offset + 1})

    async def _deliver(self, client: httpx.AsyncClient, task: Task) -> None:
        """POST until a 2xx; open the alert when failing longer than the threshold."""
        body = task.model_dump_json().encode()
        ident = delivery_id(self.org, task.task_id)
        attempt = 0
        while True:
            attempt += 1
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "Jatkumo-Delivery": ident,
                "Jatkumo-Timestamp": stamp,
                "Jatkumo-Signature": signature(self.registration.secret, stamp, body),
            }
            try:
                answer = await client.post(self.registration.url, content=body, headers=headers)
                ok = answer.is_success
            except httpx.HTTPError:
                ok = False
            DELIVERIES.labels(self.org, "delivered" if ok else "failed").inc()
            await self._watch(ok)
            if ok:
                return
            await asyncio.sleep(backoff(attempt))

    async def _watch(self, delivered: bool) -> None:
        """Decide the alert after one attempt and send it; keep the old watch if not sent."""
        watch, alert = observe(
            self.watch, delivered, self.clock(), org=self.org, alert_after=self.alert_after
        )
        if alert is not None:
            try:
                await self.send_alert(alert)
            except (KafkaError, ProblemError) as error:
                log.warning("webhook_alert_not_sent", org=self.org, error=type(error).__name__)
                return
            opened = alert.state == AlertState.OPEN
            FAILING.labels(self.org).set(1 if opened else 0)
            if opened:
                ALERTS.labels(self.org).inc()
            log.info("webhook_alert", org=self.org, state=alert.state.value)
        self.watch = watch


class WebhookHub:
    """The registrations and one dispatcher per registered organisation.

    Registrations made over the API are written to the registrations file when one is
    configured, so they outlive a restart; without a file they last as long as the process.
    """

    def __init__(
        self, path: Path | None, make: Callable[[str, Registration], "WebhookDispatcher"]
    ) -> None:
        self.path = path
        self.make = make
        self.registrations = load_registrations(path)
        self._dispatchers: dict[str, WebhookDispatcher] = {}

    def start(self) -> None:
        for org, registration in self.registrations.items():
            self._dispatchers[org] = self.make(org, registration)
            self._dispatchers[org].start()

    async def register(self, org: str, registration: Registration) -> None:
        check_registration(org, registration)
        await self.unregister(org)
        self.registrations[org] = registration
        self._save()
        self._dispatchers[org] = self.make(org, registration)
        self._dispatchers[org].start()

    async def unregister(self, org: str) -> bool:
        dispatcher = self._dispatchers.pop(org, None)
        if dispatcher is not None:
            await dispatcher.stop()
        found = self.registrations.pop(org, None) is not None
        self._save()
        return found

    def _save(self) -> None:
        if self.path is not None:
            save_registrations(self.path, self.registrations)

    async def stop(self) -> None:
        for dispatcher in self._dispatchers.values():
            await dispatcher.stop()
        self._dispatchers.clear()
