"""`jatkumo worker <service>`: run one worker of referral, handover or followup."""

import importlib
from enum import StrEnum
from typing import Annotated

import typer


class Service(StrEnum):
    REFERRAL = "referral"
    HANDOVER = "handover"
    FOLLOWUP = "followup"


def worker(
    service: Service,
    worker_id: Annotated[str, typer.Option(help="Distinguishes workers of one service.")] = "0",
) -> None:
    """Run a worker until interrupted (SIGINT/SIGTERM stop it cleanly)."""
    from faust.worker import Worker  # noqa: PLC0415 - heavy import only for workers

    from services.platform.settings import InsecureSettingsError, Settings  # noqa: PLC0415

    try:
        settings = Settings()
    except InsecureSettingsError as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(2) from None
    module = importlib.import_module(f"services.{service.value}.stream")
    app = module.build_app(settings, worker_id)
    Worker(app, loglevel="WARNING", quiet=True).execute_from_commandline()
