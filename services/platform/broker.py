"""A local single-node Apache Kafka (KRaft, broker + controller) run from Maven Central jars.

For machines without Docker: `jatkumo broker start` fetches the jars once with Maven (cached in
`infra/kafka/libs`, git-ignored), formats KRaft storage, starts the broker as a background
process, waits until a metadata request succeeds, and records its pid; `stop` sends SIGTERM and
kills after a timeout.
"""

import base64
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from services.platform.admin import cluster_ready

REPO_ROOT = Path(__file__).resolve().parents[2]
KAFKA_DIR = REPO_ROOT / "infra" / "kafka"
LIBS = KAFKA_DIR / "libs"
"""One directory of jars per Kafka version: `libs/<version>`."""
DEFAULT_KAFKA_VERSION = "3.9.1"
"""The version `infra/kafka/pom.xml` names; `KAFKA_VERSION` (e.g. `make test KAFKA_VERSION=4.4.0`)
chooses another one from Maven Central."""
DEFAULT_STATE = REPO_ROOT / ".jatkumo" / "broker"
ADMIN = "admin"
"""The broker's super user in the secure profile (SASL/SCRAM)."""
PROBE_TIMEOUT_MS = 3000
"""One readiness probe gives up this soon, so a probe begun before the port opened ends."""
SAFE_PASSWORD = re.compile(r"[A-Za-z0-9._~@%+-]+")


def kafka_version() -> str:
    """The Kafka version to run: `KAFKA_VERSION` when set, else the pom's default."""
    return os.environ.get("KAFKA_VERSION") or DEFAULT_KAFKA_VERSION


class BrokerError(RuntimeError):
    """The broker could not be fetched, started or stopped; the message says what to do."""


@dataclass(frozen=True)
class BrokerConfig:
    state_dir: Path = DEFAULT_STATE
    port: int = 19092
    controller_port: int = 19093
    heap: str = "768m"
    secure: bool = False
    admin_password: str = "jatkumo-admin-secret"
    kafka_version: str = field(default_factory=kafka_version)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "broker.log"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def libs_dir(version: str | None = None) -> Path:
    return LIBS / (version or kafka_version())


def ensure_jars(progress: Callable[[str], None] = print, version: str | None = None) -> Path:
    """Fetch the jars of a Kafka version with Maven unless the cache matches the pom."""
    version = version or kafka_version()
    libs = libs_dir(version)
    stamp = libs / ".pom-stamp"
    pom = (KAFKA_DIR / "pom.xml").read_bytes()
    if stamp.exists() and stamp.read_bytes() == pom and any(libs.glob("kafka_2.13-*.jar")):
        return libs
    if shutil.which("mvn") is None or shutil.which("java") is None:
        raise BrokerError("Java and Maven are needed for the local broker (apt-get install maven)")
    progress(f"fetching Kafka {version} jars from Maven Central (once) ...")
    shutil.rmtree(libs, ignore_errors=True)
    result = subprocess.run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(KAFKA_DIR / "pom.xml"),
            "dependency:copy-dependencies",
            f"-Dkafka.version={version}",
            f"-DoutputDirectory={libs}",
            "-DincludeScope=runtime",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BrokerError("maven could not fetch the Kafka jars:\n" + result.stdout[-2000:])
    stamp.write_bytes(pom)
    return libs


def _properties(config: BrokerConfig, data_dir: Path) -> str:
    lines = [
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.voters=1@127.0.0.1:{config.controller_port}",
        "controller.listener.names=CONTROLLER",
        f"log.dirs={data_dir}",
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=6",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=true",
        "log.retention.check.interval.ms=60000",
        "log.segment.bytes=67108864",
    ]
    if config.secure:
        lines += _secure_lines(config)
    else:
        lines += [
            f"listeners=PLAINTEXT://127.0.0.1:{config.port},"
            f"CONTROLLER://127.0.0.1:{config.controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{config.port}",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
        ]
    return "\n".join(lines) + "\n"


def _secure_lines(config: BrokerConfig) -> list[str]:
    """SASL on both listeners, so no request is ever made as `User:ANONYMOUS`.

    Clients and the broker itself use SCRAM-SHA-512 on CLIENT (credentials live in the KRaft
    metadata). KRaft cannot check SCRAM on the controller listener, so the broker reaches its
    controller with SASL/PLAIN as `admin`, whose only PLAIN credential is in this file.
    """
    password = _jaas_safe(config.admin_password)
    return [
        f"listeners=CLIENT://127.0.0.1:{config.port},"
        f"CONTROLLER://127.0.0.1:{config.controller_port}",
        f"advertised.listeners=CLIENT://127.0.0.1:{config.port}",
        "listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
        "inter.broker.listener.name=CLIENT",
        "sasl.enabled.mechanisms=SCRAM-SHA-512",
        "listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512",
        "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
        "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
        "sasl.mechanism.controller.protocol=PLAIN",
        "listener.name.client.scram-sha-512.sasl.jaas.config="
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="{ADMIN}" password="{password}";',
        "listener.name.controller.plain.sasl.jaas.config="
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'username="{ADMIN}" password="{password}" user_{ADMIN}="{password}";',
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        f"super.users=User:{ADMIN}",
        "allow.everyone.if.no.acl.found=false",
    ]


