"""A local Apache Kafka (KRaft) run from Maven Central jars: one node, or a cluster of three.

For machines without Docker: `jatkumo broker start` fetches the jars once with Maven (cached in
`infra/kafka/libs`, git-ignored), formats KRaft storage, starts each node as a background
process, waits until a metadata request succeeds and every node is registered, and records each
node's pid; `stop` sends SIGTERM and kills after a timeout.

Each node is a combined broker and controller. With `nodes=3` the three form the controller
quorum (a majority of two keeps it going), each with its own client and controller port and its
own directory `node-<id>` (data, properties, log, pid) under the state directory; one node keeps
the single-node layout (everything directly in the state directory).

The secure profile puts SASL/SCRAM over TLS (`SASL_SSL`) on every listener: the local CA and
the brokers' certificate are made with `services.platform.pki` in `<state>/pki` (or taken from
there as they are, when an organisation put its own files in their place).
"""

import base64
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from services.platform import pki
from services.platform.admin import cluster_ready
from services.platform.kafka_security import KafkaSecurity
from services.platform.topics import Replication

REPO_ROOT = Path(__file__).resolve().parents[2]
KAFKA_DIR = REPO_ROOT / "infra" / "kafka"
LIBS = KAFKA_DIR / "libs"
"""One directory of jars per Kafka version: `libs/<version>`."""
DEFAULT_KAFKA_VERSION = "4.4.0"
"""The version `infra/kafka/pom.xml` names; `KAFKA_VERSION` (e.g. `make test KAFKA_VERSION=3.9.1`)
chooses another one from Maven Central (3.9.1, the last 3.x line, is supported too)."""
DEFAULT_STATE = REPO_ROOT / ".jatkumo" / "broker"
ADMIN = "admin"
"""The broker's super user in the secure profile (SASL/SCRAM)."""
PROBE_TIMEOUT_MS = 3000
"""One readiness probe gives up this soon, so a probe begun before the port opened ends."""
SAFE_PASSWORD = re.compile(r"[A-Za-z0-9._~@%+-]+")
QUORUM_NODES = 3
"""A replicated cluster has three nodes (a quorum of three; topics 3 copies, 2 in sync)."""


def kafka_version() -> str:
    """The Kafka version to run: `KAFKA_VERSION` when set, else the pom's default."""
    return os.environ.get("KAFKA_VERSION") or DEFAULT_KAFKA_VERSION


class BrokerError(RuntimeError):
    """The broker could not be fetched, started or stopped; the message says what to do."""


@dataclass(frozen=True)
class Node:
    """One KRaft node (broker and controller) of the local cluster."""

    node_id: int
    port: int
    controller_port: int
    directory: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.directory / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.directory / "broker.log"

    @property
    def properties(self) -> Path:
        return self.directory / "server.properties"

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"


@dataclass(frozen=True)
class BrokerConfig:
    state_dir: Path = DEFAULT_STATE
    port: int = 19092
    controller_port: int = 19093
    heap: str = "768m"
    secure: bool = False
    admin_password: str = "jatkumo-admin-secret"
    kafka_version: str = field(default_factory=kafka_version)
    nodes: int = 1
    node_ports: tuple[tuple[int, int], ...] = ()
    """(client port, controller port) of each node; by default node n takes `port` and
    `controller_port` plus 2(n-1): 19092/19093, 19094/19095, 19096/19097."""

    def __post_init__(self) -> None:
        if self.nodes < 1:
            raise BrokerError("a cluster needs at least one node")
        if self.node_ports and len(self.node_ports) != self.nodes:
            raise BrokerError(f"node_ports names {len(self.node_ports)} nodes, not {self.nodes}")

    @classmethod
    def on_free_ports(cls, state_dir: Path, nodes: int = 1, **options: object) -> "BrokerConfig":
        """A configuration whose every port is free now (for tests beside other brokers)."""
        ports = tuple((free_port(), free_port()) for _ in range(nodes))
        return cls(state_dir=state_dir, port=ports[0][0], controller_port=ports[0][1],
                   nodes=nodes, node_ports=ports, **options)  # type: ignore[arg-type]

    @property
    def node_list(self) -> list[Node]:
        ports = self.node_ports or tuple(
            (self.port + 2 * i, self.controller_port + 2 * i) for i in range(self.nodes))
        return [
            Node(i + 1, port, controller,
                 self.state_dir if self.nodes == 1 else self.state_dir / f"node-{i + 1}")
            for i, (port, controller) in enumerate(ports)
        ]

    def node(self, node_id: int) -> Node:
        return self.node_list[node_id - 1]

    @property
    def bootstrap(self) -> str:
        return ",".join(node.address for node in self.node_list)

    @property
    def pid_file(self) -> Path:
        return self.node_list[0].pid_file

    @property
    def log_file(self) -> Path:
        return self.node_list[0].log_file

    @property
    def pki_dir(self) -> Path:
        return self.state_dir / "pki"

    @property
    def ca_file(self) -> Path:
        """The CA clients trust in the secure profile (`JATKUMO_KAFKA_SSL_CAFILE`)."""
        return pki.load_ca(self.pki_dir).cert_file

    @property
    def replication(self) -> Replication:
        """The default of the cluster's internal topics (and of auto-created ones)."""
        return Replication.for_brokers(self.nodes)

    def admin_security(self) -> KafkaSecurity:
        """How the super user connects: SASL_SSL with the local CA, or plaintext."""
        if not self.secure:
            return KafkaSecurity()
        return KafkaSecurity(username=ADMIN, password=self.admin_password, cafile=self.ca_file)


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


