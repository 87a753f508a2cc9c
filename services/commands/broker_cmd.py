"""`jatkumo broker start | stop | status`: the local Kafka for machines without Docker."""

from pathlib import Path
from typing import Annotated

import typer

from services.platform import broker

app = typer.Typer(help="Run a local Kafka (KRaft) from Maven Central jars: one node or three.")

StateOption = Annotated[Path, typer.Option(help="Where the broker keeps data, pids and logs.")]
PortOption = Annotated[int, typer.Option(
    help="Client port of node 1; node n uses this plus 2(n-1), its controller port one more.")]
SecureOption = Annotated[bool, typer.Option(
    help="SASL/SCRAM over TLS (SASL_SSL) with ACLs; a local CA is made in <state-dir>/pki.")]
NodesOption = Annotated[int, typer.Option(
    min=1, max=broker.QUORUM_NODES,
    help="1, or 3 for a replicated cluster (a KRaft quorum of three).")]
AdminPasswordOption = Annotated[str, typer.Option(
    envvar="JATKUMO_BROKER_ADMIN_PASSWORD", show_default=False,
    help="The super user's password in the secure profile (local default when unset).")]


def _config(
    state_dir: Path, port: int, secure: bool = False,
    admin_password: str = broker.BrokerConfig.admin_password, nodes: int = 1,
) -> broker.BrokerConfig:
    return broker.BrokerConfig(
        state_dir=state_dir, port=port, controller_port=port + 1, secure=secure,
        admin_password=admin_password, nodes=nodes,
    )


@app.command()
def start(
    *,
    state_dir: StateOption = broker.DEFAULT_STATE,
    port: PortOption = 19092,
    secure: SecureOption = False,
    nodes: NodesOption = 1,
    admin_password: AdminPasswordOption = broker.BrokerConfig.admin_password,
    timeout: Annotated[float, typer.Option(help="Seconds to wait until ready.")] = 90.0,
) -> None:
    """Start the broker (or each node) and wait until every node answers metadata."""
    if nodes not in (1, broker.QUORUM_NODES):
        raise typer.BadParameter("a local cluster has 1 node or 3", param_hint="--nodes")
    on_disk = broker.nodes_on_disk(state_dir)
    if (state_dir / "cluster.id").exists() and on_disk != nodes:
        raise typer.BadParameter(
            f"{state_dir} holds a cluster of {on_disk} node(s): stop it and remove the "
            "directory, or use another --state-dir", param_hint="--nodes")
    config = _config(state_dir, port, secure, admin_password, nodes)
    try:
        broker.start(config, timeout=timeout, progress=typer.echo)
    except broker.BrokerError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"clients: KAFKA_BOOTSTRAP_SERVERS={config.bootstrap}")
    if secure:
        typer.echo(f"         JATKUMO_KAFKA_SSL_CAFILE={config.ca_file}")


@app.command()
def stop(state_dir: StateOption = broker.DEFAULT_STATE, port: PortOption = 19092) -> None:
    """Stop every node (SIGTERM, then kill after a timeout)."""
    stopped = broker.stop(_config(state_dir, port))
    typer.echo("broker stopped" if stopped else "no broker of ours was running")


@app.command()
def status(
    state_dir: StateOption = broker.DEFAULT_STATE,
    port: PortOption = 19092,
    secure: SecureOption = False,
    admin_password: AdminPasswordOption = broker.BrokerConfig.admin_password,
) -> None:
    """Say which nodes run and whether the cluster answers (profile and nodes read from disk)."""
    config = _config(state_dir, port, secure or broker.secure_on_disk(state_dir),
                     admin_password, broker.nodes_on_disk(state_dir))
    typer.echo(broker.status(config))
