"""`jatkumo demo`: the whole service on a synthetic Finland-shaped year, on this machine.

Starts (or reuses) the local broker, applies the topics in a fresh namespace, runs the three
services and the operator view as worker processes on event time, waits until they are ready,
publishes the simulated year, waits until they have caught up, and prints what to open. Then it
keeps running until Ctrl-C or SIGTERM, and stops everything it started.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from kafka import KafkaAdminClient
from kafka.errors import KafkaError
from rich.console import Console

from services.commands.demo_output import print_next_steps, print_readout
from services.commands.simulate_cmd import LockstepOption, print_report, run_with_progress
from services.core.organisations import default_registry
from services.gateway.client import GatewayClient
from services.platform import broker
from services.platform.settings import Settings
from services.sdk import PublishError
from services.simulator.config import SimulationConfig
from services.simulator.kafka_io import PipelineLag
from services.simulator.readout import readout
from services.simulator.run import DEFAULT_SPEED, SimulationError
from services.simulator.stack import Stack, StackError

WORK_DIR = broker.REPO_ROOT / ".jatkumo" / "demo"
DEMO_NAMESPACE = re.compile(r"demo\d{14}")


def demo(
    *,
    days: Annotated[int, typer.Option(min=1, help="Simulated days.")] = 365,
    people: Annotated[int, typer.Option(min=1, help="People in custody.")] = 300,
    seed: Annotated[int, typer.Option(help="Same seed, same year.")] = 7,
    speed: Annotated[
        float,
        typer.Option(min=0, help="Simulated days per second at most (0: as fast as it goes)."),
    ] = DEFAULT_SPEED,
    lockstep: LockstepOption = False,
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="Stop everything after the summary.")
    ] = False,
    operator_port: Annotated[int, typer.Option(help="Port of the operator view.")] = 8080,
    broker_port: Annotated[int, typer.Option(help="Port of the local broker.")] = 19092,
    namespace: Annotated[
        str | None, typer.Option(help="Topic namespace (default: a fresh demo<timestamp>).")
    ] = None,
    work_dir: Annotated[Path, typer.Option(help="Logs, data and demo.json.")] = WORK_DIR,
    gateway_org: Annotated[
        str | None,
        typer.Option(help="Run this organisation through the HTTPS gateway instead of Kafka."),
    ] = None,
    gateway_port: Annotated[int, typer.Option(help="Port of the HTTPS gateway.")] = 8443,
) -> None:
    """Run the whole service on a simulated year; Ctrl-C stops everything it started.

    With KAFKA_BOOTSTRAP_SERVERS set it uses that broker instead of the local one.
    """
    for sig in (signal.SIGINT, signal.SIGTERM):  # also when started with SIGINT ignored
        signal.signal(sig, signal.default_int_handler)
    namespace = namespace or f"demo{datetime.now():%Y%m%d%H%M%S}"  # noqa: DTZ005 - a local name
    run = DemoRun(
        Stack(work_dir / namespace, namespace, secrets.token_urlsafe(18), operator_port), work_dir
    )
    adopt_broker = _take_over_from_dead_demo(work_dir, run.say)
    try:
        run.bring_up(os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), broker_port, adopt_broker)
        if gateway_org:
            run.bring_up_gateway(gateway_org, gateway_port)
        run.simulate(SimulationConfig(seed=seed, days=days, people=people), speed, lockstep)
        run.report()
        if not no_wait:
            run.keep_running()
    except KeyboardInterrupt:
        run.console.print()
        run.say("stopping")
    except (StackError, SimulationError, PublishError) as error:
        run.console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from error
    finally:
        run.stop()


class DemoRun:
    def __init__(self, stack: Stack, work_dir: Path) -> None:
        self.stack, self.work_dir = stack, work_dir
        self.console = Console(highlight=False)
        self.began = time.monotonic()
        self.gateway: GatewayClient | None = None
        self.state: dict[str, Any] = {
            "pid": os.getpid(),
            "namespace": stack.namespace,
            "ready": False,
        }

    def say(self, message: str) -> None:
        self.console.print(f"[dim]{time.monotonic() - self.began:6.1f} s[/dim]  {message}")

    @property
    def settings(self) -> Settings:
        return Settings().model_copy(
            update={"bootstrap_servers": self.stack.bootstrap, "namespace": self.stack.namespace}
        )

    def bring_up(self, given_broker: str | None, broker_port: int, adopt: bool) -> None:
        """The broker (a dead demo's own broker is adopted), topics, services, operator."""
        stack = self.stack
        stack.use_broker(given_broker, broker.DEFAULT_STATE, broker_port, self.say, adopt=adopt)
        self._write_state(bootstrap=stack.bootstrap, broker_started=stack.broker_config is not None)
        if not given_broker:
            _remove_old_demos(stack, self.work_dir, self.say)
        self.say(f"{stack.apply_topics()} topics in namespace {stack.namespace}")
        stack.start_services()
        self._write_state(children=stack.pids())
        self.say(
            f"referral, handover, followup and the operator view ready after "
            f"{stack.wait_ready():.1f} s (logs in {stack.work_dir / 'logs'})"
        )

    def bring_up_gateway(self, org: str, port: int) -> None:
        """The HTTPS gateway; `org` publishes and reads its tasks through it (with its client
        certificate), not through Kafka."""
        if default_registry().get(org) is None:
            raise StackError(f"unknown organisation {org!r}")
        self.gateway = self.stack.start_gateway(org, port)
        self._write_state(children=self.stack.pids(), gateway_url=f"https://127.0.0.1:{port}")
        self.say(f"{org} publishes and reads its tasks through https://127.0.0.1:{port}")

    def simulate(self, config: SimulationConfig, speed: float, lockstep: bool = False) -> None:
        client = self.gateway
        report = run_with_progress(
            self.settings,
            config,
            speed,
            self.console,
            publishers={client.org: client} if client else None,
            task_sources={client.org: client} if client else None,
            lockstep=lockstep,
        )
        print_report(report, self.console)
        mode = "lockstep" if lockstep else "pipelined"
        self.say(
            f"simulation time {report.wall_seconds:.1f} s ({mode}; "
            f"{report.wait_seconds:.1f} s of it waiting for the services)"
        )
        self._write_state(
            lockstep=lockstep,
            simulation_seconds=round(report.wall_seconds, 1),
            events_published=report.events,
        )
        lag = PipelineLag(self.settings, client_id="jatkumo-demo")
        try:
            caught_up = self.stack.wait_quiet(lag)
        finally:
            lag.close()
        self.say(f"the services caught up {caught_up:.1f} s after the last event")

    def report(self) -> None:
        stack = self.stack
        result = readout(stack.bootstrap, stack.namespace)
        print_readout(result, self.console)
        print_next_steps(stack, self.console)
        seconds = round(time.monotonic() - self.began, 1)
        if self.gateway is not None:
            self._write_state(
                gateway_org=self.gateway.org,
                gateway_events_posted=self.gateway.posted,
                gateway_tasks_fetched=self.gateway.fetched,
            )
        self._write_state(
            ready=True,
            operator_url=stack.operator_url,
            token=stack.token,
            tasks_by_org=dict(result.tasks_by_org),
            open_alerts_by_rule=dict(result.open_alerts_by_rule),
            seconds_to_ready=seconds,
        )
        self.say(f"demo ready {seconds:.0f} s after start")

    def keep_running(self) -> None:
        self.console.print("Running. Press Ctrl-C to stop everything the demo started.")
        while True:
            self.stack.check_alive()
            time.sleep(1.0)

    def stop(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        self.stack.stop(self.say)
        (self.work_dir / "demo.json").unlink(missing_ok=True)
        self.say("everything the demo started has stopped")

    def _write_state(self, **changes: Any) -> None:
        """`demo.json`: what the running demo is, for scripts and tests (holds the token)."""
        self.state.update(changes)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        path = self.work_dir / "demo.json"
        path.touch(mode=0o600)
        path.write_text(json.dumps(self.state, indent=2))


def _previous_demo(work_dir: Path) -> dict[str, Any]:
    """What the last demo wrote to demo.json, or nothing."""
    try:
        state: dict[str, Any] = json.loads((work_dir / "demo.json").read_text())
        return state
    except (OSError, ValueError):
        return {}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _take_over_from_dead_demo(work_dir: Path, say: Any) -> bool:
    """Refuse while another demo runs; after one that was killed, stop the processes it left
    behind. True when that demo had started the local broker (this one stops it then)."""
    previous = _previous_demo(work_dir)
    pid = previous.get("pid")
    if not isinstance(pid, int):
        return False
    if pid != os.getpid() and _alive(pid):
        typer.echo(
            f"a demo is already running (pid {pid}); stop it with Ctrl-C in its "
            f"terminal or `kill {pid}`",
            err=True,
        )
        raise typer.Exit(1)
    for name, child in dict(previous.get("children", {})).items():
        if isinstance(child, int) and _alive(child) and b"services.cli" in _cmdline(child):
            say(f"stopping {name} (pid {child}) left behind by an earlier demo")
            _stop_group(child)
    (work_dir / "demo.json").unlink(missing_ok=True)
    return bool(previous.get("broker_started"))


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _stop_group(pid: int, timeout: float = 15.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _remove_old_demos(stack: Stack, work_dir: Path, say: Any) -> None:
    """Earlier demo namespaces on our local broker: their topics, groups and data."""
    admin = KafkaAdminClient(bootstrap_servers=stack.bootstrap, client_id="jatkumo-demo")
    try:
        old = sorted(t for t in admin.list_topics() if _demo_of(t) not in (None, stack.namespace))
        for start in range(0, len(old), 200):
            admin.delete_topics(old[start : start + 200], timeout_ms=30000)
        groups = [g[0] if isinstance(g, tuple) else g for g in admin.list_groups()]
        stale = [g for g in groups if _demo_of(str(g)) not in (None, stack.namespace)]
        if stale:
            admin.delete_groups(stale)
    except KafkaError as error:
        say(f"could not remove earlier demo topics ({type(error).__name__}); continuing")
        return
    finally:
        admin.close()
    for path in work_dir.glob("demo*"):
        if path.is_dir() and DEMO_NAMESPACE.fullmatch(path.name) and path.name != stack.namespace:
            shutil.rmtree(path, ignore_errors=True)
    if old:
        say(f"removed {len(old)} topics of earlier demo runs")


def _demo_of(name: str) -> str | None:
    """The demo namespace a topic or group belongs to (`demo….x` or `jatkumo-demo…-x`)."""
    found = re.match(r"(?:jatkumo-)?(demo\d{14})[.-]", name)
    return found.group(1) if found else None
