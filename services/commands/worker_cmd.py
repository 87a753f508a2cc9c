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

    from services.platform import worker_http  # noqa: PLC0415
    from services.platform.admin import replication_for  # noqa: PLC0415
    from services.platform.collector import settle_collector  # noqa: PLC0415
    from services.platform.kafka_security import client_options  # noqa: PLC0415
    from services.platform.settings import InsecureSettingsError, Settings  # noqa: PLC0415

    try:
        settings = Settings()
    except InsecureSettingsError as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(2) from None
    if settings.replication_factor is None:  # topics faust creates follow the catalogue's
        replication = replication_for(settings.bootstrap_servers, None,
                                      settings.min_insync_replicas, **client_options(settings))
        settings = settings.model_copy(update={"replication_factor": replication.factor,
                                               "min_insync_replicas": replication.min_insync})
    module = importlib.import_module(f"services.{service.value}.stream")
    app = module.build_app(settings, worker_id)
    extra = list(worker_http.services_for(app))  # /healthz, /readyz, /metrics when opted in
    worker = Worker(app, *extra, loglevel="WARNING", quiet=True, override_logging=False)
    settle_collector()  # everything imported and built so far lives as long as the process
    worker.execute_from_commandline()  # logging stays as services.platform.logging set it
