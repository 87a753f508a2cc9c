"""`jatkumo operator serve` (the operator view) and `jatkumo paths` (open broken paths)."""

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from services.commands.language import cli_texts
from services.core.records import AlertRule
from services.i18n.labels import RULES, SEVERITIES
from services.i18n.texts import Texts
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

    url = f"http://{host}:{port}/"
    typer.echo(
        cli_texts().gettext(
            "operator view on {url} (open /?token=<token> once to sign in)", url=url
        )
    )
    run(Settings(), host=host, port=port)


def paths_table(alerts: AlertList, texts: Texts) -> Table:
    """The open broken paths as a table: rule texts, counties, ages and pseudonymous refs only."""
    table = Table(
        title=texts.gettext("Open broken service paths: {count}", count=alerts.total),
        title_justify="left",
    )
    table.add_column(texts.gettext("Rule"), overflow="fold")
    table.add_column(texts.gettext("County"), overflow="fold")
    table.add_column(texts.gettext("Severity"), overflow="fold")
    table.add_column(texts.gettext("Age"), justify="right", overflow="fold")
    table.add_column(texts.gettext("Person ref"), overflow="fold")
    table.add_column(texts.gettext("Alert id"), overflow="fold")
    for alert in alerts.alerts:
        table.add_row(
            texts.label(RULES, alert.rule.value),
            texts.county(alert.area),
            texts.label(SEVERITIES, alert.severity.value),
            texts.age(alert.age_seconds),
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
    alerts = projection.open_alerts(clock.now(), area=county, rule=rule)
    console.print(paths_table(alerts, cli_texts()))
