"""`jatkumo operator serve` (the operator view) and `jatkumo paths` (open broken paths)."""

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from services.core.records import AlertRule
from services.operator.projection import area_filter
from services.operator.views import AlertList

app = typer.Typer(help="The operator view: broken service paths, tasks and dead letters.")


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="HTTP port.")] = 8080,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the page, the API and /metrics until interrupted (JATKUMO_OPERATOR_TOKEN)."""
    from services.operator.server import serve as run  # noqa: PLC0415 - aiohttp only when serving
    from services.platform.settings import Settings  # noqa: PLC0415

    typer.echo(f"operator view on http://{host}:{port}/ (open /?token=<token> once to sign in)")
    run(Settings(), host=host, port=port)


def _age(seconds: int) -> str:
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {rest // 60} min" if hours else f"{rest // 60} min"


def paths_table(alerts: AlertList) -> Table:
    """The open broken paths as a table: codes, ages and pseudonymous references only."""
    table = Table(title=f"Open broken service paths: {alerts.total}", title_justify="left")
    for column in ("Rule", "County", "Severity", "Age", "Person ref", "Alert id"):
        table.add_column(column, justify="right" if column == "Age" else "left", overflow="fold")
    for alert in alerts.alerts:
        table.add_row(
            alert.rule.value,
            alert.area_name,
            alert.severity.value,
            _age(alert.age_seconds),
            alert.person_ref,
            alert.alert_id,
        )
    return table


def paths(
    area: Annotated[str, typer.Option(help="Only this county: 13, county-13 or unrouted.")] = "",
    rule: Annotated[AlertRule | None, typer.Option(help="Only this rule.")] = None,
) -> None:
    """Print the open broken service paths, read from the alert topic to its end."""
    from services.operator.stream import read_to_end  # noqa: PLC0415 - Kafka only when run
    from services.platform.settings import Settings  # noqa: PLC0415
    from services.platform.topics import TopicNames  # noqa: PLC0415

    try:
        county = area_filter(area)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--area") from error
    settings = Settings()
    topic = TopicNames(settings.namespace).alerts
    projection, clock = asyncio.run(read_to_end(settings, topics=[topic]))
    console = Console()
    if not console.is_terminal:
        console = Console(width=200)  # piped or captured: keep every id on one line
    console.print(paths_table(projection.open_alerts(clock.now(), area=county, rule=rule)))
