"""`jatkumo dlq counts | replay`: dead letters by reason, and feeding them back after a fix.

Counts show reasons and numbers only. Replay opens the sealed originals with the dead-letter
key (`JATKUMO_DEAD_LETTER_SECRET`), so only someone who holds that key can run it; it prints
counts and positions, never content.
"""

from collections import Counter
from datetime import datetime
from typing import Annotated, Any

import typer

from services.core.events import InboundEvent
from services.core.records import DeadLetter

app = typer.Typer(help="Dead letters: counts by reason, and replay after a fix.")

REPLAY_HEADER = "jatkumo-replay-of"


def _security(settings: Any) -> dict[str, Any]:
    """The configured principal and TLS, from the one place that builds client settings."""
    from services.platform.kafka_security import client_options  # noqa: PLC0415

    return client_options(settings)


def _letters(settings: Any, security: dict[str, Any]) -> list[DeadLetter]:
    from services.platform.codec import Catalogue  # noqa: PLC0415 - Kafka only when run
    from services.platform.reading import read_all  # noqa: PLC0415
    from services.platform.topics import TopicNames  # noqa: PLC0415

    dlq = TopicNames(settings.namespace).dlq
    records = read_all(settings.bootstrap_servers, [dlq], Catalogue(), **security)
    return [r for r in records if isinstance(r, DeadLetter)]


@app.command()
def counts() -> None:
    """Dead letters by stage and reason (never their content)."""
    from services.platform.settings import Settings  # noqa: PLC0415

    settings = Settings()
    letters = {x.dead_letter_id: x for x in _letters(settings, _security(settings))}
    for (stage, reason), n in sorted(
        Counter((x.stage, x.reason_code) for x in letters.values()).items()
    ):
        typer.echo(f"{n:8}  {stage:20} {reason}")


@app.command()
def replay(
    reason: Annotated[str, typer.Option(help="Replay the dead letters of this reason code.")],
    since: Annotated[
        datetime | None, typer.Option(help="Only letters dead-lettered at or after this time.")
    ] = None,
) -> None:
    """Feed sealed dead letters of one reason back through the gate, each event once."""
    from kafka import KafkaProducer  # noqa: PLC0415

    from services.platform.codec import Catalogue, DecodeError  # noqa: PLC0415
    from services.platform.dlq import SealedLetterError, open_original  # noqa: PLC0415
    from services.platform.dlq_replay import Opened, plan, selected  # noqa: PLC0415
    from services.platform.settings import Settings  # noqa: PLC0415
    from services.platform.topics import TopicNames  # noqa: PLC0415

    settings = Settings()
    security = _security(settings)
    if since is not None and since.tzinfo is None:
        raise typer.BadParameter(
            "give a time zone, e.g. 2026-03-02T09:00+02:00", param_hint="--since"
        )
    catalogue, ring = Catalogue(), settings.dead_letter_ring
    opened: list[Opened] = []
    shut = 0
    for letter in selected(_letters(settings, security), reason, since):
        try:
            value, key = open_original(letter, ring)
        except SealedLetterError:
            shut += 1
            continue
        try:
            record = catalogue.decode(value)
            event_id = record.event_id if isinstance(record, InboundEvent) else None
        except DecodeError:
            event_id = None
        opened.append(Opened(letter, value, key, event_id))
    chosen = plan(opened, TopicNames(settings.namespace))
    producer = KafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        acks="all",
        client_id="jatkumo-dlq-replay",
        **security,
    )
    try:
        for item in chosen.replay:
            headers = [(REPLAY_HEADER, item.letter.dead_letter_id.encode())]
            producer.send(item.letter.topic, key=item.key, value=item.value, headers=headers)
        producer.flush(timeout=60)
    finally:
        producer.close(timeout=10)
    typer.echo(
        f"replayed {len(chosen.replay)}, repeats skipped {chosen.repeats}, "
        f"not replayable {chosen.not_replayable}, not opened {shut}"
    )
