"""The local stack the demo runs: the broker, the three services and the operator view.

Every child runs in its own process group with its own log file, so stopping the stack stops
everything it started (SIGTERM, then SIGKILL) and nothing else. The broker is stopped only when
the stack started it.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from services.core.organisations import default_registry
from services.gateway.client import GatewayClient
from services.platform import broker, pki
from services.platform.admin import apply_topics, cluster_ready, listening
from services.platform.topics import TopicNames, catalogue
from services.simulator.kafka_io import PipelineLag

SERVICES = ("referral", "handover", "followup")
Say = Callable[[str], None]


class StackError(RuntimeError):
    """Something the stack needs did not come up; the message says what and where to look."""


@dataclass
class Stack:
    work_dir: Path
    namespace: str
    token: str
    operator_port: int
    bootstrap: str = ""
    partitions: int = 3
    broker_config: broker.BrokerConfig | None = None
    """Set when this stack started the broker (and so stops it)."""
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def names(self) -> TopicNames:
        return TopicNames(self.namespace)

    @property
    def operator_url(self) -> str:
        return f"http://127.0.0.1:{self.operator_port}/"

    def groups(self) -> list[str]:
        return [self.names.app_id(service) for service in SERVICES]

    def use_broker(
        self, given: str | None, state_dir: Path, port: int, say: Say, *, adopt: bool = False
    ) -> None:
        """Reuse a broker that answers, replace a stale one of ours, or start a new one.

        `adopt`: the running local broker was started by a demo that died; stop it at the end.
        """
        if given:
            if not (listening(given) and cluster_ready(given)):
                raise StackError(f"no Kafka broker answers at KAFKA_BOOTSTRAP_SERVERS={given}")
            self.bootstrap = given
            say(f"using the broker at {given}")
            return
        config = broker.BrokerConfig(state_dir=state_dir, port=port, controller_port=port + 1)
        self.bootstrap = config.bootstrap
        pid = broker.read_pid(config)
        if pid is not None and not _is_kafka(pid):
            say(f"removing a stale broker pid file ({config.pid_file})")
            config.pid_file.unlink(missing_ok=True)
            pid = None
        if listening(config.bootstrap) and cluster_ready(config.bootstrap):
            say(f"reusing the broker already running on {config.bootstrap}")
            if adopt and pid is not None:
                self.broker_config = config
            return
        if pid is not None:
            say(f"the broker (pid {pid}) does not answer; restarting it")
            broker.stop(config)
        try:
            broker.start(config, timeout=90, progress=say)
        except broker.BrokerError as error:
            raise StackError(f"{error}\n(is port {port} taken by another program?)") from error
        self.broker_config = config

    def apply_topics(self) -> int:
        specs = catalogue(default_registry(), self.names, self.partitions)
        apply_topics(self.bootstrap, specs)
        return len(specs)

    def _env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "JATKUMO_NAMESPACE": self.namespace,
            "JATKUMO_CLOCK": "event",
            "JATKUMO_INTERNAL_PARTITIONS": str(self.partitions),
            "JATKUMO_TICK_INTERVAL_SECONDS": "0.2",
            "JATKUMO_OPERATOR_TOKEN": self.token,
            "PYTHONUNBUFFERED": "1",
            **extra,
        }

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        logs = self.work_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        with (logs / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "services.cli", *args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def start_services(self) -> None:
        for service in SERVICES:
            env = self._env(
                JATKUMO_DATA_DIR=str(self.work_dir / "data"),
                JATKUMO_WEB_PORT=str(broker.free_port()),
            )
            self._spawn(service, ["worker", service], env)
        self._spawn(
            "operator", ["operator", "serve", "--port", str(self.operator_port)], self._env()
        )

    def start_gateway(self, org: str, port: int, timeout: float = 60.0) -> GatewayClient:
        """The HTTPS gateway with a local CA in the work dir; a client holding `org`'s
        certificate once the gateway answers."""
        pki_dir = self.work_dir / "pki"
        pki_dir.mkdir(parents=True, exist_ok=True)
        ca = pki.create_ca(pki_dir)
        server = ca.issue_server(pki_dir, "gateway")
        client_cert = ca.issue_client(pki_dir, org)
        env = self._env(
            JATKUMO_GATEWAY_PORT=str(port),
            JATKUMO_GATEWAY_TLS_CERT=str(server.cert_file),
            JATKUMO_GATEWAY_TLS_KEY=str(server.key_file),
            JATKUMO_GATEWAY_CLIENT_CA=str(ca.cert_file),
        )
        self._spawn("gateway", ["gateway", "serve"], env)
        client = GatewayClient(
            org,
            f"https://127.0.0.1:{port}",
            ca.cert_file,
            cert_file=client_cert.cert_file,
            key_file=client_cert.key_file,
        )
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            self.check_alive()
            if client.healthy():
                return client
            time.sleep(0.3)
        client.close()
        raise StackError(f"the gateway did not answer within {timeout:.0f} s")

    def wait_ready(self, timeout: float = 120.0) -> float:
        """Until every service's consumer group is stable and the operator view answers."""
        began = time.monotonic()
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="jatkumo-demo")
        try:
            while time.monotonic() - began < timeout:
                self.check_alive()
                if self._groups_stable(admin) and self._operator_answers():
                    return time.monotonic() - began
                time.sleep(0.5)
        finally:
            admin.close()
        raise StackError(
            f"the services were not ready within {timeout:.0f} s; "
            f"see the logs in {self.work_dir / 'logs'}"
        )

    def _groups_stable(self, admin: KafkaAdminClient) -> bool:
        try:
            groups: dict[str, Any] = admin.describe_groups(self.groups())
        except KafkaError:  # the group coordinator is still loading
            return False
        return all(_stable(groups.get(group)) for group in self.groups())

    def _operator_answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.operator_url + "healthz", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def wait_quiet(self, lag: PipelineLag, timeout: float = 180.0, settle: int = 3) -> float:
        """Until the services have consumed everything (zero lag `settle` times in a row)."""
        began = time.monotonic()
        calm = 0
        while time.monotonic() - began < timeout:
            self.check_alive()
            calm = calm + 1 if lag.measure() == 0 else 0
            if calm >= settle:
                return time.monotonic() - began
            time.sleep(1.0)
        raise StackError(
            f"the services did not catch up within {timeout:.0f} s; "
            f"see the logs in {self.work_dir / 'logs'}"
        )

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                log = self.work_dir / "logs" / f"{name}.log"
                tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
                raise StackError(f"{name} exited with {process.returncode}; {log}:\n{tail}")

    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.processes.items()}

    def stop(self, say: Say, timeout: float = 30.0) -> None:
        """SIGTERM every process group we started, SIGKILL what is left; then our broker."""
        for process in self.processes.values():
            _signal(process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for name, process in self.processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop in time; killing it")
            _signal(process, signal.SIGKILL)
            process.wait(timeout=10)
        self.processes.clear()
        if self.broker_config is not None:
            broker.stop(self.broker_config)
            say("broker stopped")
            self.broker_config = None


def _signal(process: subprocess.Popen[bytes], sig: int) -> None:
    """Signal the child's whole process group (it leads one of its own)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _stable(group: dict[str, Any] | None) -> bool:
    if not group:
        return False
    return group.get("group_state") == "Stable" and bool(group.get("members"))


def _is_kafka(pid: int) -> bool:
    """True when the process is a Kafka broker (a recycled pid must never be signalled)."""
    try:
        return b"kafka.Kafka" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        found = subprocess.run(
            ["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, check=False
        )
        return "kafka.Kafka" in found.stdout
