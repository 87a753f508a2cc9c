"""The committed schema versions in `schemas/avro/<Record>/v<N>.avsc`."""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastavro.schema import fingerprint, parse_schema, to_parsing_canonical_form
from pydantic import BaseModel

from services.platform.contract import RECORDS, derive_schema


def schemas_dir() -> Path:
    """`JATKUMO_SCHEMAS_DIR`, else `schemas/avro` at the top of the source tree."""
    override = os.environ.get("JATKUMO_SCHEMAS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "schemas" / "avro"


@dataclass(frozen=True)
class SchemaVersion:
    record: str
    version: int
    schema: dict[str, Any]

    @property
    def canonical(self) -> str:
        return str(to_parsing_canonical_form(parse_schema(self.schema)))

    @property
    def fingerprint(self) -> bytes:
        return bytes.fromhex(fingerprint(self.canonical, "CRC-64-AVRO"))


def load_versions(record: str, root: Path | None = None) -> list[SchemaVersion]:
    """All committed versions of one record, oldest first."""
    folder = (root or schemas_dir()) / record
    files = sorted(folder.glob("v*.avsc"), key=lambda p: int(p.stem[1:]))
    return [SchemaVersion(record, int(p.stem[1:]), json.loads(p.read_text("utf-8"))) for p in files]


def canonical_of(schema: dict[str, Any]) -> str:
    return str(to_parsing_canonical_form(parse_schema(schema)))


def same_schema(left: dict[str, Any], right: dict[str, Any]) -> bool:
    """Equal including the field attributes (`category`, `sensitive`) the canonical form drops."""
    return left == right


def generate(root: Path | None = None, models: tuple[type[BaseModel], ...] = RECORDS) -> list[Path]:
    """Write a new version for every record whose derived schema changed; return written files."""
    written: list[Path] = []
    base = root or schemas_dir()
    for model in models:
        derived = derive_schema(model)
        versions = load_versions(model.__name__, base)
        if versions and same_schema(versions[-1].schema, derived):
            continue
        next_version = versions[-1].version + 1 if versions else 1
        path = base / model.__name__ / f"v{next_version}.avsc"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(derived, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
    return written


def drift(root: Path | None = None, models: tuple[type[BaseModel], ...] = RECORDS) -> list[str]:
    """Records whose latest committed schema differs from what the models derive."""
    stale = []
    for model in models:
        versions = load_versions(model.__name__, root)
        if not versions or not same_schema(versions[-1].schema, derive_schema(model)):
            stale.append(model.__name__)
    return stale
