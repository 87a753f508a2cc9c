"""The `jatkumo` command: broker, topics, schemas, workers, simulator and subscriber tools."""

import typer

from services.commands import (
    broker_cmd,
    demo_cmd,
    disclosures_cmd,
    dlq_cmd,
    erase_cmd,
    gateway_cmd,
    keys_cmd,
    messages_cmd,
    operator_cmd,
    receipts_cmd,
    schemas_cmd,
    simulate_cmd,
    tasks_cmd,
    topics_cmd,
    worker_cmd,
)
from services.platform.logging import configure

app = typer.Typer(
    help="Jatkumo: an unbroken service path from prison to the community.", no_args_is_help=True
)
app.add_typer(broker_cmd.app, name="broker")
app.add_typer(topics_cmd.app, name="topics")
app.add_typer(schemas_cmd.app, name="schemas")
app.command("worker")(worker_cmd.worker)
app.add_typer(operator_cmd.app, name="operator")
app.command("paths")(operator_cmd.paths)
app.command("simulate")(simulate_cmd.simulate)
app.add_typer(tasks_cmd.app, name="tasks")
app.add_typer(receipts_cmd.app, name="receipts")
app.add_typer(dlq_cmd.app, name="dlq")
app.add_typer(keys_cmd.app, name="keys")
app.command("demo")(demo_cmd.demo)
app.command("disclosures")(disclosures_cmd.disclosures)
app.command("erase")(erase_cmd.erase)
app.add_typer(messages_cmd.app, name="messages")
app.add_typer(gateway_cmd.app, name="gateway")


def main() -> None:
    configure()
    app()


if __name__ == "__main__":
    main()
