"""`jatkumo operator serve` as a child process, and headless Chromium, for the browser tests."""

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from services.platform.broker import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
"""Screenshots the browser tests leave for people to look at."""
CATCH_UP_WITHIN = 120.0


def healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def operator_view(bootstrap: str, namespace: str, token: str, work: Path) -> Iterator[str]:
    """Serve the operator view of `namespace` in event time on a free port until it answers
    /healthz; yield its base URL; stop it with SIGTERM. Its output goes to operator.log."""
    port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "JATKUMO_NAMESPACE": namespace,
        "JATKUMO_OPERATOR_TOKEN": token,
        "JATKUMO_CLOCK": "event",
        "JATKUMO_ENVIRONMENT": "test",
    }
    with (work / "operator.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "operator", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + CATCH_UP_WITHIN
        while not healthy(port):
            assert process.poll() is None, (work / "operator.log").read_text()
            assert time.monotonic() < deadline, "the operator view did not catch up"
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium; each test opens its own context in it."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only for browser tests

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()
