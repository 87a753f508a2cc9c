"""What `jatkumo demo` prints once the year is simulated: the read-out and what to open next."""

import os
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from services.commands.language import cli_texts
from services.core.organisations import default_registry
from services.core.records import AlertRule
from services.i18n.labels import RULES
from services.simulator.readout import Readout
from services.simulator.stack import Stack

TOP_ORGS = 12


def print_readout(result: Readout, console: Console) -> None:
    """Tasks per organisation topic (the busiest) and open broken paths by rule."""
    words = cli_texts()
    registry = default_registry()
    tasks = Table(
        title=words.gettext(
            "tasks on {orgs} organisations' topics ({tasks} in all)",
            orgs=len(result.tasks_by_org),
            tasks=result.tasks,
        ),
        title_justify="left",
        show_edge=False,
    )
    tasks.add_column(words.gettext("organisation"))
    tasks.add_column(words.gettext("name"))
    tasks.add_column(words.gettext("tasks"), justify="right")
    for code, count in result.tasks_by_org.most_common(TOP_ORGS):
        org = registry.get(code)
        name = words.county(code) if org and org.area_code and code.startswith("county-") else ""
        tasks.add_row(code, name or (org.name if org else ""), words.number(count))
    hidden = len(result.tasks_by_org) - TOP_ORGS
    if hidden > 0:
        tasks.add_row(words.gettext("… {count} more", count=hidden), "", "")
    console.print(tasks)
    alerts = Table(
        title=words.gettext(
            "open broken service paths by rule ({open} open, {resolved} resolved)",
            open=result.open_alerts,
            resolved=result.resolved_alerts,
        ),
        title_justify="left",
        show_edge=False,
    )
    alerts.add_column(words.gettext("rule"))
    alerts.add_column(words.gettext("code"))
    alerts.add_column(words.gettext("open"), justify="right")
    for rule in AlertRule:
        count = result.open_alerts_by_rule.get(rule.value, 0)
        alerts.add_row(words.label(RULES, rule.value), rule.value, words.number(count))
    console.print(alerts)
    if result.dead_letters_by_reason:
        reasons = ", ".join(f"{r} {n}" for r, n in result.dead_letters_by_reason.most_common())
        console.print(words.gettext("dead letters: {reasons}", reasons=reasons))


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
    words = cli_texts()
    steps = [
        (words.gettext("operator view"), f"{stack.operator_url}?token={stack.token}"),
        (words.gettext("a county's tasks"), f"{env} {jatkumo} tasks tail --org county-13"),
        (words.gettext("broken paths"), f"{env} {jatkumo} paths"),
        (
            words.gettext("answer a task"),
            f"{env} {jatkumo} tasks ack <task_id> --org county-13 --status accepted",
        ),
    ]
    width = max(len(what) for what, _ in steps) + 2
    console.print()
    console.print(Text(words.gettext("Open"), style="bold"))
    for what, command in steps:
        console.print(Text(f"  {what:{width}} {command}"), soft_wrap=True)
    console.print()
