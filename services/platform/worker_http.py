"""A worker's own HTTP port: `/healthz`, `/readyz` and Prometheus `/metrics`.

Opt-in: set `JATKUMO_WORKER_HTTP_PORT` (one port per worker process). The server starts with
the worker, before table recovery, so `/healthz` answers as soon as the process runs;
`/readyz` answers 200 only while the consumer's flow runs (no rebalance), it holds at least one
stream partition and those partitions lag by at most `JATKUMO_WORKER_READY_MAX_LAG` messages.
`/metrics` counts events in and out per topic (a faust sensor), dead letters by reason, the
decision time, the consumer lag per partition and the re-reads of the commit guards. Labels
carry topic names, partitions and reason codes only: never personal data.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from aiohttp import web
from faust.sensors import Sensor
from mode import Service
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.platform.faust_patches.ordered_fetch import is_stream_topic
from services.platform.metrics import EVENTS_IN, EVENTS_OUT
from services.platform.settings import Settings

_SERVERS: "WeakKeyDictionary[Any, WorkerHttp]" = WeakKeyDictionary()


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    lag: int | None
    """Messages between the committed offset and the end; None before the first fetch."""


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str


def readiness(flowing: bool, lags: list[PartitionLag], max_lag: int) -> Readiness:
    """Ready when the flow runs, a stream partition is assigned and all are caught up."""
    if not flowing:
        return Readiness(False, "rebalancing")
    if not lags:
        return Readiness(False, "no stream partition assigned")
    if any(entry.lag is None for entry in lags):
        return Readiness(False, "end offsets not known yet")
    total = sum(entry.lag or 0 for entry in lags)
    if total > max_lag:
        return Readiness(False, f"lag {total} above {max_lag}")
    return Readiness(True, f"lag {total}")


def partition_lag(committed: int | None, end: int | None) -> int | None:
    """Messages not yet processed: from the committed offset (0 when none) to the end."""
    if end is None:
        return None
    return max(0, end - (committed or 0))


def stream_lags(app: Any) -> list[PartitionLag]:
    """The lag of every stream partition the worker's consumer holds (none before it starts)."""
    consumer = app.consumer
    found = []
    for tp in sorted(consumer.assignment()):
        if not is_stream_topic(consumer, tp.topic):
            continue
        try:
            end = consumer.highwater(tp)
        except Exception:  # noqa: BLE001 - aiokafka raises for a partition being revoked
            end = None
        found.append(
            PartitionLag(
                tp.topic, tp.partition, partition_lag(consumer._committed_offset.get(tp), end)
            )
        )
    return found


def _flowing(app: Any) -> bool:
    return bool(app.consumer.flow_active and app.flow_control.is_active())


class TrafficSensor(Sensor):
    """Counts the messages a worker consumes and delivers, per topic."""

    def __init__(self, service: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.service = service
        self._in: dict[str, Any] = {}
        self._out: dict[str, Any] = {}

    def on_message_in(self, tp: Any, offset: int, message: Any) -> None:
        counter = self._in.get(tp.topic)
        if counter is None:  # a labelled counter per topic, looked up once
            counter = self._in[tp.topic] = EVENTS_IN.labels(self.service, tp.topic)
        counter.inc()

    def on_send_completed(self, producer: Any, state: Any, metadata: Any) -> None:
        counter = self._out.get(metadata.topic)
        if counter is None:
            counter = self._out[metadata.topic] = EVENTS_OUT.labels(self.service, metadata.topic)
        counter.inc()


class LagCollector(Collector):
    """The consumer lag per stream partition of every served app, computed when read."""

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(
            "jatkumo_consumer_lag_messages",
            "Messages between the committed offset and the end",
            labels=["service", "topic", "partition"],
        )
        for app, server in list(_SERVERS.items()):
            try:
                lags = stream_lags(app)
            except Exception:  # noqa: BLE001 - a consumer not started yet has no lag
                continue
            for entry in lags:
                if entry.lag is not None:
                    family.add_metric(
                        [server.service, entry.topic, str(entry.partition)], entry.lag
                    )
        yield family


_LAG = LagCollector()


class WorkerHttp(Service):
    """The aiohttp server of one worker, started and stopped with the faust worker."""

    def __init__(self, app: Any, service: str, port: int, max_lag: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        self.service = service
        self.port = port
        self.max_lag = max_lag
        self._runner: web.AppRunner | None = None

    def routes(self) -> web.Application:
        web_app = web.Application()
        web_app.router.add_get("/healthz", self._healthz)
        web_app.router.add_get("/readyz", self._readyz)
        web_app.router.add_get("/metrics", self._metrics)
        return web_app

    async def on_start(self) -> None:
        self._runner = web.AppRunner(self.routes(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "0.0.0.0", self.port).start()

    async def on_stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _healthz(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "up", "service": self.service})

    async def _readyz(self, _: web.Request) -> web.Response:
        try:
            verdict = readiness(_flowing(self.app), stream_lags(self.app), self.max_lag)
        except Exception as error:  # noqa: BLE001 - a consumer not started yet is not ready
            verdict = Readiness(False, f"consumer not started ({type(error).__name__})")
        body = json.dumps({"ready": verdict.ready, "reason": verdict.reason})
        return web.Response(
            status=200 if verdict.ready else 503, text=body, content_type="application/json"
        )

    async def _metrics(self, _: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )


def attach(app: Any, service: str, settings: Settings) -> None:
    """Count the app's traffic and, when a port is set, serve the probes with the worker."""
    app.sensors.add(TrafficSensor(service))
    if settings.worker_http_port is None:
        return
    if not _SERVERS:
        REGISTRY.register(_LAG)
    _SERVERS[app] = WorkerHttp(
        app, service, settings.worker_http_port, settings.worker_ready_max_lag
    )


def services_for(app: Any) -> Iterator[Any]:
    """The services to start next to `app` in its worker (the HTTP server, when opted in)."""
    server = _SERVERS.get(app)
    if server is not None:
        yield server
