"""Properties of the registry over whole streams: dedup, isolation, accounting."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.core import identity
from services.core.envelopes import Origin
from services.core.events import InboundEvent
from services.core.facts import CaseFact
from services.referral.decide import Outcome, PersonState, apply, expire_held
from tests.unit.referral import builders as b

HOUR = timedelta(hours=1)
NOW = b.T0 + 400 * b.DAY
PERSONS = [identity.person_ref(b.temporary_code(n), b.SECRET) for n in (11, 22, 33)]


def stream_pool(person_ref: str) -> list[InboundEvent]:
    """One person's possible events; any order and subset is a plausible delivery."""
    events: list[InboundEvent] = [
        b.custody(),
        b.release_date(),
        b.release_date(
            event_id="e-rd2", occurred_at=b.T0 + 2 * b.DAY, release_date=date(2025, 7, 1)
        ),
        b.release_date(
            event_id="e-rd0", occurred_at=b.T0 + b.DAY / 2, release_date=date(2025, 6, 1)
        ),
        b.transfer(),
        b.assigned(),
        b.ended(successor_worker_ref="w-2"),
        b.ended(event_id="e-ended-2", worker_ref="w-2"),
        b.assigned(event_id="e-named", role="named_worker", org=b.COUNTY, source_org=b.COUNTY),
        b.referral(),
        b.acknowledged(),
        b.acknowledged(event_id="e-ack-unknown", referral_id="r-9"),
        b.consent(),
        b.withdrawn(),
        b.assessment_started(),
        b.assessment_completed(),
        b.plan_agreed(),
        b.plan_reviewed(),
        b.task_status(),
        b.released(destination_municipality=b.OULU),
        b.closed(),
        b.custody(event_id="e-custody-2", occurred_at=b.T0 + 300 * b.DAY),
    ]
    return [e.model_copy(update={"person_ref": person_ref}) for e in events]


POOL = stream_pool(b.PERSON)
POOL_OFFSETS = {event.event_id: offset for offset, event in enumerate(POOL)}
INDEXES = st.integers(0, len(POOL) - 1)


@dataclass(frozen=True)
class Decision:
    person_ref: str
    outcome: Outcome
    arrival: bool
    """True for `apply` of a delivered event, False for `expire_held` on a tick."""


@dataclass
class Feed:
    """Per-person states and everything decided, fed one delivery at a time."""

    states: dict[str, PersonState] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    received: int = 0

    def deliver(self, event: InboundEvent, now: datetime) -> Outcome:
        assert event.person_ref is not None
        offset = POOL_OFFSETS[event.event_id]  # a redelivery is re-read from the same offset
        origin = Origin(topic=f"inbound.{event.source_org}", partition=0, offset=offset)
        self.received += 1
        state = self.states.get(event.person_ref)
        outcome = apply(state, event, b.sealed_for(event), origin, b.SETTINGS, now)
        return self._keep(Decision(event.person_ref, outcome, arrival=True))

    def tick(self, person_ref: str, now: datetime) -> None:
        state = self.states.get(person_ref)
        if state is not None:
            self._keep(Decision(person_ref, expire_held(state, b.SETTINGS, now), arrival=False))

    def _keep(self, decision: Decision) -> Outcome:
        self.states[decision.person_ref] = decision.outcome.state
        self.decisions.append(decision)
        return decision.outcome

    def facts(self, person_ref: str) -> list[CaseFact]:
        return [f for d in self.decisions if d.person_ref == person_ref for f in d.outcome.facts]


def feed(events: list[InboundEvent], now: datetime = NOW) -> Feed:
    result = Feed()
    for event in events:
        result.deliver(event, now)
    return result


@st.composite
def noisy_copy(draw: st.DrawFn, clean: list[InboundEvent]) -> list[InboundEvent]:
    """The clean stream with each event followed by up to two repeats of events already sent."""
    noisy: list[InboundEvent] = []
    for event in clean:
        noisy.append(event)
        noisy.extend(draw(st.lists(st.sampled_from(noisy), max_size=2)))
    return noisy


@settings(deadline=None)
@given(order=st.lists(INDEXES, unique=True), data=st.data())
def test_duplicates_never_change_the_outcome(order: list[int], data: st.DataObject) -> None:
    """Any number of redeliveries gives the state and facts of one delivery."""
    clean = [POOL[i] for i in order]
    noisy = data.draw(noisy_copy(clean))
    once, many = feed(clean), feed(noisy)
    assert many.states == once.states
    assert many.facts(b.PERSON) == once.facts(b.PERSON)


