"""`jatkumo schemas generate | check | asyncapi | openapi`: the Avro contract derived from the
models, its AsyncAPI document, and the gateway's OpenAPI document."""

import typer

from services.gateway import openapi
from services.platform import asyncapi, compatibility, schema_store

app = typer.Typer(help="The Avro contract in schemas/avro/ and its AsyncAPI document.")


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
    """Fail when a model differs from its newest committed schema, when two committed versions
    of a record are incompatible in either direction, or when schemas/asyncapi.yaml or
    schemas/openapi.json is stale."""
    failed = False
    stale = schema_store.drift()
    if stale:
        typer.echo("schemas out of date: " + ", ".join(stale), err=True)
        failed = True
    for problem in compatibility.check_all():
        typer.echo(f"incompatible: {problem}", err=True)
        failed = True
    if asyncapi.is_stale():
        typer.echo("schemas/asyncapi.yaml out of date: run `jatkumo schemas asyncapi`", err=True)
        failed = True
    if openapi.is_stale():
        typer.echo("schemas/openapi.json out of date: run `jatkumo schemas openapi`", err=True)
        failed = True
    if failed:
        raise typer.Exit(1)
    typer.echo(
        "schemas are up to date, all versions compatible both ways, asyncapi and openapi up to date"
    )


@app.command("asyncapi")
def write_asyncapi() -> None:
    """Write schemas/asyncapi.yaml from the topic catalogue and the committed schemas."""
    typer.echo(f"wrote {asyncapi.write()}")


@app.command("openapi")
def write_openapi() -> None:
    """Write schemas/openapi.json from the gateway's routes and models."""
    typer.echo(f"wrote {openapi.write()}")
