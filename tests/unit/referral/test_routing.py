"""Routing: the responsible wellbeing county from the home or destination municipality."""

import pytest

from services.core.case import CaseState
from services.core.facts import FactKind
from services.referral.routing import Route, route
from tests.unit.referral import builders as b

ROUTES = [
    (b.KUOPIO, Route(area="county-13")),
    (b.VANTAA, Route(area="county-04")),
    (b.OULU, Route(area="county-19")),
    (b.HELSINKI, Route(area="county-90")),
    (b.MARIEHAMN, Route(area=None, problem="aland")),
    (b.NO_SUCH, Route(area=None, problem="unknown_municipality")),
]


@pytest.mark.parametrize(("municipality", "expected"), ROUTES)
def test_route_from_municipality(municipality: str, expected: Route) -> None:
    """Each municipality routes to its county, Helsinki to itself, Åland and unknowns nowhere."""
    assert route(municipality) == expected


def _opened(home: str) -> CaseState:
    state = b.run([b.custody(home_municipality=home)]).state
    assert state is not None
    assert state.case is not None
    return state.case


def test_case_opened_in_home_county() -> None:
    """A new case is routed to the county of the home municipality."""
    case = _opened(b.VANTAA)
    assert (case.responsible_area, case.routing_problem) == ("county-04", None)


@pytest.mark.parametrize(
    ("home", "problem"), [(b.MARIEHAMN, "aland"), (b.NO_SUCH, "unknown_municipality")]
)
def test_unroutable_home_opens_case_with_routing_problem(home: str, problem: str) -> None:
    """Åland or an unknown municipality still opens the case, flagged and not routed."""
    outcome = b.run([b.custody(home_municipality=home)]).last
    assert outcome.accepted
    assert [f.kind for f in outcome.facts] == [FactKind.CASE_OPENED, FactKind.ROUTING_PROBLEM]
    assert outcome.facts[1].detail.routing_reason == problem
    case = outcome.facts[1].case
    assert (case.responsible_area, case.routing_problem) == (None, problem)


def test_release_to_another_county_changes_the_area() -> None:
    """A destination in another county is a RESPONSIBLE_AREA_CHANGED fact besides RELEASED."""
    outcome = b.run(
        [b.custody(home_municipality=b.VANTAA), b.released(destination_municipality=b.OULU)]
    ).last
    assert [f.kind for f in outcome.facts] == [FactKind.RELEASED, FactKind.RESPONSIBLE_AREA_CHANGED]
    assert outcome.facts[1].detail.previous_area == "county-04"
    assert outcome.facts[1].case.responsible_area == "county-19"


def test_release_within_the_county_keeps_the_area() -> None:
    """A destination in the same county emits only RELEASED."""
    outcome = b.run([b.custody(), b.released(destination_municipality="749")]).last
    assert [f.kind for f in outcome.facts] == [FactKind.RELEASED]
    assert outcome.facts[0].case.responsible_area == b.COUNTY


def test_release_to_known_destination_resolves_unknown_home() -> None:
    """A routable destination clears a routing problem and names the area that now serves."""
    outcome = b.run(
        [b.custody(home_municipality=b.NO_SUCH), b.released(destination_municipality=b.OULU)]
    ).last
    assert [f.kind for f in outcome.facts] == [FactKind.RELEASED, FactKind.RESPONSIBLE_AREA_CHANGED]
    assert outcome.facts[1].detail.previous_area is None
    assert (outcome.facts[1].case.responsible_area, outcome.facts[1].case.routing_problem) == (
        "county-19",
        None,
    )


def test_release_to_aland_is_a_routing_problem() -> None:
    """Moving to Åland at release leaves no responsible county and says so."""
    outcome = b.run([b.custody(), b.released(destination_municipality=b.MARIEHAMN)]).last
    assert [f.kind for f in outcome.facts] == [FactKind.RELEASED, FactKind.ROUTING_PROBLEM]
    assert outcome.facts[1].detail.previous_area == b.COUNTY
    assert outcome.facts[1].case.responsible_area is None
