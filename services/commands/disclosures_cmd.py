"""`jatkumo disclosures --identity-code ...`: one person's disclosure history (subject access).

The code is turned into the pseudonymous `person_ref` with the deployment secret and never
printed or logged; the history is read from `audit.disclosures` by that reference.
"""

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from services.core.identity import IdentityCodeError, person_ref
from services.core.records import DisclosureRecord


def history(records: list[object], ref: str) -> list[DisclosureRecord]:
    """The person's disclosure records, oldest first, each once."""
    unique = {
        r.disclosure_id: r
        for r in records
        if isinstance(r, DisclosureRecord) and r.person_ref == ref
    }
    return sorted(unique.values(), key=lambda r: (r.disclosed_at, r.disclosure_id))


def history_table(records: list[DisclosureRecord]) -> Table:
    table = Table(title=f"{len(records)} disclosures")
    for column in ("disclosed", "recipient", "task", "categories", "bases", "rules"):
        table.add_column(column)
    for r in records:
        table.add_row(
            r.disclosed_at.isoformat(timespec="minutes"),
            r.recipient_org,
            r.task_kind.value,
            ", ".join(c.value for c in r.categories) or "(none)",
            ", ".join(f"{b.kind.value}:{b.ref}" for b in r.bases) or "(none)",
            r.rules_version,
        )
    return table


def disclosures(
    identity_code: Annotated[
        str, typer.Option(help="The person's identity code.", prompt=True, hide_input=True)
    ],
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """Print what was disclosed about one person, to whom, under which basis."""
    from services.platform.codec import Catalogue  # noqa: PLC0415 - Kafka only when run
    from services.platform.kafka_security import client_options  # noqa: PLC0415
    from services.platform.reading import read_all  # noqa: PLC0415
    from services.platform.settings import Settings  # noqa: PLC0415
    from services.platform.topics import TopicNames  # noqa: PLC0415

    settings = Settings()
    try:
        ref = person_ref(identity_code, settings.person_ref_key)
    except IdentityCodeError as error:
        raise typer.BadParameter(str(error), param_hint="--identity-code") from error
    from services.platform.alias_follower import read_aliases  # noqa: PLC0415
    from services.referral.pseudonyms import stable_ref  # noqa: PLC0415

    names = TopicNames(settings.namespace)
    aliases = read_aliases(settings.bootstrap_servers, names.pseudonyms, **client_options(settings))
    ref = stable_ref(ref, settings.person_ref_key_id, aliases)  # the same after a key rotation
    topic = names.disclosures
    records = history(read_all(settings.bootstrap_servers, [topic], Catalogue(),
                                **client_options(settings)), ref)
    if as_json:
        for record in records:
            typer.echo(json.dumps(record.model_dump(mode="json"), ensure_ascii=False))
        return
    Console().print(f"person_ref {ref}")
    Console().print(history_table(records))
