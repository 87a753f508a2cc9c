"""`jatkumo topics apply | list`: the topic catalogue on the broker."""

import typer

from services.core.organisations import default_registry
from services.platform.admin import apply_topics
from services.platform.settings import Settings
from services.platform.topics import TopicNames, catalogue

app = typer.Typer(help="Kafka topics from the catalogue.")


@app.command("apply")
def apply_command() -> None:
    """Create or update every topic in the catalogue; safe to run again."""
    settings = Settings()
    specs = catalogue(default_registry(), TopicNames(settings.namespace),
                      settings.internal_partitions)
    report = apply_topics(settings.bootstrap_servers, specs, progress=typer.echo)
    typer.echo(
        f"topics: {len(report.created)} created, {len(report.grown)} grown, "
        f"{len(report.unchanged)} unchanged"
    )


@app.command("list")
def list_command() -> None:
    """Print the catalogue: name, partitions, key, retention."""
    settings = Settings()
    for spec in catalogue(default_registry(), TopicNames(settings.namespace),
                          settings.internal_partitions):
        days = "forever" if spec.retention_ms < 0 else f"{spec.retention_ms // 86_400_000} d"
        typer.echo(f"{spec.name:40} {spec.partitions:>2}  key={spec.key:30} {days}")
