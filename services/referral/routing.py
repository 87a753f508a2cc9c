"""Which wellbeing services county is responsible for a person, from a municipality code.

Helsinki (area 90) organises its own services and is `county-90`. Åland (area 91) has no
wellbeing county and an unknown code has no area: both are routing problems that an operator
must resolve (`ResponsibleCountyNamed`); a task is never sent to a guessed county. The county an
operator named stands while the municipalities still route nowhere; a municipality that routes
somewhere wins again.
"""

from dataclasses import dataclass

from services.core import reference
from services.core.case import CaseState
from services.core.facts import FactDetail, FactKind
from services.core.organisations import county_code

ALAND = "aland"
UNKNOWN_MUNICIPALITY = "unknown_municipality"


@dataclass(frozen=True)
class Route:
    area: str | None
    """The responsible county organisation (`county-NN`), or None when `problem` is set."""
    problem: str | None = None


def route(municipality_code: str) -> Route:
    municipality = reference.municipalities().get(municipality_code)
    if municipality is None:
        return Route(area=None, problem=UNKNOWN_MUNICIPALITY)
    if municipality.area_code == reference.ALAND_AREA:
        return Route(area=None, problem=ALAND)
    return Route(area=county_code(municipality.area_code))


def route_case(case: CaseState) -> Route:
    """The destination municipality at release wins over the home municipality; when neither
    routes anywhere, the county an operator named."""
    municipality = case.destination_municipality or case.home_municipality
    found = (
        Route(area=None, problem=UNKNOWN_MUNICIPALITY)
        if municipality is None
        else route(municipality)
    )
    if found.problem is not None and case.named_county is not None:
        return Route(area=case.named_county)
    return found


def with_route(case: CaseState) -> CaseState:
    found = route_case(case)
    update = {"responsible_area": found.area, "routing_problem": found.problem}
    return case.model_copy(update=update)


def routing_changes(
    before: CaseState | None, after: CaseState
) -> list[tuple[FactKind, FactDetail]]:
    """The extra facts a change of routing needs: a new problem, or a new responsible area."""
    previous_area = before.responsible_area if before else None
    previous_problem = before.routing_problem if before else None
    if after.routing_problem is not None and after.routing_problem != previous_problem:
        detail = FactDetail.build(routing_reason=after.routing_problem, previous_area=previous_area)
        return [(FactKind.ROUTING_PROBLEM, detail)]
    if before is not None and after.responsible_area != previous_area:
        return [(FactKind.RESPONSIBLE_AREA_CHANGED, FactDetail.build(previous_area=previous_area))]
    return []


def county_named(case: CaseState, county: str) -> CaseState:
    """The case with the county an operator named, routed again."""
    return with_route(case.model_copy(update={"named_county": county}))
