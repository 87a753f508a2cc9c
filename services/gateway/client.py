"""A small HTTPS client of the gateway: publishes events as one organisation (client
certificate), for the demo and for systems that want a reference."""

import ssl
from pathlib import Path
from typing import Any

import httpx

from services.core.events import InboundEvent
from services.sdk.publisher import PublishError


class GatewayClient:
    """POSTs events to /v1/events; the answer 202 means the broker has the event."""

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
        result: dict[str, Any] = answer.json()
        return result

    def healthy(self) -> bool:
        try:
            return self._client.get("/healthz").status_code == 200
        except httpx.HTTPError:
            return False

    def flush(self, timeout: float = 30.0) -> None:
        """Nothing is buffered: each publish waits for its answer."""

    def close(self) -> None:
        self._client.close()
