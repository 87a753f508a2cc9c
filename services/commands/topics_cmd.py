"""`jatkumo topics apply [--acls] | list | export`: the topic catalogue (and its ACLs) on the
broker, or as deployment descriptions."""

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from services.core.organisations import Registry, default_registry
from services.platform.acl_admin import apply_security
from services.platform.acls import (
    derive_grants,
    derive_password,
    parse_passwords,
    usernames,
)
from services.platform.admin import apply_topics, replication_for
from services.platform.kafka_security import client_options
from services.platform.settings import Settings
from services.platform.strimzi import resources, to_yaml
from services.platform.topics import Replication, TopicNames, catalogue

app = typer.Typer(help="Kafka topics from the catalogue.")

SECRET_ENV = "JATKUMO_PRINCIPAL_SECRET"


def admin_security(settings: Settings) -> dict[str, Any]:
    """Client settings of `JATKUMO_SASL_USERNAME` over TLS when a CA file is set."""
    return client_options(settings)


def principal_passwords(
    registry: Registry, secret: str | None, passwords_file: Path | None
) -> dict[str, str]:
    """A password per principal: from the file where it names one, else from the secret."""
    given = parse_passwords(passwords_file.read_text("utf-8")) if passwords_file else {}
    known = usernames(registry)
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise typer.BadParameter(f"unknown principals in the passwords file: {unknown}")
    missing = [user for user in known if user not in given]
    if missing and not secret:
        raise typer.BadParameter(
            f"no password for {len(missing)} principals (e.g. {missing[0]}): "
            f"set {SECRET_ENV} or list them in --passwords"
        )
    return {user: given.get(user) or derive_password(secret or "", user) for user in known}


def _write_private(path: Path, passwords: dict[str, str]) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode otherwise
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.writelines(f"{user}={password}\n" for user, password in passwords.items())


@app.command("apply")
def apply_command(
    acls: Annotated[
        bool,
        typer.Option("--acls", help="Also create each principal's SCRAM credentials and its ACLs."),
    ] = False,
    passwords: Annotated[
        Path | None,
        typer.Option(
            help="A file of username=password lines (principals it names).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    write_passwords: Annotated[
        Path | None,
        typer.Option(help="Write every principal's password to this file (mode 0600) to hand out."),
    ] = None,
) -> None:
    """Create or update every topic in the catalogue; safe to run again.

    With --acls, passwords come from --passwords or are derived from the deployment secret in
    JATKUMO_PRINCIPAL_SECRET; nothing secret is printed. Connects as JATKUMO_SASL_USERNAME.
    """
    settings = Settings()
    registry = default_registry()
    names = TopicNames(settings.namespace)
    security = admin_security(settings)
    secrets = principal_passwords(registry, os.environ.get(SECRET_ENV), passwords) if acls \
        else {}
    replication = replication_for(settings.bootstrap_servers, settings.replication_factor,
                                  settings.min_insync_replicas, **security)
    specs = catalogue(registry, names, settings.internal_partitions, replication)
    report = apply_topics(settings.bootstrap_servers, specs, progress=typer.echo, **security)
    typer.echo(
        f"topics: {len(report.created)} created, {len(report.grown)} grown, "
        f"{len(report.unchanged)} unchanged; replication factor {replication.factor}, "
        f"min.insync.replicas {replication.min_insync}"
    )
    if report.replicas_differ:
        typer.echo(
            f"warning: {len(report.replicas_differ)} existing topics have another replication "
            f"factor (e.g. {report.replicas_differ[0]}); reassign their partitions to change it",
            err=True,
        )
    if not acls:
        return
    applied = apply_security(
        settings.bootstrap_servers, secrets, derive_grants(registry, names), **security
    )
    typer.echo(f"principals: {len(applied.users)} SCRAM credentials set, {applied.acls} ACLs")
    if write_passwords:
        _write_private(write_passwords, secrets)
        typer.echo(f"passwords written to {write_passwords} (mode 0600)")


@app.command("list")
def list_command() -> None:
    """Print the catalogue: name, partitions, key, retention."""
    settings = Settings()
    for spec in catalogue(
        default_registry(), TopicNames(settings.namespace), settings.internal_partitions
    ):
        days = "forever" if spec.retention_ms < 0 else f"{spec.retention_ms // 86_400_000} d"
        typer.echo(f"{spec.name:40} {spec.partitions:>2}  key={spec.key:30} {days}")


class ExportFormat(StrEnum):
    STRIMZI = "strimzi"


@app.command("export")
def export_command(
    export_format: Annotated[ExportFormat, typer.Option(
        "--format", help="strimzi: KafkaTopic and KafkaUser resources.")] = ExportFormat.STRIMZI,
    cluster: Annotated[str, typer.Option(
        help="The Kafka resource's name (the strimzi.io/cluster label).")] = "jatkumo",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the YAML here instead of standard output.")] = None,
) -> None:
    """Deployment descriptions from the catalogue and the registry's principals and ACLs.

    Replication: JATKUMO_REPLICATION_FACTOR and JATKUMO_MIN_INSYNC_REPLICAS, else 3 and 2 (a
    production cluster). Passwords are not exported: Strimzi's User Operator makes each
    principal's SCRAM credential and keeps it in a Secret of the principal's name.
    """
    settings = Settings()
    registry = default_registry()
    names = TopicNames(settings.namespace)
    replication = (Replication.of(settings.replication_factor, settings.min_insync_replicas)
                   if settings.replication_factor else Replication.for_brokers(3))
    specs = catalogue(registry, names, settings.internal_partitions, replication)
    text = to_yaml(resources(specs, usernames(registry), derive_grants(registry, names),
                             cluster))
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"{len(specs)} KafkaTopic and {len(usernames(registry))} KafkaUser resources "
               f"written to {output}", err=True)