@dataclass(frozen=True)
class Stores:
    """The broker's PKCS12 keystore and truststore and their password."""

    keystore: Path
    truststore: Path
    password: str


def ensure_pki(config: BrokerConfig) -> Stores:
    """The local CA, the brokers' certificate (localhost, 127.0.0.1) and their PKCS12 stores in
    `<state>/pki`, each made only when missing: files put there beforehand are used as they
    are (`ca.pem`, `broker.pem` with `broker-key.pem`, or the stores themselves)."""
    directory = config.pki_dir
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    authority = pki.load_ca(directory)
    server = pki.Issued(directory / "broker.pem", directory / "broker-key.pem")
    if not server.cert_file.exists():
        if not authority.cert_file.exists():
            authority = pki.create_ca(directory, "Jatkumo local Kafka CA")
        server = authority.issue_server(directory, "broker")
    password_file = directory / "store.password"
    if not password_file.exists():
        descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(24))
    password = password_file.read_text().strip()
    stores = Stores(directory / "broker.p12", directory / "truststore.p12", password)
    if not stores.keystore.exists():
        pki.write_keystore(server, stores.keystore, password)
    if not stores.truststore.exists():
        pki.write_truststore(authority, stores.truststore, password)
    return stores


METADATA_IDLE_MS = 10_000
"""How often an idle controller writes a no-op record to the metadata log (Kafka's default:
every 500 ms). Each is appended and flushed by every node's Raft thread; on an idle local node
that thread used 1.55 s of CPU in 20 s with the default and 0.35 s with 10 s. Nodes are still
fenced by their heartbeats; the no-ops only let a node see that its metadata is current."""


def node_properties(config: BrokerConfig, node: Node, stores: Stores | None = None) -> str:
    """The `server.properties` of one node."""
    voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in config.node_list)
    replicas, min_insync = config.replication.factor, config.replication.min_insync
    lines = [
        "process.roles=broker,controller",
        f"node.id={node.node_id}",
        f"controller.quorum.voters={voters}",
        "controller.listener.names=CONTROLLER",
        f"log.dirs={node.data_dir}",
        "num.partitions=1",
        f"default.replication.factor={replicas}",
        f"min.insync.replicas={min_insync}",
        f"offsets.topic.replication.factor={replicas}",
        "offsets.topic.num.partitions=6",
        f"transaction.state.log.replication.factor={replicas}",
        f"transaction.state.log.min.isr={min_insync}",
        "unclean.leader.election.enable=false",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=true",
        "log.retention.check.interval.ms=60000",
        "log.segment.bytes=67108864",
        f"metadata.max.idle.interval.ms={METADATA_IDLE_MS}",
    ]
    if config.secure:
        lines += _secure_lines(config, node, stores or ensure_pki(config))
    else:
        lines += [
            f"listeners=PLAINTEXT://127.0.0.1:{node.port},"
            f"CONTROLLER://127.0.0.1:{node.controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{node.port}",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
        ]
    return "\n".join(lines) + "\n"


