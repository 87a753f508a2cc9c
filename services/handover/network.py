"""Who is around the person: the network that hears of changes, and the supervising office."""

from functools import cache

from services.core import reference
from services.core.case import CaseState
from services.core.organisations import (
    OrgKind,
    default_registry,
    prison_code,
    sanctions_office_code,
)


@cache
def sanctions_office_for(prison: str) -> str | None:
    """The community sanctions office of the prison's sanctions region, if both are known."""
    for row in reference.prisons():
        if prison_code(row.name_fi) == prison:
            office = default_registry().get(sanctions_office_code(row.region_fi))
            if office is not None and office.kind == OrgKind.COMMUNITY_SANCTIONS_OFFICE:
                return office.code
    return None


def network_orgs(case: CaseState) -> list[str]:
    """The responsible county, the contact persons' organisations and the plan network."""
    candidates = [
        *([case.responsible_area] if case.responsible_area else []),
        *(contact.org for contact in case.contacts),
        *(case.plan.network if case.plan else []),
    ]
    found: list[str] = []
    for org in candidates:
        if org not in found:
            found.append(org)
    return found
