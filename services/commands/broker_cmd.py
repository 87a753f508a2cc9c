"""`jatkumo broker start | stop | status`: the local Kafka for machines without Docker."""

from pathlib import Path
from typing import Annotated

import typer

from services.platform import broker

app = typer.Typer(help="Run a local single-node Kafka (KRaft) from Maven Central jars.")

StateOption = Annotated[Path, typer.Option(help="Where the broker keeps data, pid and log.")]
PortOption = Annotated[int, typer.Option(help="Client port.")]
SecureOption = Annotated[bool, typer.Option(help="SASL/SCRAM with ACLs.")]
AdminPasswordOption = Annotated[
    str,
    typer.Option(
        envvar="JATKUMO_BROKER_ADMIN_PASSWORD",
        show_default=False,
        help="The super user's password in the secure profile (local default when unset).",
    ),
]


def _config(
    state_dir: Path,
    port: int,
    secure: bool = False,
    admin_password: str = broker.BrokerConfig.admin_password,
) -> broker.BrokerConfig:
    return broker.BrokerConfig(
        state_dir=state_dir,
        port=port,
        controller_port=port + 1,
        secure=secure,
        admin_password=admin_password,
    )


@app.command()
def start(
    state_dir: StateOption = broker.DEFAULT_STATE,
    port: PortOption = 19092,
    secure: SecureOption = False,
    admin_password: AdminPasswordOption = broker.BrokerConfig.admin_password,
    timeout: Annotated[float, typer.Option(help="Seconds to wait until ready.")] = 60.0,
) -> None:
    """Start the broker and wait until a metadata request succeeds."""
    try:
        broker.start(
            _config(state_dir, port, secure, admin_password), timeout=timeout, progress=typer.echo
        )
    except broker.BrokerError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error


@app.command()
def stop(state_dir: StateOption = broker.DEFAULT_STATE, port: PortOption = 19092) -> None:
    """Stop the broker (SIGTERM, then kill after a timeout)."""
    stopped = broker.stop(_config(state_dir, port))
    typer.echo("broker stopped" if stopped else "no broker of ours was running")


@app.command()
def status(
    state_dir: StateOption = broker.DEFAULT_STATE,
    port: PortOption = 19092,
    secure: SecureOption = False,
    admin_password: AdminPasswordOption = broker.BrokerConfig.admin_password,
) -> None:
    """Say whether our broker runs and answers."""
    typer.echo(broker.status(_config(state_dir, port, secure, admin_password)))
