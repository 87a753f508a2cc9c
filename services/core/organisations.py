"""The organisation registry: who is in the network, what kind, and which events each may send."""

import unicodedata
from enum import StrEnum
from functools import cache, cached_property

from pydantic import BaseModel, ConfigDict

from services.core import reference


class OrgKind(StrEnum):
    PRISON = "prison"
    COMMUNITY_SANCTIONS_OFFICE = "community_sanctions_office"
    COUNTY = "county"
    NGO = "ngo"
    OPERATOR = "operator"
    """The service's own operators: they act on alerts and routing, never on the path itself."""


class Organisation(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    kind: OrgKind
    name: str
    area_code: str | None = None
    """The wellbeing county area (01-21, 90) the organisation serves or sits in."""
    municipality_code: str | None = None


AGENCY_KINDS = frozenset({OrgKind.PRISON, OrgKind.COMMUNITY_SANCTIONS_OFFICE})
"""Units of one controller, the Criminal Sanctions Agency (Rikosseuraamuslaitos)."""
AGENCY_CONTROLLER = "rikosseuraamuslaitos"


COMMON_EVENTS = frozenset({"ContactPersonAssigned", "ContactPersonEnded", "TaskStatusChanged"})
CONSENT_EVENTS = frozenset({"ReferralSubmitted", "ConsentGiven", "ConsentWithdrawn"})
RESPONSIBLE_EVENTS = frozenset({"AlertDismissed", "ClientDeclined"})
"""An organisation responsible for part of the path may record a refusal and close an alert."""

OPERATORS = "operators"
"""The operators' sender code: `inbound.operators`, principal `org-operators`."""
OPERATOR_EVENTS = frozenset({"AlertDismissed", "AlertEscalated", "ResponsibleCountyNamed"})
"""What an operator may send: close an alert with a reason, escalate it, name a county."""

ALLOWED_EVENTS: dict[OrgKind, frozenset[str]] = {
    OrgKind.PRISON: COMMON_EVENTS
    | CONSENT_EVENTS
    | RESPONSIBLE_EVENTS
    | {
        "CustodyStarted",
        "ReleaseDateSet",
        "PrisonTransferred",
        "Released",
        "ReleasePlanAgreed",
        "ReleasePlanUpdated",
        "ProbationaryFreedomRevoked",
        "SupervisionOrdered",
        "ClientPreferenceRecorded",
    },
    OrgKind.COMMUNITY_SANCTIONS_OFFICE: COMMON_EVENTS
    | CONSENT_EVENTS
    | RESPONSIBLE_EVENTS
    | {"SupervisionOrdered"},
    OrgKind.COUNTY: COMMON_EVENTS
    | CONSENT_EVENTS
    | RESPONSIBLE_EVENTS
    | {
        "CooperationRequested",
        "NetworkMeetingScheduled",
        "NetworkMeetingHeld",
        "ClientPreferenceRecorded",
        "ReferralAcknowledged",
        "AssessmentStarted",
        "AssessmentCompleted",
        "ClientPlanAgreed",
        "ClientPlanReviewed",
        "CaseClosed",
    },
    OrgKind.NGO: COMMON_EVENTS | {"ConsentGiven", "ConsentWithdrawn"},
    OrgKind.OPERATOR: OPERATOR_EVENTS,
}


def slug(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: safe inside a Kafka topic name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)


def county_code(area_code: str) -> str:
    return f"county-{area_code}"


def prison_code(prison_name_fi: str) -> str:
    return "prison-" + slug(prison_name_fi.removesuffix(" vankila"))


def sanctions_office_code(region_fi: str) -> str:
    return "cso-" + slug(region_fi.removesuffix(" rikosseuraamuskeskus"))


def _counties() -> list[Organisation]:
    areas: dict[str, str] = {}
    for municipality in reference.municipalities().values():
        if municipality.area_code != reference.ALAND_AREA:
            areas[municipality.area_code] = municipality.area_name_fi
    return [
        Organisation(code=county_code(area), kind=OrgKind.COUNTY, name=name, area_code=area)
        for area, name in sorted(areas.items())
    ]


def _prisons_and_offices() -> list[Organisation]:
    municipalities = reference.municipalities()
    orgs: list[Organisation] = []
    regions: dict[str, str] = {}
    for prison in reference.prisons():
        area = municipalities[prison.municipality_code].area_code
        orgs.append(
            Organisation(
                code=prison_code(prison.name_fi),
                kind=OrgKind.PRISON,
                name=prison.name_fi,
                area_code=area,
                municipality_code=prison.municipality_code,
            )
        )
        regions.setdefault(prison.region_fi, area)
    orgs.extend(
        Organisation(
            code=sanctions_office_code(region),
            kind=OrgKind.COMMUNITY_SANCTIONS_OFFICE,
            name=region.replace("rikosseuraamuskeskus", "yhdyskuntaseuraamustoimisto"),
            area_code=area,
        )
        for region, area in regions.items()
    )
    return orgs


def _ngos() -> list[Organisation]:
    return [
        Organisation(
            code=row["code"], kind=OrgKind.NGO, name=row["name"], area_code=row["area_code"] or None
        )
        for row in reference.ngo_rows()
    ]


class Registry(BaseModel):
    model_config = ConfigDict(frozen=True)

    organisations: tuple[Organisation, ...]

    @cached_property
    def _index(self) -> dict[str, Organisation]:
        """`by_code`, built once: the registry is frozen (pydantic's equality ignores it)."""
        return self.by_code()

    def get(self, code: str) -> Organisation | None:
        return self._index.get(code)

    def by_code(self) -> dict[str, Organisation]:
        return {org.code: org for org in self.organisations}

    def codes(self) -> list[str]:
        return [org.code for org in self.organisations]

    def of_kind(self, kind: OrgKind) -> list[Organisation]:
        return [org for org in self.organisations if org.kind == kind]

    def may_send(self, org_code: str, event_type: str) -> bool:
        org = self.get(org_code)
        return org is not None and event_type in ALLOWED_EVENTS[org.kind]


def _operators() -> list[Organisation]:
    return [Organisation(code=OPERATORS, kind=OrgKind.OPERATOR, name="Jatkumo operators")]


@cache
def default_registry() -> Registry:
    """The national network: 22 county organisers, 27 prisons, 7 sanctions offices, NGOs, and
    the service's operators."""
    return Registry(organisations=(*_counties(), *_prisons_and_offices(), *_ngos(), *_operators()))


def controller_of(org_code: str, registry: "Registry | None" = None) -> str:
    """The data controller an organisation acts for: the Agency for its prisons and offices,
    every other organisation for itself."""
    org = (registry or default_registry()).get(org_code)
    return AGENCY_CONTROLLER if org is not None and org.kind in AGENCY_KINDS else org_code


def is_agency_unit(org_code: str, registry: "Registry | None" = None) -> bool:
    org = (registry or default_registry()).get(org_code)
    return org is not None and org.kind in AGENCY_KINDS
