"""The simulator produces the operating model's events, each one the gate would admit."""

from collections import Counter
from functools import cache

from services.core.events import CustodyStarted, ReleasePlanAgreed
from services.core.organisations import default_registry
from services.core.vocabulary import SentenceType
from services.referral.sanity import find_problem
from services.simulator.config import SimulationConfig
from services.simulator.moments import Scheduled
from services.simulator.population import county_of
from services.simulator.timeline import timeline

OPERATING_MODEL = {
    "ReleasePlanAgreed",
    "ReleasePlanUpdated",
    "CooperationRequested",
    "NetworkMeetingScheduled",
    "NetworkMeetingHeld",
    "ProbationaryFreedomRevoked",
    "SupervisionOrdered",
    "ClientPreferenceRecorded",
    "ClientDeclined",
    "AlertDismissed",
    "ResponsibleCountyNamed",
}


@cache
def _year() -> tuple[Scheduled, ...]:
    return tuple(timeline(SimulationConfig()))


def test_a_simulated_year_has_every_operating_model_event() -> None:
    """Each new event type occurs at least once among 300 people in a year."""
    seen = Counter(type(s.event).__name__ for s in _year())
    assert {name for name in OPERATING_MODEL if seen[name] == 0} == set()


def test_release_plans_cover_most_long_sentences() -> None:
    """Release plans are the rule for long sentences, not the exception (at least 60 %)."""
    long_terms = sum(
        1
        for s in _year()
        if isinstance(s.event, CustodyStarted) and s.event.sentence_type == SentenceType.LONG_TERM
    )
    plans = sum(1 for s in _year() if isinstance(s.event, ReleasePlanAgreed))
    assert plans >= 0.6 * long_terms


def test_every_operating_model_event_passes_the_gate_checks() -> None:
    """The sender may send it and it makes sense (no sanity problem)."""
    registry = default_registry()
    problems = [
        (type(s.event).__name__, find_problem(s.event, s.event.source_org, registry))
        for s in _year()
        if type(s.event).__name__ in OPERATING_MODEL
        and (
            not registry.may_send(s.event.source_org, type(s.event).__name__)
            or find_problem(s.event, s.event.source_org, registry) is not None
        )
    ]
    assert problems == []


def test_operators_name_a_county_only_for_cases_that_route_nowhere() -> None:
    """Every county an operator names is for a person whose home municipality has no county."""
    homes = {
        s.event.identity_code: s.event.home_municipality
        for s in _year()
        if isinstance(s.event, CustodyStarted)
    }
    named = [s.event for s in _year() if type(s.event).__name__ == "ResponsibleCountyNamed"]
    assert named
    assert [e for e in named if county_of(homes[e.identity_code]) is not None] == []
