"""Workers survive bad input: every bad message is dead-lettered with its reason, every good one
is processed, and the accounting closes exactly: received = accepted + held + dead-lettered.

More than 10,000 mutants (tests/support/mutations.py) go to all the organisations' inbound
topics, interleaved with a seeded replay of valid timelines (tests/support/replay.py).
"""

import random
from collections import Counter
from collections.abc import Callable, Iterator

import pytest

from services.core.events import InboundEvent
from services.core.organisations import default_registry
from tests.support.expected import fold
from tests.support.ledger import Ledger
from tests.support.mutations import (
    Mutant,
    Mutator,
    Person,
    bad_identity_codes,
    hypothesis_events,
)
from tests.support.pipeline import Pipeline
from tests.support.replay import Feed, Replay, generate

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SEED = 4711
WAVE_TIMEOUT = 240.0


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    running = Pipeline(kafka_bootstrap, tmp_path_factory.mktemp("bad-input"))
    running.start(timeout=120)
    yield running
    running.stop()


def _mutants(replay: Replay) -> tuple[list[Mutant], list[Mutant]]:
    """Mutants for any moment, and mutants that need the replay's cases open (after wave 0)."""
    mutator = Mutator(SEED)
    rng = random.Random(SEED)
    anytime = [
        *mutator.many(mutator.random_bytes, 1500),
        *mutator.many(mutator.truncated, 1200),
        *mutator.many(mutator.padded, 500),
        *mutator.many(mutator.unknown_fingerprint, 900),
        *mutator.many(mutator.invalid_record, 500),
        *mutator.many(mutator.not_inbound, 300),
        *mutator.many(mutator.tombstone, 100),
        *mutator.from_another_org(hypothesis_events(1500)),
        *mutator.wrong_kind(hypothesis_events(1500)),
        *mutator.bad_identity(bad_identity_codes(rng, 1200)),
        *mutator.many(mutator.bad_subject, 600),
        *mutator.many(mutator.nonsense, 1200),
    ]
    counties = [o.code for o in default_registry().organisations if o.code.startswith("county-")]
    persons = [
        Person(
            identity_code=first.identity_code or "",
            person_ref=second.person_ref or "",
            prison=first.source_org,
        )
        for first, second in _prison_then_county(replay)
    ]
    after_open = [mutator.misfit(rng.choice(persons), rng.choice(counties)) for _ in range(500)]
    return anytime, after_open


def _prison_then_county(replay: Replay) -> Iterator[tuple[InboundEvent, InboundEvent]]:
    """Each person's CustodyStarted and a later event that names them by person_ref."""
    for timeline in replay.timelines:
        later = next((e for e in timeline if e.person_ref is not None), None)
        if later is not None:
            yield timeline[0], later


def _all_facts(event_ids: set[str]) -> Callable[[Ledger], bool]:
    return lambda seen: event_ids <= seen.fact_event_ids


class Interleaver:
    """Sends valid waves through the SDK with mutants mixed in, counting what it sent."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.feed = Feed(pipeline.bootstrap, pipeline.namespace)
        self.sent = Counter[str]()
        self.rng = random.Random(SEED)

    def send(self, valid: list[InboundEvent], mutants: list[Mutant]) -> None:
        order: list[InboundEvent | Mutant] = [*valid, *mutants]
        self.rng.shuffle(order)
        for item in order:
            if isinstance(item, Mutant):
                key = f"bad-{self.sent['bad']}".encode()
                self.feed.publisher(item.org).publish_raw(item.value, key=key)  # type: ignore[arg-type]
                self.sent["bad"] += 1
                self.sent[item.reason] += 1
            else:
                self.feed.publisher(item.source_org).publish(item)
                self.sent["valid"] += 1
        self.feed.flush()


@pytest.mark.timeout(1200)
def test_bad_input_is_dead_lettered_and_valid_input_flows(pipeline: Pipeline) -> None:
    """10,000+ mutants on every inbound topic: workers live, DLQ by reason = sent, 0 valid lost."""
    replay = generate(250, seed=SEED)
    expected = fold(replay.events())
    anytime, after_open = _mutants(replay)
    waves = replay.waves()
    chunks = [anytime[i :: len(waves)] for i in range(len(waves))]
    chunks[1] = chunks[1] + after_open
    ledger = Ledger(pipeline.bootstrap, pipeline.names)
    sender = Interleaver(pipeline)
    try:
        for wave, mutants in zip(waves, chunks, strict=True):
            sender.send(wave, mutants)
            ids = {e.event_id for e in wave}
            ledger.wait_for(
                _all_facts(ids), timeout=WAVE_TIMEOUT, what="the facts of a wave's valid events"
            )
        bad = sender.sent["bad"]
        assert bad >= 10_000
        ledger.wait_for(
            lambda seen: len(seen.dead_letters) >= bad,
            timeout=WAVE_TIMEOUT,
            what=f"{bad} dead letters",
        )
        ledger.wait_for(
            lambda seen: not any(seen.missing(expected).values()),
            timeout=WAVE_TIMEOUT,
            what="every expected fact, task and disclosure",
        )
    finally:
        sender.feed.close()
        ledger.close()
    by_reason = Counter(ledger.dead_letter_reasons.values())
    wanted = Counter({r: n for r, n in sender.sent.items() if r not in ("valid", "bad")})
    assert by_reason == wanted
    accepted = len(ledger.fact_event_ids & {e.event_id for e in replay.events()})
    received = sender.sent["valid"] + bad
    held = received - accepted - len(ledger.dead_letters)
    assert (accepted, held) == (len(replay), 0)
    dead = [name for name, process in pipeline.processes.items() if process.poll() is not None]
    assert dead == []
    print(
        f"\nbad input: received={received} accepted={accepted} held={held}"
        f" dead_lettered={len(ledger.dead_letters)} by_reason={dict(sorted(by_reason.items()))}"
        f" duplicates={ledger.duplicates()}"
    )
