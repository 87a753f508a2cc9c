"""`jatkumo schemas generate | check`: the Avro contract derived from the models."""

import typer

from services.platform import schema_store

app = typer.Typer(help="The Avro contract in schemas/avro/.")


@app.command()
def generate() -> None:
    """Write a new schema version for every record whose model changed."""
    written = schema_store.generate()
    for path in written:
        typer.echo(f"wrote {path}")
    if not written:
        typer.echo("schemas are up to date")


@app.command()
def check() -> None:
    """Fail when a model differs from its newest committed schema."""
    stale = schema_store.drift()
    if stale:
        typer.echo("schemas out of date: " + ", ".join(stale), err=True)
        raise typer.Exit(1)
    typer.echo("schemas are up to date")
