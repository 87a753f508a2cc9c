"""Schema evolution rules: every committed version resolves against every other, both ways.

Full transitive compatibility: for each record, every pair of committed versions (reader,
writer), in both directions, must resolve by the Avro specification's schema resolution rules.
So a consumer holding any version reads what a producer holding any other version wrote, and
old messages stay readable forever. The rules are Apache Avro's own checker
(`avro.compatibility`), which resolves on the underlying types, applies field and enum defaults,
and ignores extra attributes such as `category` and `sensitive`.
"""

import json
from dataclasses import dataclass
from itertools import permutations
from pathlib import Path
from typing import Any

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

from services.platform.schema_store import load_versions, schemas_dir


@dataclass(frozen=True)
class Incompatibility:
    """A reader version that cannot read what a writer version wrote, and why."""

    record: str
    reader: int
    writer: int
    problems: tuple[str, ...]

    def __str__(self) -> str:
        why = "; ".join(self.problems)
        return f"{self.record}: v{self.reader} cannot read v{self.writer}: {why}"


def _parse(schema: dict[str, Any]) -> avro.schema.Schema:
    return avro.schema.parse(json.dumps(schema))


def resolve(reader: dict[str, Any], writer: dict[str, Any]) -> tuple[str, ...]:
    """Why data written with `writer` cannot be read with `reader`; empty when it can."""
    checker = ReaderWriterCompatibilityChecker()  # type: ignore[no-untyped-call]
    result = checker.get_compatibility(_parse(reader), _parse(writer))
    if result.compatibility == SchemaCompatibilityType.compatible:
        return ()
    messages = sorted(str(m) for m in result.messages)
    locations = sorted(str(loc) for loc in result.locations if loc != "/")
    return (*messages, *(f"at {loc}" for loc in locations))


def check_versions(record: str, schemas: list[tuple[int, dict[str, Any]]]) -> list[Incompatibility]:
    """Every ordered pair of distinct versions of one record, each as reader and as writer."""
    found = []
    for (reader_version, reader), (writer_version, writer) in permutations(schemas, 2):
        problems = resolve(reader, writer)
        if problems:
            found.append(Incompatibility(record, reader_version, writer_version, problems))
    return found


def committed_records(root: Path | None = None) -> list[str]:
    """Every record with a folder of versions, including ones no model writes any more."""
    base = root or schemas_dir()
    return sorted(p.name for p in base.iterdir() if p.is_dir() and any(p.glob("v*.avsc")))


def check_all(root: Path | None = None) -> list[Incompatibility]:
    """Incompatibilities between committed versions of every record; empty when all is well."""
    found = []
    for record in committed_records(root):
        versions = load_versions(record, root)
        found.extend(check_versions(record, [(v.version, v.schema) for v in versions]))
    return found
