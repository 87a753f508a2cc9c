"""`jatkumo erase --identity-code ...`: erase one person (GDPR art. 17), and say exactly what.

Run with the erasure principal (`svc-erasure`, docs/security.md). The code is turned into the
person's references with the pseudonym secret and never printed or logged. In order:

1. the person's data key is tombstoned on `keys.persons`: everything sealed under it, on every
   topic and changelog, no longer opens (crypto-shredding);
2. the person's aliases on `referral.pseudonyms` are tombstoned;
3. an `Erasure` on `erasures` asks every service to forget the person: each deletes its table
   entries, which writes tombstones on its compacted changelogs;
4. an `Erasure` on `audit.disclosures` records it (person_ref, when, by whom; no identity);
5. on the topics that carry clear identity by contract (`inbound.<org>`, `tasks.<org>`) and on
   `referral.intake` (sealed under the service-wide key), each partition holding the person's
   records is cut just past the last one with DeleteRecords when every reader has committed
   past it; otherwise it is reported as kept until the topic's retention.

It prints what it did and what remains, per partition, and never claims more.
"""

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from services.core.identity import IdentityCodeError, person_ref


def erase(
    identity_code: Annotated[
        str, typer.Option(help="The person's identity code.", prompt=True, hide_input=True)
    ],
) -> None:
    """Erase one person: shred their data key, forget their state, cut what is readable."""
    from services.core.records import Erasure, ErasureReason  # noqa: PLC0415
    from services.platform.alias_follower import read_aliases  # noqa: PLC0415
    from services.platform.erasure import aliases_of, person_refs  # noqa: PLC0415
    from services.platform.kafka_security import client_options  # noqa: PLC0415
    from services.platform.settings import Environment, Settings  # noqa: PLC0415
    from services.platform.topics import TopicNames  # noqa: PLC0415
    from services.referral.pseudonyms import stable_ref  # noqa: PLC0415

    settings = Settings()
    if settings.environment not in {Environment.DEV, Environment.TEST} and not (
        settings.sasl_username
    ):
        raise typer.BadParameter(
            "erasure needs the erasure principal's credentials (JATKUMO_SASL_USERNAME, "
            "JATKUMO_SASL_PASSWORD)"
        )
    try:
        hashed = person_ref(identity_code, settings.person_ref_key)
    except IdentityCodeError as error:
        raise typer.BadParameter(str(error), param_hint="--identity-code") from error
    security = client_options(settings)
    names = TopicNames(settings.namespace)
    aliases = read_aliases(settings.bootstrap_servers, names.pseudonyms, **security)
    stable = stable_ref(hashed, settings.person_ref_key_id, aliases)
    refs = person_refs(hashed, stable, aliases)
    erasure = Erasure(
        erasure_id=str(uuid.uuid4()),
        person_ref=stable,
        reason=ErasureReason.REQUEST,
        requested_at=datetime.now(UTC),
        requested_by=settings.sasl_username or "operator",
    )
    say = typer.echo
    say(f"person_ref {stable}")
    forgotten = aliases_of(stable, aliases)
    _publish(settings, security, names, erasure, forgotten)
    say(f"keys.persons: data key of {stable} tombstoned; what was sealed under it no longer opens")
    say(f"referral.pseudonyms: {len(forgotten)} aliases tombstoned")
    say(
        "erasures: sent; referral, handover and followup delete the person's entries "
        "(tombstones on their changelogs)"
    )
    say(
        "audit.disclosures: erasure recorded (person_ref, time, principal); the person's "
        "disclosure records are kept (what was disclosed must stay demonstrable)"
    )
    for line in _cut_clear_topics(settings, security, names, identity_code, refs):
        say(line)
    say(
        "kept until their retention: case-facts (365 d; the person's fields there are sealed "
        "under the shredded key, or under the service key if written before per-person keys), "
        "ops.alerts (365 d, pseudonymous), dlq (90 d, refused messages sealed under the "
        "dead-letter key); older records of compacted topics until the log cleaner compacts them"
    )


def _publish(
    settings: Any, security: dict[str, Any], names: Any, erasure: Any, aliases: list[str]
) -> None:
    from kafka import KafkaProducer  # noqa: PLC0415

    from services.platform.codec import Catalogue  # noqa: PLC0415

    catalogue = Catalogue()
    key = erasure.person_ref.encode()
    producer = KafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        acks="all",
        client_id="jatkumo-erase",
        **security,
    )
    try:
        producer.send(names.person_keys, key=key, value=None).get(timeout=60)
        for alias in aliases:
            producer.send(names.pseudonyms, key=alias.encode(), value=None)
        producer.send(names.erasures, key=key, value=catalogue.encode(erasure))
        producer.send(names.disclosures, key=key, value=catalogue.encode(erasure))
        producer.flush(timeout=60)
    finally:
        producer.close(timeout=10)