def _jaas_safe(password: str) -> str:
    """The password goes into JAAS and StorageTool syntax unquoted: allow only plain characters."""
    if not SAFE_PASSWORD.fullmatch(password):
        raise BrokerError("the admin password may use only letters, digits and . _ ~ @ % + -")
    return password


# Warnings only, but the group coordinator at INFO: every rebalance (who joined, which
# generation) is in the broker log when a fault run has to be explained.
LOG4J = """log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File={log}
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
log4j.logger.kafka.coordinator.group.GroupCoordinator=INFO
log4j.logger.org.apache.kafka.coordinator.group=INFO
"""


def _java(config: BrokerConfig, main: str, *args: str) -> list[str]:
    return [
        "java",
        f"-Xmx{config.heap}",
        "-Xms128m",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j.configuration=file:{config.state_dir / 'log4j.properties'}",
        "-cp",
        f"{libs_dir(config.kafka_version)}/*",
        main,
        *args,
    ]


def read_pid(config: BrokerConfig) -> int | None:
    """The pid of our running broker, or None (a stale pid file is removed)."""
    try:
        pid = int(config.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        config.pid_file.unlink(missing_ok=True)
        return None
    return pid


def new_cluster_id(draw: Callable[[], uuid.UUID] = uuid.uuid4) -> str:
    """A random KRaft cluster id that never starts with a dash.

    Ids are URL-safe base64, so one in 64 would begin with "-", which a command line reads
    as an option; such a draw is thrown away.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(draw().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def format_arguments(config: BrokerConfig, properties: Path, cluster_id: str) -> list[str]:
    """The storage tool's arguments; the id is joined to its flag so it is never an option."""
    args = ["format", f"--cluster-id={cluster_id}", f"--config={properties}", "--ignore-formatted"]
    if config.secure:
        args += ["--add-scram", f"SCRAM-SHA-512=[name={ADMIN},password={config.admin_password}]"]
    return args


def format_storage(config: BrokerConfig, properties: Path, cluster_id: str) -> None:
    """Format the KRaft log directory named in the properties for the given cluster."""
    result = subprocess.run(
        _java(config, "kafka.tools.StorageTool", *format_arguments(config, properties, cluster_id)),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BrokerError("formatting KRaft storage failed:\n" + (result.stderr or result.stdout))


def start(
    config: BrokerConfig, timeout: float = 60.0, progress: Callable[[str], None] = print
) -> float:
    """Start the broker unless ours already runs; return seconds until it answered metadata."""
    if read_pid(config) is not None:
        progress(f"broker already running on {config.bootstrap}")
        return 0.0
    ensure_jars(progress, config.kafka_version)
    config.state_dir.mkdir(parents=True, exist_ok=True)
    data_dir = config.state_dir / "data"
    properties = config.state_dir / "server.properties"
    properties.touch(mode=0o600)  # the secure profile's admin password goes in it
    properties.chmod(0o600)
    properties.write_text(_properties(config, data_dir))
    (config.state_dir / "log4j.properties").write_text(LOG4J.format(log=config.log_file))
    if not (data_dir / "meta.properties").exists():
        format_storage(config, properties, new_cluster_id())
    began = time.monotonic()
    with config.log_file.open("ab") as log:
        process = subprocess.Popen(
            _java(config, "kafka.Kafka", str(properties)),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    config.pid_file.write_text(str(process.pid))
    progress(f"broker starting on {config.bootstrap} (pid {process.pid})")
    security = {**_admin_security(config), "bootstrap_timeout_ms": PROBE_TIMEOUT_MS}
    while time.monotonic() - began < timeout:
        if process.poll() is not None:
            config.pid_file.unlink(missing_ok=True)
            raise BrokerError(f"broker exited with {process.returncode}; see {config.log_file}")
        if cluster_ready(config.bootstrap, **security):
            elapsed = time.monotonic() - began
            progress(f"broker ready on {config.bootstrap} after {elapsed:.1f} s")
            return elapsed
        time.sleep(0.5)
    stop(config)
    raise BrokerError(f"broker did not answer within {timeout:.0f} s; see {config.log_file}")


def _admin_security(config: BrokerConfig) -> dict[str, str]:
    if not config.secure:
        return {}
    return {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": ADMIN,
        "sasl_plain_password": config.admin_password,
    }


def stop(config: BrokerConfig, timeout: float = 30.0) -> bool:
    """SIGTERM, then SIGKILL after `timeout`; True when a broker was stopped."""
    pid = read_pid(config)
    if pid is None:
        return False
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        _reap(pid)
        time.sleep(0.2)
    else:
        os.killpg(pid, signal.SIGKILL)
        _reap(pid)
    config.pid_file.unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    """Collect our own child's exit status so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def status(config: BrokerConfig) -> str:
    pid = read_pid(config)
    if pid is None:
        return "stopped"
    ready = cluster_ready(
        config.bootstrap, bootstrap_timeout_ms=PROBE_TIMEOUT_MS, **_admin_security(config)
    )
    return f"running (pid {pid}) on {config.bootstrap}: " + ("ready" if ready else "not ready")
