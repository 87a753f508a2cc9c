"""What `jatkumo demo` prints once the year is simulated: the read-out and what to open next."""

import os
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from services.core.organisations import default_registry
from services.core.records import AlertRule
from services.simulator.readout import Readout
from services.simulator.stack import Stack

TOP_ORGS = 12


def print_readout(result: Readout, console: Console) -> None:
    """Tasks per organisation topic (the busiest) and open broken paths by rule."""
    registry = default_registry()
    tasks = Table(
        title=f"tasks on {len(result.tasks_by_org)} organisations' topics ({result.tasks} in all)",
        title_justify="left",
        show_edge=False,
    )
    for column in ("organisation", "name", "tasks"):
        tasks.add_column(column, justify="right" if column == "tasks" else "left")
    for code, count in result.tasks_by_org.most_common(TOP_ORGS):
        org = registry.get(code)
        tasks.add_row(code, org.name if org else "", str(count))
    hidden = len(result.tasks_by_org) - TOP_ORGS
    if hidden > 0:
        tasks.add_row(f"… {hidden} more", "", "")
    console.print(tasks)
    alerts = Table(
        title=f"open broken service paths by rule ({result.open_alerts} open, "
        f"{result.resolved_alerts} resolved)",
        title_justify="left",
        show_edge=False,
    )
    alerts.add_column("rule")
    alerts.add_column("open", justify="right")
    for rule in AlertRule:
        alerts.add_row(rule.value, str(result.open_alerts_by_rule.get(rule.value, 0)))
    console.print(alerts)
    if result.dead_letters_by_reason:
        reasons = ", ".join(f"{r} {n}" for r, n in result.dead_letters_by_reason.most_common())
        console.print(f"dead letters: {reasons}")


def _jatkumo() -> str:
    installed = Path(sys.executable).with_name("jatkumo")
    if not installed.exists():
        return "jatkumo"
    return os.path.relpath(installed) if installed.is_relative_to(Path.cwd()) else str(installed)


def print_next_steps(stack: Stack, console: Console) -> None:
    env = f"JATKUMO_NAMESPACE={stack.namespace}"
    if stack.bootstrap != "127.0.0.1:19092":
        env += f" KAFKA_BOOTSTRAP_SERVERS={stack.bootstrap}"
    jatkumo = _jatkumo()
    console.print()
    console.print("[bold]Open[/bold]")
    console.print(f"  operator view      {stack.operator_url}?token={stack.token}", soft_wrap=True)
    console.print(
        f"  a county's tasks   {env} {jatkumo} tasks tail --org county-13", soft_wrap=True
    )
    console.print(f"  broken paths       {env} {jatkumo} paths", soft_wrap=True)
    console.print(
        f"  answer a task      {env} {jatkumo} tasks ack <task_id> --org county-13 "
        "--status accepted",
        soft_wrap=True,
    )
    console.print()
