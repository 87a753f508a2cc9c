"""Referral intake on a real broker: 50 people from 2 prisons and 3 counties, with duplicated,
out-of-order and malformed messages; every message is accounted for exactly once.

The expectation is built from what the test sends (`Plan`), not from the service's code: each
planned message says how the service must take it (accepted, held until its case opens, or
dead-lettered with a reason) and which facts it must produce. Two rules of the registry shape
the plan: a gate refusal is stateless (a repeated bad message is dead-lettered again), while an
event the registry refused is remembered, so its repeat is a harmless duplicate.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from services.core.events import InboundEvent
from services.core.facts import CaseFact, FactKind
from services.core.records import DeadLetter
from services.platform.dlq import open_original
from services.platform.settings import Settings
from services.platform.state_codec import unpacker
from services.referral.decide import PersonState
from tests.integration.intake_plan import CATALOGUE, Plan, Planned, plan_intake
from tests.support.pipeline import Pipeline
from tests.support.scenario import staged

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Delivered:
    planned: Planned
    topic: str
    partition: int
    offset: int


@dataclass
class Observed:
    plan: Plan
    delivered: list[Delivered]
    facts: list[CaseFact]
    letters: list[DeadLetter]
    ever_held: set[str]
    still_held: set[str]
    received: int


def _deliver(pipeline: Pipeline, messages: list[Planned]) -> list[Delivered]:
    producer = KafkaProducer(bootstrap_servers=pipeline.bootstrap, acks="all", linger_ms=5)
    try:
        futures = [
            (m, producer.send(pipeline.names.inbound(m.org), key=m.key, value=m.data))
            for m in messages
        ]
        delivered = []
        for message, future in futures:
            meta = future.get(timeout=30)
            delivered.append(Delivered(message, meta.topic, meta.partition, meta.offset))
        return delivered
    finally:
        producer.close()


def _registry_history(pipeline: Pipeline) -> tuple[set[str], set[str]]:
    """Event ids ever held, and still held, from the registry table's changelog."""
    topic = pipeline.names.changelog("referral", "referral-persons")
    consumer = KafkaConsumer(bootstrap_servers=pipeline.bootstrap, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        ever: set[str] = set()
        latest: dict[bytes, set[str]] = {}
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            for batch in consumer.poll(timeout_ms=500).values():
                for message in batch:
                    held = {h.event_id for h in unpacker(PersonState)(message.value).held}
                    ever |= held
                    latest[message.key] = held
        return ever, set().union(*latest.values())
    finally:
        consumer.close()


def _received(pipeline: Pipeline, orgs: set[str]) -> int:
    """How many messages the inbound topics hold: what the service received."""
    consumer = KafkaConsumer(bootstrap_servers=pipeline.bootstrap, group_id=None)
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in (pipeline.names.inbound(org) for org in orgs)
            for p in consumer.partitions_for_topic(topic)
        ]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


@pytest.fixture(scope="module")
def observed(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observed]:
    plan = plan_intake(date(2027, 6, 7))
    with staged(kafka_bootstrap, tmp_path_factory.mktemp("intake")) as stage:
        pipeline = stage.pipeline
        delivered = []
        for phase in plan.phases:
            delivered += _deliver(pipeline, phase)
            stage.settle()
        ever, still = _registry_history(pipeline)
        yield Observed(
            plan=plan,
            delivered=delivered,
            facts=stage.reader.of(CaseFact),
            letters=stage.dead_letters(),
            ever_held=ever,
            still_held=still,
            received=_received(pipeline, {m.org for m in plan.messages}),
        )


