"""A webhook receiver on 127.0.0.1 that refuses for a while, then accepts; checks signatures."""

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from services.platform.broker import free_port


@dataclass
class Received:
    accepted: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """(delivery id, task JSON) of every delivery answered 2xx, in arrival order."""
    refused: int = 0
    bad_signatures: int = 0
    first_at: float | None = None
    refused_since: datetime | None = None
    """When the first request was refused (wall clock)."""
    recovered_at: datetime | None = None
    """When the first delivery was accepted (wall clock): the end of the failure window."""


class WebhookReceiver:
    """Answers 503 until it has refused `refusals` requests and `window` seconds have passed
    since the first request; then 204. A wrong signature is answered 401 and counted."""

    def __init__(self, secret: str, refusals: int = 3, window: float = 1.5) -> None:
        self.secret = secret
        self.refusals = refusals
        self.window = window
        self.received = Received()
        self.lock = threading.Lock()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(receiver.answer(dict(self.headers.items()), body))
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                return

        return Handler

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        stamp = headers.get("Jatkumo-Timestamp", "")
        mac = hmac.new(self.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        with self.lock:
            received = self.received
            if not hmac.compare_digest(
                "sha256=" + mac.hexdigest(), headers.get("Jatkumo-Signature", "")
            ):
                received.bad_signatures += 1
                return 401
            now = time.monotonic()
            received.first_at = received.first_at or now
            if received.refused < self.refusals or now - received.first_at < self.window:
                received.refused += 1
                received.refused_since = received.refused_since or datetime.now(UTC)
                return 503
            received.recovered_at = received.recovered_at or datetime.now(UTC)
            received.accepted.append((headers["Jatkumo-Delivery"], json.loads(body)))
            return 204

    def __enter__(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
