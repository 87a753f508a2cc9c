"""The `jatkumo` command: broker, topics, schemas, workers, simulator and subscriber tools.

Each command's module is imported only when that command runs: a worker process (started
many times over in a deployment's life) does not pay for the simulator's, the gateway's or the
broker tools' imports. `app` (the whole command, for `--help` and for tests) imports them all.
"""

import importlib
import sys
from typing import Any, NamedTuple

import typer

from services.platform.logging import configure

HELP = "Jatkumo: an unbroken service path from prison to the community."


class Command(NamedTuple):
    module: str
    attribute: str
    group: bool
    """A group of subcommands (a Typer app) rather than one command."""


COMMANDS: dict[str, Command] = {
    "broker": Command("services.commands.broker_cmd", "app", group=True),
    "topics": Command("services.commands.topics_cmd", "app", group=True),
    "schemas": Command("services.commands.schemas_cmd", "app", group=True),
    "worker": Command("services.commands.worker_cmd", "worker", group=False),
    "operator": Command("services.commands.operator_cmd", "app", group=True),
    "paths": Command("services.commands.operator_cmd", "paths", group=False),
    "simulate": Command("services.commands.simulate_cmd", "simulate", group=False),
    "tasks": Command("services.commands.tasks_cmd", "app", group=True),
    "receipts": Command("services.commands.receipts_cmd", "app", group=True),
    "dlq": Command("services.commands.dlq_cmd", "app", group=True),
    "keys": Command("services.commands.keys_cmd", "app", group=True),
    "demo": Command("services.commands.demo_cmd", "demo", group=False),
    "disclosures": Command("services.commands.disclosures_cmd", "disclosures", group=False),
    "erase": Command("services.commands.erase_cmd", "erase", group=False),
    "messages": Command("services.commands.messages_cmd", "app", group=True),
    "gateway": Command("services.commands.gateway_cmd", "app", group=True),
}


def build(only: str | None = None) -> typer.Typer:
    """The command with every subcommand, or with `only` that one (the others not imported)."""
    app = typer.Typer(help=HELP, no_args_is_help=True)

    @app.callback()
    def root() -> None:
        # With a callback, a Typer app of one command stays a group: `jatkumo worker ...` keeps
        # its command name. The help text is the app's (HELP).
        pass

    for name, command in COMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(command.module), command.attribute)
        if command.group:
            app.add_typer(target, name=name)
        else:
            app.command(name)(target)
    return app


def __getattr__(name: str) -> Any:
    """`services.cli.app`: the whole command, every subcommand imported."""
    if name == "app":
        return build()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    configure()
    requested = sys.argv[1] if len(sys.argv) > 1 else None
    build(requested if requested in COMMANDS else None)()


if __name__ == "__main__":
    main()
