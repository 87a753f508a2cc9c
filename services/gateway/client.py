"""A small HTTPS client of the gateway: publishes events and fetches tasks as one organisation
(client certificate), for the demo and for systems that want a reference."""

import ssl
from pathlib import Path
from typing import Any

import httpx

from services.core.events import InboundEvent
from services.core.tasks import Task
from services.sdk.publisher import PublishError


class GatewayClient:
    """POSTs events to /v1/events (the answer 202 means the broker has the event) and reads
    the organisation's tasks from /v1/tasks, remembering the cursor between calls."""

    def __init__(
        self,
        org: str,
        url: str,
        ca_file: Path,
        *,
        cert_file: Path,
        key_file: Path,
        timeout: float = 30.0,
    ) -> None:
        self.org = org
        context = ssl.create_default_context(cafile=str(ca_file))
        context.load_cert_chain(str(cert_file), str(key_file))
        self._client = httpx.Client(base_url=url, verify=context, timeout=timeout)
        self._cursor: str | None = None
        self.posted = 0
        """Events the gateway accepted (202) from this client."""
        self.fetched = 0
        """Tasks this client read from the gateway."""

    def publish(self, event: InboundEvent, *, wait: bool = True) -> dict[str, Any]:
        """Publish one event (always confirmed: `wait` is accepted for the SDK's signature)."""
        body = {"event_type": type(event).__name__, **event.model_dump(mode="json")}
        try:
            answer = self._client.post("/v1/events", json=body)
        except httpx.HTTPError as error:
            raise PublishError(f"the gateway did not answer: {type(error).__name__}") from error
        if answer.status_code != 202:
            kind = answer.json().get("type", "") if answer.content else ""
            raise PublishError(f"the gateway refused the event: {answer.status_code} {kind}")
        self.posted += 1
        result: dict[str, Any] = answer.json()
        return result

    def fetch_tasks(self, wait: float = 0.0, limit: int = 500) -> list[Task]:
        """The tasks after the last ones read (all the gateway has now, page after page; the
        first page may wait up to `wait` seconds for one)."""
        found: list[Task] = []
        while True:
            params: dict[str, Any] = {"wait": wait if not found else 0, "limit": limit}
            if self._cursor is not None:
                params["after"] = self._cursor
            try:
                answer = self._client.get("/v1/tasks", params=params)
            except httpx.HTTPError as error:
                raise PublishError(f"the gateway did not answer: {type(error).__name__}") from error
            if answer.status_code != 200:
                raise PublishError(f"the gateway refused the task poll: {answer.status_code}")
            page: dict[str, Any] = answer.json()
            tasks = [Task.model_validate(task) for task in page["tasks"]]
            self._cursor = page["next"]
            self.fetched += len(tasks)
            found.extend(tasks)
            if len(tasks) < limit:
                return found

    def healthy(self) -> bool:
        try:
            return self._client.get("/healthz").status_code == 200
        except httpx.HTTPError:
            return False

    def flush(self, timeout: float = 30.0) -> None:
        """Nothing is buffered: each publish waits for its answer."""

    def close(self) -> None:
        self._client.close()
