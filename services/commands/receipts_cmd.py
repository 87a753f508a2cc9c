"""`jatkumo receipts tail --org X`: the receipts an organisation's system reads."""

import json
from typing import Annotated

import typer

from services.core.organisations import default_registry
from services.core.receipts import Receipt
from services.platform.settings import Settings

app = typer.Typer(help="Read what became of an organisation's messages (its receipts).")


def receipt_line(receipt: Receipt) -> str:
    """One receipt on one line: time, outcome, the message, and the reason when refused."""
    subject = receipt.event_id or f"{receipt.topic}:{receipt.partition}:{receipt.offset}"
    line = f"{receipt.at.isoformat(timespec='seconds')}  {receipt.outcome.value:8}  {subject}"
    if receipt.reason_code:
        line += f"  {receipt.reason_code}: {receipt.reason or ''}"
    return line


@app.command()
def tail(
    org: Annotated[str, typer.Option("--org", help="Organisation code, e.g. county-13.")],
    follow: Annotated[bool, typer.Option(help="Keep reading until interrupted.")] = False,
    idle: Annotated[float, typer.Option(help="Stop after this many quiet seconds.")] = 3.0,
    namespace: Annotated[
        str | None, typer.Option(help="Topic namespace (default: JATKUMO_NAMESPACE).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines.")] = False,
) -> None:
    """Print the organisation's receipts from the beginning of its receipts topic."""
    from kafka.errors import KafkaError  # noqa: PLC0415 - Kafka only when run

    from services.platform.kafka_security import client_options  # noqa: PLC0415
    from services.sdk.receipts import ReceiptReader  # noqa: PLC0415

    settings = Settings()
    if default_registry().get(org) is None:
        typer.echo(f"error: unknown organisation {org!r}", err=True)
        raise typer.Exit(1)
    security = client_options(settings)
    try:
        reader = ReceiptReader(
            org,
            settings.bootstrap_servers,
            from_beginning=True,
            namespace=settings.namespace if namespace is None else namespace,
            **security,
        )
    except KafkaError as error:
        typer.echo(f"error: cannot read the receipts of {org}: {error}", err=True)
        raise typer.Exit(1) from error
    with reader:
        while True:
            for receipt in reader.receipts(timeout=idle):
                shown = json.dumps(receipt.model_dump(mode="json")) if as_json else None
                typer.echo(shown or receipt_line(receipt))
            if not follow:
                return
