"""`jatkumo gateway serve | openapi`: the HTTPS and FHIR R4 gateway and its OpenAPI document."""

from typing import Annotated

import typer

app = typer.Typer(help="The HTTPS and FHIR R4 gateway for organisations without a Kafka client.")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: JATKUMO_GATEWAY_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: JATKUMO_GATEWAY_PORT.")] = None,
) -> None:
    """Serve HTTPS until interrupted (settings from JATKUMO_ and JATKUMO_GATEWAY_ variables)."""
    from services.gateway.config import GatewaySettings  # noqa: PLC0415 - heavy imports
    from services.gateway.serve import InsecureGatewayError  # noqa: PLC0415
    from services.gateway.serve import serve as run  # noqa: PLC0415
    from services.platform.settings import Settings  # noqa: PLC0415

    config = GatewaySettings()
    config = config.model_copy(update={k: v for k, v in (("host", host), ("port", port)) if v})
    try:
        run(Settings(), config)
    except InsecureGatewayError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
