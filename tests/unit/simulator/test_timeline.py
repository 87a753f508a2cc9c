"""The timeline: ordered, inside the period, permitted, and accepted by the referral registry."""

from collections import Counter

import pytest

from services.core import identity
from services.core.envelopes import Origin
from services.core.events import CaseClosed, sensitive_fields
from services.core.organisations import default_registry
from services.referral.decide import PersonState, ReferralSettings, Rejection, apply, gate
from services.simulator.config import SimulationConfig
from services.simulator.moments import Scheduled
from services.simulator.naming import as_named_by_sender
from services.simulator.timeline import period, timeline

CONFIG = SimulationConfig(seed=5, days=240, people=260)
SECRET = b"unit-test-secret"


@pytest.fixture(scope="module")
def events() -> list[Scheduled]:
    return list(timeline(CONFIG))


def test_same_seed_gives_the_same_timeline(events: list[Scheduled]) -> None:
    """The timeline is a pure function of the configuration."""
    assert list(timeline(CONFIG)) == events


def test_events_are_in_event_time_order_inside_the_period(events: list[Scheduled]) -> None:
    """Occurred-at never decreases, and every event falls inside the simulated period."""
    first, end = period(CONFIG)
    times = [s.occurred_at for s in events]
    assert times == sorted(times)
    assert first <= times[0]
    assert times[-1] < end


def test_each_item_is_sent_by_the_organisation_it_names(events: list[Scheduled]) -> None:
    """The publishing organisation is the event's source_org."""
    assert all(s.org == s.event.source_org for s in events)


def test_every_event_passes_the_organisation_permissions(events: list[Scheduled]) -> None:
    """Each organisation sends only event types the registry allows its kind to send."""
    registry = default_registry()
    refused = [
        (s.org, type(s.event).__name__)
        for s in events
        if not registry.may_send(s.org, type(s.event).__name__)
    ]
    assert refused == []


def test_people_are_named_by_temporary_identity_codes(events: list[Scheduled]) -> None:
    """Every event names its person by a valid code from the temporary range only."""
    assert all(
        s.event.identity_code and identity.is_temporary(s.event.identity_code) for s in events
    )


def test_event_ids_are_unique(events: list[Scheduled]) -> None:
    """No two events share an event id (the registry would drop the second as a repeat)."""
    ids = [s.event.event_id for s in events]
    assert len(set(ids)) == len(ids)


def test_every_event_type_of_the_story_occurs(events: list[Scheduled]) -> None:
    """A period this long exercises custody, release, network, consent and county events."""
    kinds = Counter(type(s.event).__name__ for s in events)
    expected = {
        "CustodyStarted",
        "ReleaseDateSet",
        "PrisonTransferred",
        "Released",
        "ContactPersonAssigned",
        "ContactPersonEnded",
        "ReferralSubmitted",
        "ConsentGiven",
        "ConsentWithdrawn",
        "ReferralAcknowledged",
        "AssessmentStarted",
        "AssessmentCompleted",
        "ClientPlanAgreed",
        "ClientPlanReviewed",
        "CaseClosed",
    }
    assert expected <= set(kinds)


def test_the_referral_service_accepts_every_event(events: list[Scheduled]) -> None:
    """Through the real gate and case registry (pure), nothing is rejected or left held."""
    registry = default_registry()
    settings = ReferralSettings(registry=registry)
    states: dict[str, PersonState] = {}
    refused: Counter[str] = Counter()
    for at, org, named in events:
        event = as_named_by_sender(named, org, lambda code: identity.person_ref(code, SECRET))
        verdict = gate(event, org, registry, SECRET)
        if isinstance(verdict, Rejection):
            refused[verdict.reason_code] += 1
            continue
        clean = event.model_copy(
            update={
                **dict.fromkeys(sensitive_fields(type(event))),
                "person_ref": verdict.person_ref,
            }
        )
        outcome = apply(
            states.get(verdict.person_ref),
            clean,
            None,
            Origin(topic="t", partition=0, offset=0),
            settings,
            at,
        )
        states[verdict.person_ref] = outcome.state
        refused.update(r.reason_code for r in outcome.rejections)
    assert refused == Counter()
    assert all(not state.held for state in states.values())


def test_nothing_follows_a_case_closure(events: list[Scheduled]) -> None:
    """After CaseClosed no event about that person appears (the registry would refuse it)."""
    closed: dict[str | None, object] = {}
    for s in events:
        code = s.event.identity_code
        assert code not in closed, type(s.event).__name__
        if isinstance(s.event, CaseClosed):
            closed[code] = s.occurred_at
