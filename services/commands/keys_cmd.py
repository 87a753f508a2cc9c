"""`jatkumo keys status | rotate`: the key ids in use, re-keying the pseudonyms, and re-wrapping
the per-person data keys under the newest sealing key.

The procedure is in `docs/security.md`. Nothing here prints a secret or an identity code.
"""

from typing import Any

import typer

app = typer.Typer(help="Key ids, and the pseudonym key rotation (docs/security.md).")


def security_of(settings: Any) -> dict[str, Any]:
    """The configured principal and TLS, from the one place that builds client settings."""
    from services.platform.kafka_security import client_options  # noqa: PLC0415

    return client_options(settings)


@app.command()
def status() -> None:
    """The ids of the keys this deployment's settings hold (never the keys)."""
    from services.platform.settings import Settings  # noqa: PLC0415

    settings = Settings()
    typer.echo(f"pseudonym    {settings.person_ref_key_id}")
    typer.echo("sealing      " + ", ".join(settings.sealing_ring.ids()) + "  (newest first)")
    typer.echo("dead letters " + ", ".join(settings.dead_letter_ring.ids()) + "  (newest first)")


def known_people(settings: Any, security: dict[str, Any]) -> list[tuple[str, str]]:
    """(person_ref, identity code) of every person with a case, from `case-facts`."""
    from services.core.facts import CaseFact  # noqa: PLC0415
    from services.platform.alias_follower import read_aliases  # noqa: PLC0415
    from services.platform.codec import Catalogue  # noqa: PLC0415
    from services.platform.reading import read_all  # noqa: PLC0415
    from services.platform.sealing import Sealer, SealError  # noqa: PLC0415
    from services.platform.topics import TopicNames  # noqa: PLC0415

    names = TopicNames(settings.namespace)
    facts = read_all(settings.bootstrap_servers, [names.case_facts], Catalogue(), **security)
    keys = read_aliases(settings.bootstrap_servers, names.person_keys, **security)
    sealer = Sealer(settings.sealing_ring, person_keys=keys)
    people: dict[str, str] = {}
    for fact in facts:
        if not isinstance(fact, CaseFact) or not fact.case.sealed_identity:
            continue
        try:
            code = sealer.open(fact.case.sealed_identity).get("identity_code")
        except SealError:
            continue
        if code:
            people[fact.person_ref] = code
    return sorted(people.items())


@app.command()
def rotate() -> None:
    """Publish pseudonym aliases for every known person under the configured (new) key, and
    re-wrap every person's data key under the newest sealing key.

    Run with the referral service stopped and `JATKUMO_PERSON_REF_SECRET` and
    `JATKUMO_PERSON_REF_KEY_ID` set to the new key; then start the service with them."""
    from kafka import KafkaProducer  # noqa: PLC0415

    from services.platform.alias_follower import read_aliases  # noqa: PLC0415
    from services.platform.person_keys import rewrap  # noqa: PLC0415
    from services.platform.settings import Settings  # noqa: PLC0415
    from services.platform.topics import TopicNames  # noqa: PLC0415
    from services.referral.pseudonyms import aliases_for  # noqa: PLC0415

    settings = Settings()
    security = security_of(settings)
    people = known_people(settings, security)
    aliases = aliases_for(people, settings.person_ref_key, settings.person_ref_key_id)
    producer = KafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        acks="all",
        client_id="jatkumo-keys",
        **security,
    )
    names = TopicNames(settings.namespace)
    wrapped = read_aliases(settings.bootstrap_servers, names.person_keys, **security)
    rewrapped = {ref: rewrap(key, settings.sealing_ring) for ref, key in wrapped.items()}
    try:
        for key, ref in aliases.items():
            producer.send(names.pseudonyms, key=key.encode(), value=ref.encode())
        for ref, new in rewrapped.items():
            if new is not None:
                producer.send(names.person_keys, key=ref.encode(), value=new.encode())
        producer.flush(timeout=60)
    finally:
        producer.close(timeout=10)
    typer.echo(
        f"pseudonym key {settings.person_ref_key_id}: {len(people)} people, "
        f"{len(aliases)} aliases published"
    )
    moved = sum(new is not None for new in rewrapped.values())
    typer.echo(
        f"sealing key {settings.sealing_ring.newest_id}: {len(wrapped)} data keys, "
        f"{moved} re-wrapped"
    )
