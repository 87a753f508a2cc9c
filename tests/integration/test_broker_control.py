"""`jatkumo broker start | status | stop` as a newcomer runs them."""

import subprocess
import sys
from pathlib import Path

import pytest

from services.platform import broker
from services.platform.broker import free_port

pytestmark = pytest.mark.integration


def _jatkumo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _our_java_processes(state_dir: Path) -> list[str]:
    found = subprocess.run(
        ["pgrep", "-af", str(state_dir)], capture_output=True, text=True, check=False
    )
    return [line for line in found.stdout.splitlines() if "java" in line]


def test_start_status_stop_leaves_nothing_running(tmp_path: Path) -> None:
    """start reports ready, status says ready, stop leaves no java process of ours behind."""
    state = tmp_path / "broker"
    port = str(free_port())
    common = ["--state-dir", str(state), "--port", port]
    started = _jatkumo("broker", "start", *common, "--timeout", "60")
    try:
        assert started.returncode == 0, started.stderr
        assert "ready" in started.stdout
        status = _jatkumo("broker", "status", *common)
        assert "ready" in status.stdout
        assert _our_java_processes(state)
    finally:
        stopped = _jatkumo("broker", "stop", *common)
    assert "stopped" in stopped.stdout
    assert _our_java_processes(state) == []
    assert "stopped" in _jatkumo("broker", "status", *common).stdout


def test_stop_without_broker_says_so(tmp_path: Path) -> None:
    """Stopping when nothing runs is harmless and says nothing was running."""
    result = _jatkumo("broker", "stop", "--state-dir", str(tmp_path / "none"))
    assert result.returncode == 0
    assert "no broker" in result.stdout


def test_storage_formats_with_an_id_beginning_with_a_dash(tmp_path: Path) -> None:
    """Kafka's storage tool takes the joined --cluster-id form even for an id starting with '-'."""
    broker.ensure_jars()
    config = broker.BrokerConfig(state_dir=tmp_path, port=free_port(), controller_port=free_port())
    data_dir = tmp_path / "data"
    properties = tmp_path / "server.properties"
    properties.write_text(broker.node_properties(config, config.node(1)))
    (tmp_path / "log4j.properties").write_text(broker.LOG4J.format(log=config.log_file))
    cluster_id = "-" + "A" * 21
    broker.format_storage(config, properties, cluster_id)
    assert f"cluster.id={cluster_id}" in (data_dir / "meta.properties").read_text()


def test_three_nodes_start_report_and_stop_together(tmp_path: Path) -> None:
    """`--nodes 3`: three processes, each with its own directory; status and stop see all."""
    state = tmp_path / "cluster"
    port = free_port()
    common = ["--state-dir", str(state), "--port", str(port)]
    started = _jatkumo("broker", "start", *common, "--nodes", "3", "--timeout", "90")
    try:
        assert started.returncode == 0, started.stderr
        assert "3 nodes ready" in started.stdout
        status = _jatkumo("broker", "status", *common)
        assert status.stdout.count(" pid ") == 3, status.stdout
        assert status.stdout.rstrip().endswith("ready")
        assert sorted(p.name for p in state.glob("node-*/data")) == ["data"] * 3
        assert len(_our_java_processes(state)) == 3
    finally:
        stopped = _jatkumo("broker", "stop", *common)
    assert "stopped" in stopped.stdout
    assert _our_java_processes(state) == []
