"""`jatkumo tasks tail | ack | orgs`: what an organisation's system receives, and its answers.

`tail` shows the tasks on one organisation's topic as its system would read them (decoded,
live); `ack` reports a task's new status as that organisation (`TaskStatusChanged`).
"""

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer
from kafka.errors import KafkaError
from rich.console import Console
from rich.text import Text

from services.commands.language import cli_texts
from services.commands.task_view import task_line
from services.core.events import TaskStatusChanged
from services.core.organisations import OrgKind, default_registry
from services.core.tasks import Task
from services.core.vocabulary import TaskStatus
from services.platform.admin import admin_client, cluster_ready, listening
from services.platform.kafka_security import client_options
from services.platform.settings import Settings
from services.platform.topics import TopicNames
from services.sdk import Publisher, PublishError, Subscriber

app = typer.Typer(help="Read an organisation's tasks and answer them, as its system would.")

OrgOption = Annotated[str, typer.Option("--org", help="Organisation code, e.g. county-13.")]
NamespaceOption = Annotated[
    str | None, typer.Option(help="Topic namespace (default: JATKUMO_NAMESPACE).")
]


class Answer(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    COMPLETED = "completed"


def _fail(message: str) -> typer.Exit:
    typer.echo(cli_texts().gettext("error: {message}", message=message), err=True)
    return typer.Exit(1)


def _connect(org: str, namespace: str | None) -> tuple[Settings, str]:
    """Settings and the org's task topic, after checking the org, the broker and the topic."""
    words = cli_texts()
    settings = Settings()
    if namespace is not None:
        settings = settings.model_copy(update={"namespace": namespace})
    if default_registry().get(org) is None:
        raise _fail(
            words.gettext(
                "unknown organisation {org}: `jatkumo tasks orgs` lists every code "
                "(counties are county-01 … county-21 and county-90)",
                org=repr(org),
            )
        )
    security = client_options(settings)
    if not listening(settings.bootstrap_servers) or not cluster_ready(
        settings.bootstrap_servers, **security
    ):
        raise _fail(
            words.gettext(
                "no Kafka broker answers at {servers}: start one with "
                "`jatkumo broker start` (or `make demo`), or set KAFKA_BOOTSTRAP_SERVERS",
                servers=settings.bootstrap_servers,
            )
        )
    topic = TopicNames(settings.namespace).tasks(org)
    client = admin_client(settings.bootstrap_servers, **security)
    try:
        exists = topic in client.list_topics()
    finally:
        client.close()
    if not exists:
        raise _fail(
            words.gettext(
                "topic {topic} does not exist: set JATKUMO_NAMESPACE (or --namespace) to "
                "the running deployment's, or create the topics with `jatkumo topics apply`",
                topic=topic,
            )
        )
    return settings, topic


@app.command()
def orgs(kind: Annotated[OrgKind | None, typer.Option(help="Only this kind.")] = None) -> None:
    """List the organisation codes (prisons, sanctions offices, counties, NGOs)."""
    words = cli_texts()
    for org in default_registry().organisations:
        if kind is None or org.kind == kind:
            name = words.county(org.code) if org.kind == OrgKind.COUNTY else org.name
            typer.echo(f"{org.code:36} {org.kind.value:28} {name}")


@app.command()
def tail(
    *,
    org: OrgOption,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    from_beginning: Annotated[
        bool,
        typer.Option(
            "--from-beginning/--latest", help="Start at the first task, or only new ones."
        ),
    ] = True,
    follow: Annotated[
        bool, typer.Option("--follow/--no-follow", help="Keep waiting for new tasks until Ctrl-C.")
    ] = True,
    show_personal: Annotated[
        bool,
        typer.Option(help="Show identity, contact details and summaries instead of masking them."),
    ] = False,
    namespace: NamespaceOption = None,
) -> None:
    """Print the tasks an organisation receives, decoded, as they arrive."""
    settings, topic = _connect(org, namespace)
    words = cli_texts()
    console = Console(highlight=False)
    subscriber = Subscriber(
        org, settings.bootstrap_servers, namespace=settings.namespace,
        from_beginning=from_beginning, **client_options(settings),
    )
    if not as_json:
        heading = words.gettext("tasks for {org} on {topic} (Ctrl-C to stop)", org=org, topic=topic)
        console.print(Text(heading, style="dim"))
    try:
        while True:
            for task in subscriber.tasks(timeout=1.0):
                if as_json:
                    typer.echo(task.model_dump_json())
                else:
                    line = task_line(task, show_personal=show_personal, words=words)
                    console.print(line, soft_wrap=True)
            if not follow:
                return
    except KeyboardInterrupt:
        return
    except KafkaError as error:
        failure = type(error).__name__
        message = words.gettext("reading {topic} failed: {error}", topic=topic, error=failure)
        raise _fail(message) from error
    finally:
        subscriber.close()


def _find_task(org: str, settings: Settings, task_id: str) -> Task | None:
    subscriber = Subscriber(org, settings.bootstrap_servers, namespace=settings.namespace,
                            **client_options(settings))
    try:
        return next((t for t in subscriber.tasks(timeout=2.0) if t.task_id == task_id), None)
    finally:
        subscriber.close()


@app.command()
def ack(
    task_id: Annotated[str, typer.Argument(help="The task's id (see `jatkumo tasks tail`).")],
    *,
    org: OrgOption,
    status: Annotated[Answer, typer.Option(help="The task's new status.")],
    person_ref: Annotated[
        str | None,
        typer.Option(
            help="The task's person_ref; looked up on the org's task topic when not given."
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why (for a rejection).")] = None,
    at: Annotated[
        datetime | None,
        typer.Option(
            help="When it happened (default now); with JATKUMO_CLOCK=event use simulated time."
        ),
    ] = None,
    namespace: NamespaceOption = None,
) -> None:
    """Report a task's new status as the organisation that received it."""
    settings, topic = _connect(org, namespace)
    if person_ref is None:
        task = _find_task(org, settings, task_id)
        if task is None:
            raise _fail(
                cli_texts().gettext(
                    "no task {task_id} on {topic}; give --person-ref to answer anyway",
                    task_id=task_id,
                    topic=topic,
                )
            )
        person_ref = task.person_ref
    occurred = at or datetime.now(UTC)
    event = TaskStatusChanged(
        event_id=f"ack-{org}-{task_id}-{status.value}",
        occurred_at=occurred if occurred.tzinfo else occurred.replace(tzinfo=UTC),
        source_org=org,
        person_ref=person_ref,
        task_id=task_id,
        status=TaskStatus(status.value),
        reason=reason,
    )
    try:
        with Publisher(org, settings.bootstrap_servers, namespace=settings.namespace,
                       **client_options(settings)) as out:
            out.publish(event, wait=True)
    except PublishError as error:
        raise _fail(str(error)) from error
    typer.echo(
        json.dumps(
            {"event_id": event.event_id, "task_id": task_id, "status": status.value, "org": org}
        )
    )