DELIVERY = st.tuples(INDEXES, st.integers(0, 100))
"""An event of the pool and the hours since the previous delivery."""


def timed(
    person_ref: str, deliveries: list[tuple[int, int]]
) -> list[tuple[InboundEvent, datetime]]:
    pool, now, timed_events = stream_pool(person_ref), b.T0, []
    for index, gap in deliveries:
        now += gap * HOUR
        timed_events.append((pool[index], now))
    return timed_events


@settings(deadline=None)
@given(streams=st.lists(st.lists(DELIVERY, max_size=25), min_size=3, max_size=3), data=st.data())
def test_interleaving_persons_gives_each_the_state_alone(
    streams: list[list[tuple[int, int]]], data: st.DataObject
) -> None:
    """Mixing several persons' streams changes no person's state or facts."""
    own = [timed(p, s) for p, s in zip(PERSONS, streams, strict=True)]
    together = Feed()
    queues = [list(q) for q in own]
    while any(queues):
        queue = data.draw(st.sampled_from([q for q in queues if q]))
        together.deliver(*queue.pop(0))
    for person, deliveries in zip(PERSONS, own, strict=True):
        alone = Feed()
        for event, now in deliveries:
            alone.deliver(event, now)
        assert together.states.get(person) == alone.states.get(person)
        assert together.facts(person) == alone.facts(person)


STEP = st.tuples(st.one_of(INDEXES, st.none()), st.integers(0, 200))
"""An event of the pool (None: a clock tick) and the hours since the previous step; gaps
reach past the hold timeout, so held events both apply and expire."""


def run_with_ticks(steps: list[tuple[int | None, int]]) -> Feed:
    result, now = Feed(), b.T0
    for index, gap in steps:
        now += gap * HOUR
        if index is None:
            result.tick(b.PERSON, now)
        else:
            result.deliver(POOL[index], now)
    return result


@settings(deadline=None)
@given(steps=st.lists(STEP, max_size=40))
def test_each_arrival_is_accepted_held_or_dead_lettered(
    steps: list[tuple[int | None, int]],
) -> None:
    """Each apply settles its own event exactly one way; a tick settles no new event."""
    for decision in run_with_ticks(steps).decisions:
        outcome = decision.outcome
        at_arrival = [r for r in outcome.rejections if not r.was_held]
        assert int(outcome.accepted) + outcome.held + len(at_arrival) == int(decision.arrival)


@settings(deadline=None)
@given(steps=st.lists(STEP, max_size=40))
def test_accounting_holds_over_a_stream(steps: list[tuple[int | None, int]]) -> None:
    """received = accepted + held + dead-lettered, and every held event is accounted for."""
    result = run_with_ticks(steps)
    count: Counter[str] = Counter()
    for decision in result.decisions:
        outcome = decision.outcome
        count["accepted"] += outcome.accepted
        count["held"] += outcome.held
        count["released"] += outcome.released
        count.update("from_hold" if r.was_held else "at_arrival" for r in outcome.rejections)
    state = result.states.get(b.PERSON)
    still_held = len(state.held) if state else 0
    assert result.received == count["accepted"] + count["held"] + count["at_arrival"]
    assert count["held"] == count["released"] + count["from_hold"] + still_held


@settings(deadline=None)
@given(steps=st.lists(STEP, max_size=40))
def test_fact_ids_are_unique_over_a_stream(steps: list[tuple[int | None, int]]) -> None:
    """No fact id is ever emitted twice, so consumers can drop repeats by id."""
    fact_ids = [f.fact_id for f in run_with_ticks(steps).facts(b.PERSON)]
    assert len(fact_ids) == len(set(fact_ids))


@settings(deadline=None)
@given(steps=st.lists(STEP, max_size=40))
def test_any_state_round_trips_through_json(steps: list[tuple[int | None, int]]) -> None:
    """Whatever a stream leaves behind can be stored as JSON and read back unchanged."""
    state = run_with_ticks(steps).states.get(b.PERSON)
    if state is not None:
        assert PersonState.model_validate_json(state.model_dump_json()) == state
