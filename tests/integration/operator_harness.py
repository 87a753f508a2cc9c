"""Helpers for tests of the operator view: the server in-process and publishing records."""

import asyncio
import http.client
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from kafka import KafkaProducer
from pydantic import BaseModel

from services.operator.server import start
from services.platform.codec import Catalogue
from services.platform.settings import Settings
from services.platform.topics import TopicNames

CATALOGUE = Catalogue()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


class ServerThread:
    """The operator server in-process, on its own event loop in a background thread."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.settings = settings
        self.port = port
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.replies: list[str] = []

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        runner: web.AppRunner = self.loop.run_until_complete(
            start(self.settings, "127.0.0.1", self.port)
        )
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())
        self.loop.close()

    def start(self) -> None:
        self.thread.start()
        assert self.ready.wait(30), "the operator server did not start"

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)

    def get(
        self,
        path: str,
        *,
        token: str | None = None,
        anonymous: bool = False,
        cookie: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """GET with the operator token (or `token`); `anonymous` sends no Authorization."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = dict(headers or {})
        if not anonymous:
            sent["Authorization"] = f"Bearer {token or self.settings.operator_token}"
        if cookie:
            sent["Cookie"] = cookie
        try:
            connection.request("GET", path, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, dict(response.getheaders()), response.read().decode())
        finally:
            connection.close()
        self.replies.append(reply.body)
        return reply

    def wait_for(
        self, path: str, condition: Callable[[Reply], bool], timeout: float = 120.0
    ) -> Reply:
        """Poll `path` until `condition(reply)` holds (bounded)."""
        deadline = time.monotonic() + timeout
        while True:
            reply = self.get(path)
            if condition(reply):
                return reply
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
        raise AssertionError(
            f"timed out waiting on {path}; last reply {reply.status}: {reply.body}"
        )


def topic_of(names: TopicNames, kind: str) -> str:
    return {
        "facts": names.case_facts,
        "alerts": names.alerts,
        "disclosures": names.disclosures,
        "dlq": names.dlq,
    }[kind]


def publish(bootstrap: str, names: TopicNames, records: list[tuple[str, BaseModel]]) -> set[int]:
    """Send the records keyed by person; the partitions of case-facts that received them."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    partitions: set[int] = set()
    for kind, record in records:
        key = str(getattr(record, "person_ref", "dlq")).encode()
        sent = producer.send(topic_of(names, kind), key=key, value=CATALOGUE.encode(record))
        metadata = sent.get(timeout=30)
        if kind == "facts":
            partitions.add(metadata.partition)
    producer.close()
    return partitions
