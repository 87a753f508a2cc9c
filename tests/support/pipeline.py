"""Run the real services as worker processes against a real broker, in their own namespace."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from services.core.organisations import default_registry
from services.platform.admin import apply_topics
from services.platform.broker import free_port
from services.platform.topics import Replication, TopicNames, catalogue

SERVICES = ("referral", "handover", "followup")


def _stable(group: dict[str, Any] | None) -> bool:
    if not group:
        return False
    return group.get("group_state") == "Stable" and bool(group.get("members"))


class Pipeline:
    """Worker processes of the three services; each test module gets a fresh namespace."""

    def __init__(
        self,
        bootstrap: str,
        work_dir: Path,
        *,
        clock: str = "event",
        services: tuple[str, ...] = SERVICES,
        partitions: int = 3,
        extra_env: dict[str, str] | None = None,
        service_env: dict[str, dict[str, str]] | None = None,
        security: dict[str, Any] | None = None,
        replication: Replication | None = None,
    ) -> None:
        """`service_env` adds variables to one service's workers (e.g. its SASL principal);
        `security` are kafka-python client settings for the pipeline's own admin calls;
        `replication` is the topics' (and the workers'), one copy when not given."""
        self.bootstrap = bootstrap
        self.replication = replication or Replication()
        self.service_env = service_env or {}
        self.security = security or {}
        self.namespace = "t" + uuid.uuid4().hex[:8]
        self.names = TopicNames(self.namespace)
        self.work_dir = work_dir
        self.services = services
        self.partitions = partitions
        self.env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "JATKUMO_NAMESPACE": self.namespace,
            "JATKUMO_ENVIRONMENT": "test",
            "JATKUMO_CLOCK": clock,
            "JATKUMO_INTERNAL_PARTITIONS": str(partitions),
            "JATKUMO_TICK_INTERVAL_SECONDS": "0.3",
            "JATKUMO_REPLICATION_FACTOR": str(self.replication.factor),
            "JATKUMO_MIN_INSYNC_REPLICAS": str(self.replication.min_insync),
            **(extra_env or {}),
        }
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def command(self, *args: str, timeout: float = 120.0) -> "subprocess.CompletedProcess[str]":
        """Run a `jatkumo` command in the deployment's environment; its output as text."""
        return subprocess.run(
            [sys.executable, "-m", "services.cli", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=self.env,
        )

    def apply_topics(self) -> None:
        apply_topics(self.bootstrap, catalogue(default_registry(), self.names, self.partitions,
                                               self.replication), **self.security)

    def start_worker(self, service: str, worker_id: str = "0") -> None:
        log = (self.work_dir / f"{service}-{worker_id}.log").open("ab")
        env = {
            **self.env,
            **self.service_env.get(service, {}),
            "JATKUMO_DATA_DIR": str(self.work_dir / "data"),
            "JATKUMO_WEB_PORT": str(free_port()),
        }
        self.processes[f"{service}-{worker_id}"] = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "worker", service, "--worker-id", worker_id],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def start(self, timeout: float = 90.0) -> None:
        self.apply_topics()
        for service in self.services:
            self.start_worker(service)
        self.wait_ready(timeout)

    def topics(self) -> list[str]:
        """Every topic of the pipeline's namespace."""
        specs = catalogue(default_registry(), self.names, self.partitions)
        return [spec.name for spec in specs]

    def group(self, service: str) -> str:
        return f"jatkumo-{self.namespace}-{service}"

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Until every service's consumer group is stable with members."""
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, **self.security)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self._check_alive()
                try:
                    groups = admin.describe_groups([self.group(s) for s in self.services])
                except KafkaError:  # the group coordinator is still loading
                    groups = {}
                if all(_stable(groups.get(self.group(s))) for s in self.services):
                    return
                time.sleep(0.5)
        finally:
            admin.close()
        raise AssertionError(f"workers not ready within {timeout} s; logs in {self.work_dir}")

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                log = (self.work_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                raise AssertionError(f"worker {name} exited with {process.returncode}:\n{log}")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, sig)
        process.wait(timeout=60)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.work_dir.glob("*.log"))
