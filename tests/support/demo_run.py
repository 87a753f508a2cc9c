"""`jatkumo demo` as a child process for the end-to-end tests: started on the session broker
in its own namespace and work directory, awaited until it says it is ready, stopped with
SIGTERM (SIGKILL only if it does not end)."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from services.platform.broker import free_port


def start_demo(bootstrap: str, work: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start `jatkumo demo <args>` with a free operator port; its output goes to demo.log."""
    command = [
        sys.executable,
        "-m",
        "services.cli",
        "demo",
        *args,
        "--operator-port",
        str(free_port()),
        "--namespace",
        "e2e" + uuid.uuid4().hex[:8],
        "--work-dir",
        str(work),
    ]
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "COLUMNS": "200"}
    with (work / "demo.log").open("ab") as log:
        return subprocess.Popen(
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def demo_log(work: Path) -> str:
    return (work / "demo.log").read_text(errors="replace")[-4000:]


def wait_ready(process: subprocess.Popen[bytes], work: Path, within: float) -> dict[str, Any]:
    """Poll demo.json until the demo says it is ready; fail with its output otherwise."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the demo exited early:\n" + demo_log(work))
        try:
            state: dict[str, Any] = json.loads((work / "demo.json").read_text())
        except (OSError, ValueError):
            state = {}
        if state.get("ready"):
            return state
        time.sleep(1.0)
    pytest.fail("the demo was not ready in time:\n" + demo_log(work))


def stop_demo(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, a minute to finish, then SIGKILL to the whole process group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