def _secure_lines(config: BrokerConfig, node: Node, stores: Stores) -> list[str]:
    """SASL over TLS on both listeners, so no request is ever made as `User:ANONYMOUS` and
    nothing crosses the network in clear text.

    Clients and the brokers themselves use SCRAM-SHA-512 on CLIENT (credentials live in the
    KRaft metadata). KRaft cannot check SCRAM on the controller listener, so the nodes reach
    their controllers with SASL/PLAIN as `admin`, whose only PLAIN credential is in this file.
    Every connection is TLS with the brokers' certificate; a node checks the other's host name
    like any client (`ssl.endpoint.identification.algorithm=https`), and a client certificate,
    when one is presented, must come from the trusted CA.
    """
    password = _jaas_safe(config.admin_password)
    return [
        f"listeners=CLIENT://127.0.0.1:{node.port},"
        f"CONTROLLER://127.0.0.1:{node.controller_port}",
        f"advertised.listeners=CLIENT://127.0.0.1:{node.port}",
        "listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SASL_SSL",
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
        "ssl.keystore.type=PKCS12",
        f"ssl.keystore.location={stores.keystore}",
        f"ssl.keystore.password={stores.password}",
        f"ssl.key.password={stores.password}",
        "ssl.truststore.type=PKCS12",
        f"ssl.truststore.location={stores.truststore}",
        f"ssl.truststore.password={stores.password}",
        "ssl.endpoint.identification.algorithm=https",
        "ssl.client.auth=requested",
        "ssl.enabled.protocols=TLSv1.3,TLSv1.2",
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


QUICK_JIT = "-XX:TieredStopAtLevel=1"
"""Compile with C1 only. A local node lives minutes to hours under a light load: the C2
compiler's work never paid for itself there. In a node's first minutes under a test's load it
took about a third of the node's CPU; with C1 only, a node spent 23-31 s of CPU on a 4,000-event
bench run against 36-40 s, and 4.3-5.1 s against 5.6-7.4 s to start (a two-core machine)."""


def _java(config: BrokerConfig, log4j: Path, main: str, *args: str) -> list[str]:
    return [
        "java",
        f"-Xmx{config.heap}",
        "-Xms128m",
        "-XX:+UseG1GC",
        QUICK_JIT,
        "-Djava.awt.headless=true",
        f"-Dlog4j.configuration=file:{log4j}",
        "-cp", f"{libs_dir(config.kafka_version)}/*", main, *args,
    ]


def _pid_of(pid_file: Path) -> int | None:
    """The pid recorded in the file when that process still runs (a stale file is removed)."""
    try:
        pid = int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pid_file.unlink(missing_ok=True)
        return None
    return pid


def read_pid(config: BrokerConfig, node_id: int = 1) -> int | None:
    """The pid of our running node (the first by default), or None."""
    return _pid_of(config.node(node_id).pid_file)


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


def format_storage(
    config: BrokerConfig, properties: Path, cluster_id: str, log4j: Path | None = None
) -> None:
    """Format the KRaft log directory named in the properties for the given cluster."""
    _finish_format(_start_format(config, properties, cluster_id, log4j))


def _start_format(
    config: BrokerConfig, properties: Path, cluster_id: str, log4j: Path | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        _java(config, log4j or properties.parent / "log4j.properties", "kafka.tools.StorageTool",
              *format_arguments(config, properties, cluster_id)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    )


def _finish_format(process: subprocess.Popen[str]) -> None:
    out, err = process.communicate()
    if process.returncode != 0:
        raise BrokerError("formatting KRaft storage failed:\n" + (err or out))


def _cluster_id(config: BrokerConfig) -> str:
    """The cluster's id, the same for every node, kept in the state directory."""
    path = config.state_dir / "cluster.id"
    if not path.exists():
        path.write_text(new_cluster_id())
    return path.read_text().strip()


def _prepare(config: BrokerConfig, node: Node, stores: Stores | None
             ) -> subprocess.Popen[str] | None:
    """Write the node's properties; start formatting its storage when it has none yet."""
    node.directory.mkdir(parents=True, exist_ok=True)
    node.properties.touch(mode=0o600)  # the admin and store passwords go in it
    node.properties.chmod(0o600)
    node.properties.write_text(node_properties(config, node, stores))
    log4j = node.directory / "log4j.properties"
    log4j.write_text(LOG4J.format(log=node.log_file))
    if (node.data_dir / "meta.properties").exists():
        return None
    return _start_format(config, node.properties, _cluster_id(config), log4j)


def _launch(config: BrokerConfig, node: Node) -> subprocess.Popen[bytes]:
    with node.log_file.open("ab") as log:
        process = subprocess.Popen(
            _java(config, node.directory / "log4j.properties", "kafka.Kafka",
                  str(node.properties)),
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    node.pid_file.write_text(str(process.pid))
    return process


def start(
    config: BrokerConfig, timeout: float = 60.0, progress: Callable[[str], None] = print
) -> float:
    """Start every node that is not running yet; return seconds until the cluster answered
    metadata with every node registered."""
    missing = [node for node in config.node_list if _pid_of(node.pid_file) is None]
    if not missing:
        progress(f"broker already running on {config.bootstrap}")
        return 0.0
    ensure_jars(progress, config.kafka_version)
    config.state_dir.mkdir(parents=True, exist_ok=True)
    stores = ensure_pki(config) if config.secure else None
    began = time.monotonic()
    formatting = [_prepare(config, node, stores) for node in missing]  # in parallel
    for formatter in formatting:
        if formatter is not None:
            _finish_format(formatter)
    launched = {node.node_id: _launch(config, node) for node in missing}
    what = "broker" if config.nodes == 1 else f"{config.nodes} nodes"
    pids = ", ".join(f"node {n}: pid {p.pid}" for n, p in launched.items())
    progress(f"{what} starting on {config.bootstrap} ({pids})")
    security = {**config.admin_security().options(), "bootstrap_timeout_ms": PROBE_TIMEOUT_MS}
    while time.monotonic() - began < timeout:
        for node_id, process in launched.items():
            if process.poll() is not None:
                node = config.node(node_id)
                node.pid_file.unlink(missing_ok=True)
                raise BrokerError(
                    f"node {node_id} exited with {process.returncode}; see {node.log_file}")
        if cluster_ready(config.bootstrap, brokers=config.nodes, **security):
            elapsed = time.monotonic() - began
            progress(f"{what} ready on {config.bootstrap} after {elapsed:.1f} s")
            return elapsed
        time.sleep(0.5)
    for node_id in launched:
        stop_node(config, node_id)
    raise BrokerError(f"broker did not answer within {timeout:.0f} s; see {config.log_file}")


def _pid_files(config: BrokerConfig) -> Iterator[Path]:
    """Every node's pid file under the state directory, however many nodes it was started
    with (so `stop` and `status` need not be told)."""
    yield config.state_dir / "broker.pid"
    yield from sorted(config.state_dir.glob("node-*/broker.pid"))


def stop_node(config: BrokerConfig, node_id: int, timeout: float = 30.0,
              sig: signal.Signals = signal.SIGTERM) -> bool:
    """Stop one node: `sig` (SIGKILL for a crash), then SIGKILL after `timeout`."""
    return _stop_pids([config.node(node_id).pid_file], timeout, sig)


def stop(config: BrokerConfig, timeout: float = 30.0) -> bool:
    """SIGTERM to every node at once, then SIGKILL after `timeout`; True when one was stopped."""
    return _stop_pids(list(_pid_files(config)), timeout, signal.SIGTERM)


def _stop_pids(pid_files: list[Path], timeout: float, sig: signal.Signals) -> bool:
    running = {pid_file: pid for pid_file in pid_files if (pid := _pid_of(pid_file)) is not None}
    for pid in running.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
    deadline = time.monotonic() + timeout
    alive = dict(running)
    while alive and time.monotonic() < deadline:
        for pid_file, pid in list(alive.items()):
            _reap(pid)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                del alive[pid_file]
        if alive:
            time.sleep(0.2)
    for pid in alive.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        _reap(pid)
    for pid_file in running:
        pid_file.unlink(missing_ok=True)
    return bool(running)


def _reap(pid: int) -> None:
    """Collect our own child's exit status so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def status(config: BrokerConfig) -> str:
    """Each node's pid, and whether the cluster answers with every running node registered."""
    running = {path: pid for path in _pid_files(config) if (pid := _pid_of(path)) is not None}
    if not running:
        return "stopped"
    nodes = ", ".join(f"{_node_name(config, path)} pid {pid}" for path, pid in running.items())
    ready = cluster_ready(config.bootstrap, brokers=len(running),
                          bootstrap_timeout_ms=PROBE_TIMEOUT_MS,
                          **config.admin_security().options())
    return (f"running ({nodes}) on {config.bootstrap}: "
            + ("ready" if ready else "not ready"))


def _node_name(config: BrokerConfig, pid_file: Path) -> str:
    if pid_file.parent == config.state_dir:
        return "node 1"
    return "node " + pid_file.parent.name.removeprefix("node-")


def nodes_on_disk(state_dir: Path) -> int:
    """How many nodes the cluster in this state directory was made with (1 when none yet)."""
    return len(list(state_dir.glob("node-*/server.properties"))) or 1


def secure_on_disk(state_dir: Path) -> bool:
    """Whether the broker in this state directory was started in the secure profile."""
    found = [state_dir / "server.properties", *state_dir.glob("node-*/server.properties")]
    return any("SASL_SSL" in path.read_text() for path in found if path.exists())