def _classify(observed: Observed) -> dict[str, list[Delivered]]:
    """Each delivered message by what the service visibly did with it.

    Dead-lettered: a dead letter points at its position. Held: the first delivery of an event
    that waited in the registry's hold. Accepted: the first delivery of an event with facts, or
    a repeat of an event the registry already took (applied, held or refused). Anything else
    would be a message lost without trace.
    """
    letters = {(d.topic, d.partition, d.offset): d for d in observed.letters}
    registry_refused = {
        d.planned.event_id
        for d in observed.delivered
        if getattr(letters.get((d.topic, d.partition, d.offset)), "stage", "")
        == "referral.registry"
    }
    known = {f.event_id for f in observed.facts} | observed.ever_held | registry_refused
    seen: set[str] = set()
    classes: dict[str, list[Delivered]] = {"dead": [], "held": [], "accepted": [], "lost": []}
    for d in sorted(observed.delivered, key=lambda d: (d.topic, d.partition, d.offset)):
        event_id = d.planned.event_id
        first = event_id not in seen
        seen.add(event_id or "")
        if (d.topic, d.partition, d.offset) in letters:
            classes["dead"].append(d)
        elif event_id is not None and first and event_id in observed.ever_held:
            classes["held"].append(d)
        elif event_id is not None and event_id in known:
            classes["accepted"].append(d)
        else:
            classes["lost"].append(d)
    return classes


def test_received_is_accepted_plus_held_plus_dead_lettered(observed: Observed) -> None:
    """Every message the broker holds is accepted, held or dead-lettered: once, none lost."""
    classes = _classify(observed)
    assert classes["lost"] == []
    assert (
        observed.received
        == len(observed.delivered)
        == (len(classes["accepted"]) + len(classes["held"]) + len(classes["dead"]))
    )
    expected = Counter(m.outcome for m in observed.plan.messages)
    assert {name: len(found) for name, found in classes.items() if name != "lost"} == {
        "accepted": expected["accepted"],
        "held": expected["held"],
        "dead": expected["dead"],
    }


def test_facts_per_kind_match_the_plan(observed: Observed) -> None:
    """Exactly the planned facts, per kind, and never one twice."""
    ids = [f.fact_id for f in observed.facts]
    assert len(ids) == len(set(ids))
    assert Counter(f.kind for f in observed.facts) == observed.plan.facts()


def test_dead_letters_per_reason_match_the_plan(observed: Observed) -> None:
    """Exactly the planned dead letters, per reason, each pointing at a message we sent."""
    assert Counter(d.reason_code for d in observed.letters) == observed.plan.dead_letters()
    sent = {(d.topic, d.partition, d.offset): d.planned for d in observed.delivered}
    for letter in observed.letters:
        assert sent[(letter.topic, letter.partition, letter.offset)].reason == letter.reason_code


def test_dead_letters_carry_what_their_stage_received(observed: Observed) -> None:
    """The gate keeps the original bytes, the registry the sanitised event, both only sealed."""
    sent = {(d.topic, d.partition, d.offset): d.planned for d in observed.delivered}
    ring = Settings().dead_letter_ring
    for letter in observed.letters:
        planned = sent[(letter.topic, letter.partition, letter.offset)]
        original, _ = open_original(letter, ring)
        assert letter.original != original
        if letter.stage == "referral.gate":
            assert original == planned.data
        else:
            event = CATALOGUE.decode_as(original, InboundEvent)
            assert (event.event_id, event.identity_code) == (planned.event_id, None)
            assert event.person_ref is not None


def test_out_of_order_events_wait_for_their_case(observed: Observed) -> None:
    """An event that arrives before its case is held, then applied after the case opens."""
    early = observed.plan.arriving_early()
    assert early <= observed.ever_held
    assert not early & observed.still_held
    for event_id in early:
        [fact] = [f for f in observed.facts if f.event_id == event_id]
        opened = [
            f
            for f in observed.facts
            if f.person_ref == fact.person_ref and f.kind == FactKind.CASE_OPENED
        ]
        assert observed.facts.index(opened[0]) < observed.facts.index(fact)


def test_events_of_people_without_a_case_stay_held(observed: Observed) -> None:
    """Events whose case never opens are neither applied nor dropped: they wait."""
    assert observed.still_held == observed.plan.never_opened()


def test_cases_route_to_the_home_county(observed: Observed) -> None:
    """Each case is routed to the county of its home municipality (or to nobody for Åland)."""
    routed = {
        f.person_ref: f.case.responsible_area
        for f in observed.facts
        if f.kind == FactKind.CASE_OPENED
    }
    assert routed == observed.plan.routes()
