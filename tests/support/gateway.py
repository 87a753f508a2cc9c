"""A live gateway process over HTTPS, with a local CA, client certificates and access tokens."""

import os
import signal
import ssl
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from services.platform import pki
from services.platform.broker import free_port

ISSUER = "test-issuer"
AUDIENCE = "jatkumo-gateway"


class GatewayProcess:
    """`jatkumo gateway serve` on a free port, TLS from a fresh local CA in `work_dir`."""

    def __init__(self, env: dict[str, str], work_dir: Path) -> None:
        self.work_dir = work_dir
        self.pki_dir = work_dir / "pki"
        self.pki_dir.mkdir(parents=True, exist_ok=True)
        self.ca = pki.create_ca(self.pki_dir)
        server = self.ca.issue_server(self.pki_dir, "gateway")
        self._token_key = ec.generate_private_key(ec.SECP256R1())
        public = self.pki_dir / "issuer.pem"
        public.write_bytes(
            self._token_key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.env = {
            **env,
            "JATKUMO_GATEWAY_PORT": str(self.port),
            "JATKUMO_GATEWAY_TLS_CERT": str(server.cert_file),
            "JATKUMO_GATEWAY_TLS_KEY": str(server.key_file),
            "JATKUMO_GATEWAY_CLIENT_CA": str(self.ca.cert_file),
            "JATKUMO_GATEWAY_TOKEN_PUBLIC_KEY": str(public),
            "JATKUMO_GATEWAY_TOKEN_ISSUER": ISSUER,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        log = (self.work_dir / "gateway.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "gateway", "serve"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        with self.client() as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise AssertionError(f"gateway exited: {self.log()[-3000:]}")
                try:
                    if client.get("/healthz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"gateway not answering within {timeout} s: {self.log()[-3000:]}")

    def log(self) -> str:
        return (self.work_dir / "gateway.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def tls(self, org: str | None = None) -> ssl.SSLContext:
        """Trust the local CA; with `org`, present that organisation's client certificate."""
        context = ssl.create_default_context(cafile=str(self.ca.cert_file))
        if org is not None:
            issued = self.ca.issue_client(self.pki_dir, org)
            context.load_cert_chain(str(issued.cert_file), str(issued.key_file))
        return context

    def token(self, org: str, *, issuer: str = ISSUER, lifetime: float = 300) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": issuer,
            "aud": AUDIENCE,
            "sub": org,
            "client_id": org,
            "iat": now,
            "exp": now + timedelta(seconds=lifetime),
        }
        return jwt.encode(claims, self._token_key, algorithm="ES256")

    def client(
        self, org: str | None = None, *, token_for: str | None = None, timeout: float = 30.0
    ) -> httpx.Client:
        """An HTTPS client: with `org` by client certificate, with `token_for` by bearer token."""
        headers = {"Authorization": f"Bearer {self.token(token_for)}"} if token_for else {}
        return httpx.Client(
            base_url=self.url, verify=self.tls(org), headers=headers, timeout=timeout
        )
