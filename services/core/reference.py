"""Reference data shipped with the package: municipalities, wellbeing services counties, prisons.

Source: Statistics Finland's classification of municipalities to wellbeing services counties
(2021 list) and Ministry of Justice decree 798/2024 for the prisons. The Swedish names of the
municipalities and of the wellbeing services counties (`area_sv`, e.g. Västra Nylands
välfärdsområde, Helsingfors stad) come from the same classification's Swedish edition, as also
published in Yle's open geodata; they are the counties' official Swedish names.
"""

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

HELSINKI_AREA = "90"
ALAND_AREA = "91"


@dataclass(frozen=True)
class Municipality:
    code: str
    name_fi: str
    name_sv: str
    area_code: str
    area_name_fi: str
    area_name_sv: str
    population: int


@dataclass(frozen=True)
class Prison:
    name_fi: str
    region_fi: str
    municipality_code: str


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("services.core").joinpath("data", filename).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def municipalities() -> dict[str, Municipality]:
    """Every municipality by its zero-padded three-digit code."""
    return {
        row["municipality_code"]: Municipality(
            code=row["municipality_code"],
            name_fi=row["municipality_fi"],
            name_sv=row["municipality_sv"],
            area_code=row["area_code"],
            area_name_fi=row["area_fi"],
            area_name_sv=row["area_sv"],
            population=int(row["population_2020"] or 0),
        )
        for row in _rows("municipalities.csv")
    }


@dataclass(frozen=True)
class AreaName:
    fi: str
    sv: str


@cache
def area_names() -> dict[str, AreaName]:
    """The Finnish and Swedish names of each area (01-21 counties, 90 Helsinki) by area code."""
    return {
        m.area_code: AreaName(m.area_name_fi, m.area_name_sv)
        for m in municipalities().values()
        if m.area_code != ALAND_AREA
    }


@cache
def prisons() -> tuple[Prison, ...]:
    """The 27 prisons in the order of the decree."""
    return tuple(
        Prison(row["prison_fi"], row["sanctions_region_fi"], row["municipality_code"])
        for row in _rows("prisons.csv")
    )


@cache
def ngo_rows() -> tuple[dict[str, str], ...]:
    """Support organisations in the network (configuration shipped with the package)."""
    return tuple(_rows("ngos.csv"))
