"""Reference data shipped with the package: municipalities, wellbeing services counties, prisons.

Source: Statistics Finland's classification of municipalities to wellbeing services counties
(2021 list) and Ministry of Justice decree 798/2024 for the prisons.
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
            population=int(row["population_2020"] or 0),
        )
        for row in _rows("municipalities.csv")
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