def _cut_clear_topics(
    settings: Any, security: dict[str, Any], names: Any, code: str, refs: set[str]
) -> list[str]:
    """Find the person's records where identity is readable, and cut where it is safe."""
    from kafka import KafkaAdminClient  # noqa: PLC0415

    from services.core.organisations import default_registry  # noqa: PLC0415
    from services.platform.erasure import Cut, plan_cut  # noqa: PLC0415

    codes = default_registry().codes()
    topics = [names.inbound(o) for o in codes] + [names.tasks(o) for o in codes] + [names.intake]
    findings = _find(settings, security, topics, code, refs)
    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, client_id="jatkumo-erase", **security
    )
    lines: list[str] = []
    try:
        committed = _committed(admin)
        cuts = [plan_cut(f, committed.get((f.topic, f.partition), [])) for f in findings]
        deletable = [c for c in cuts if c.cut == Cut.DELETED and c.before is not None]
        if deletable:
            from kafka import TopicPartition  # noqa: PLC0415

            admin.delete_records(
                {
                    TopicPartition(c.finding.topic, c.finding.partition): c.before
                    for c in deletable
                    if c.before is not None
                },
                timeout_ms=30000,
            )
    finally:
        admin.close()
    if not findings:
        lines.append("inbound/tasks/referral.intake: no record of the person found")
    for c in cuts:
        where = f"{c.finding.topic}[{c.finding.partition}]"
        found = f"{c.finding.records} records, last at offset {c.finding.last_offset}"
        if c.cut == Cut.DELETED:
            lines.append(f"{where}: {found}: deleted every record before offset {c.before}")
        elif c.cut == Cut.UNREAD:
            lines.append(
                f"{where}: {found}: KEPT, a reader has not read past them; "
                "kept until the topic's retention or a later erase"
            )
        else:
            lines.append(
                f"{where}: {found}: KEPT, no consumer group reads it; kept until "
                "the topic's retention"
            )
    return lines


def _find(
    settings: Any, security: dict[str, Any], topics: list[str], code: str, refs: set[str]
) -> list[Any]:
    """The person's records per partition: by identity code (inbound events) or by
    `person_ref` (the key of tasks and intake, and any event that names a ref)."""
    from kafka import KafkaConsumer, TopicPartition  # noqa: PLC0415

    from services.platform.codec import Catalogue, DecodeError  # noqa: PLC0415
    from services.platform.erasure import PartitionFinding  # noqa: PLC0415

    catalogue = Catalogue()
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        client_id="jatkumo-erase",
        **security,
    )
    counts: dict[tuple[str, int], int] = defaultdict(int)
    last: dict[tuple[str, int], int] = {}
    try:
        existing = consumer.topics()
        partitions = [
            TopicPartition(t, p)
            for t in topics
            if t in existing
            for p in sorted(consumer.partitions_for_topic(t) or [])
        ]
        if not partitions:
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=1000, max_records=5000).values():
                for m in batch:
                    key = (m.key or b"").decode("utf-8", "replace")
                    try:
                        record = catalogue.decode(m.value) if m.value else None
                    except DecodeError:
                        record = None
                    named = {getattr(record, "identity_code", None)}
                    theirs = (
                        key in refs or code in named or getattr(record, "person_ref", None) in refs
                    )
                    if theirs:
                        counts[(m.topic, m.partition)] += 1
                        last[(m.topic, m.partition)] = m.offset
    finally:
        consumer.close()
    return [PartitionFinding(t, p, counts[(t, p)], last[(t, p)]) for t, p in sorted(last)]


def _committed(admin: Any) -> dict[tuple[str, int], list[int]]:
    """Every consumer group's committed offset, per topic partition."""
    groups = [
        g[0] if isinstance(g, tuple) else g.get("group_id", "") if isinstance(g, dict) else str(g)
        for g in admin.list_groups()
    ]
    committed: dict[tuple[str, int], list[int]] = defaultdict(list)
    for group in filter(None, groups):
        for tp, meta in admin.list_group_offsets({group: None}).get(group, {}).items():
            if meta.offset >= 0:
                committed[(tp.topic, tp.partition)].append(meta.offset)
    return committed
