"""`jatkumo simulate`: a synthetic year of prison releases published to the running services."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.core.organisations import OrgKind
from services.platform.settings import Settings
from services.sdk import PublishError
from services.simulator.config import SimulationConfig, parse_mix
from services.simulator.run import (
    DEFAULT_SPEED,
    DayDone,
    EventSink,
    RunReport,
    Simulation,
    SimulationError,
    TaskSource,
)

PLAIN_EVERY = 30
"""Without a terminal, a progress line every this many simulated days."""

SeedOption = Annotated[int, typer.Option(help="Same seed, same people and the same year.")]
DaysOption = Annotated[int, typer.Option(min=1, help="Simulated days.")]
PeopleOption = Annotated[int, typer.Option(min=1, help="People in custody during the period.")]
SpeedOption = Annotated[
    float, typer.Option(min=0, help="Simulated days per second (0: as fast as possible).")
]
LockstepOption = Annotated[
    bool,
    typer.Option(
        "--lockstep",
        help="Wait for the services after every simulated day instead of publishing the next "
        "day while they finish the one before (slower; the same outcome).",
    ),
]


def simulate(
    *,
    seed: SeedOption = 7,
    days: DaysOption = 365,
    people: PeopleOption = 300,
    speed: SpeedOption = DEFAULT_SPEED,
    lockstep: LockstepOption = False,
    start: Annotated[str, typer.Option(help="First simulated day (YYYY-MM-DD).")] = "2026-01-05",
    sentence_mix: Annotated[
        str | None,
        typer.Option(
            help="Shares of sentence types, e.g. long_term=0.5,short_term=0.2,"
            "fine_conversion=0.2,remand=0.1"
        ),
    ] = None,
    release_mix: Annotated[
        str | None,
        typer.Option(
            help="Shares of release types, e.g. conditional_release=0.6,end_of_sentence=0.3,"
            "supervised_probationary_freedom=0.1"
        ),
    ] = None,
) -> None:
    """Publish a seeded synthetic year to the services (run them with JATKUMO_CLOCK=event)."""
    console = Console()
    try:
        config = SimulationConfig.model_validate(
            {
                "seed": seed,
                "days": days,
                "people": people,
                "start": date.fromisoformat(start),
                **({"sentence_mix": parse_mix(sentence_mix)} if sentence_mix else {}),
                **({"release_mix": parse_mix(release_mix)} if release_mix else {}),
            }
        )
    except (ValidationError, ValueError) as error:
        raise typer.BadParameter(str(error)) from error
    settings = Settings()
    try:
        report = run_with_progress(settings, config, speed, console, lockstep=lockstep)
    except (SimulationError, PublishError) as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from error
    print_report(report, console)


def run_with_progress(
    settings: Settings,
    config: SimulationConfig,
    speed: float,
    console: Console,
    *,
    publishers: dict[str, EventSink] | None = None,
    task_sources: dict[str, TaskSource] | None = None,
    lockstep: bool = False,
) -> RunReport:
    """Run the simulation with a live progress line (simulated date, events sent)."""
    with _progress(console) as progress:
        task = progress.add_task("simulating", total=config.days, date="", events=0, answers=0)

        def on_day(done: DayDone) -> None:
            progress.update(
                task,
                completed=done.day,
                date=f"{done.today:%Y-%m-%d}",
                events=done.report.events,
                answers=done.report.task_answers,
            )
            if not console.is_terminal and (done.day % PLAIN_EVERY == 0 or done.day == config.days):
                console.print(
                    f"{done.today:%Y-%m-%d}  day {done.day}/{config.days}  "
                    f"{done.report.events} events  {done.report.wall_seconds:.0f} s"
                )

        simulation = Simulation(
            settings,
            config,
            speed,
            publishers=publishers,
            task_sources=task_sources,
            lockstep=lockstep,
        )
        return simulation.run(on_day)


@contextmanager
def _progress(console: Console) -> Iterator[Progress]:
    progress = Progress(
        TextColumn("[bold]{task.fields[date]}[/bold]"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} days"),
        TextColumn("{task.fields[events]} events, {task.fields[answers]} task answers"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    with progress:
        yield progress


def print_report(report: RunReport, console: Console) -> None:
    """Events by type and by organisation kind, and how long the run took."""
    mode = "in lockstep" if report.lockstep else "pipelined"
    console.print(
        f"simulated {report.days} days of {report.people} people ({mode}) in "
        f"{report.wall_seconds:.1f} s: {report.events} events published, "
        f"{report.tasks_seen} tasks read by the counties, {report.task_answers} answers, "
        f"{report.escalations} alerts escalated by operators; "
        f"{report.wait_seconds:.0f} s went to waiting for the services to keep up"
    )
    by_type = Table(title="events by type", show_edge=False)
    by_type.add_column("event")
    by_type.add_column("count", justify="right")
    for name, count in report.events_by_type.most_common():
        by_type.add_row(name, str(count))
    by_kind = Table(title="events by organisation kind", show_edge=False)
    by_kind.add_column("kind")
    by_kind.add_column("count", justify="right")
    for kind in OrgKind:
        by_kind.add_row(kind.value, str(report.events_by_kind.get(kind.value, 0)))
    console.print(by_type)
    console.print(by_kind)
