"""Uvicorn's HTTP protocol with the verified client certificate in the ASGI scope.

Uvicorn does not pass the peer certificate to the application; this protocol reads it from the
TLS connection once and puts it at `scope["jatkumo.client_cert"]` of each request on it.
"""

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from services.gateway.identity import CERT_SCOPE_KEY

ASGIApp = Any


def _with_certificate(app: ASGIApp, peercert: dict[str, Any] | None) -> ASGIApp:
    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope[CERT_SCOPE_KEY] = peercert
        await app(scope, receive, send)

    return wrapped


class CertificateH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        peercert = transport.get_extra_info("peercert")
        self.app = _with_certificate(self.app, peercert or None)
