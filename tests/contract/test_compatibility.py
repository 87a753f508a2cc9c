"""Schema evolution: committed versions resolve both ways; incompatible changes are caught."""

import copy
import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from services.cli import app
from services.platform.compatibility import check_all, check_versions, resolve
from services.platform.schema_store import load_versions, schemas_dir


def _newest(record: str) -> dict[str, Any]:
    return copy.deepcopy(load_versions(record)[-1].schema)


def _field(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in schema["fields"] if f["name"] == name)


def _both_ways(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Each direction that fails, as `reader<-writer`."""
    return [
        label
        for label, reader, writer in (("new<-old", new, old), ("old<-new", old, new))
        if resolve(reader, writer)
    ]


def test_committed_contract_is_fully_transitively_compatible() -> None:
    """Every pair of committed versions of every record resolves in both directions."""
    assert [str(problem) for problem in check_all()] == []


def test_new_required_field_without_default_is_caught() -> None:
    """A new reader cannot fill a field that old writers never wrote and that has no default."""
    old = _newest("CustodyStarted")
    new = copy.deepcopy(old)
    new["fields"].append({"name": "prison_wing", "type": "string"})
    assert _both_ways(old, new) == ["new<-old"]


def test_removed_field_without_default_is_caught() -> None:
    """An old reader cannot fill a field, without a default, that new writers dropped."""
    old = _newest("CustodyStarted")
    new = copy.deepcopy(old)
    new["fields"].remove(_field(new, "home_municipality"))
    assert _both_ways(old, new) == ["old<-new"]


def test_changed_type_is_caught() -> None:
    """A string field that becomes an int resolves in neither direction."""
    old = _newest("CustodyStarted")
    new = copy.deepcopy(old)
    _field(new, "prison")["type"] = "int"
    assert _both_ways(old, new) == ["new<-old", "old<-new"]


def test_removed_enum_symbol_without_default_is_caught() -> None:
    """A new reader without an enum default cannot read a symbol it no longer knows."""
    old = _newest("ReleaseDateSet")
    new = copy.deepcopy(old)
    enum = _field(new, "release_type")["type"]
    enum["symbols"].remove("other")
    del enum["default"]
    assert _both_ways(old, new) == ["new<-old"]


def test_removed_enum_symbol_with_default_is_compatible() -> None:
    """With an enum default, a symbol the reader lacks resolves to the default."""
    old = _newest("ReleaseDateSet")
    new = copy.deepcopy(old)
    _field(new, "release_type")["type"]["symbols"].remove("other")
    assert _both_ways(old, new) == []


def test_optional_field_with_default_is_compatible() -> None:
    """Adding a nullable field with a null default is compatible both ways."""
    old = _newest("CustodyStarted")
    new = copy.deepcopy(old)
    new["fields"].append({"name": "prison_wing", "type": ["null", "string"], "default": None})
    assert _both_ways(old, new) == []


def test_transitive_check_compares_every_pair_not_only_neighbours() -> None:
    """v1 and v3 are compared even when each is compatible with v2."""
    v1 = _newest("CustodyStarted")
    v2 = copy.deepcopy(v1)
    _field(v2, "home_municipality")["default"] = "000"
    v3 = copy.deepcopy(v2)
    v3["fields"].remove(_field(v3, "home_municipality"))
    found = check_versions("CustodyStarted", [(1, v1), (2, v2), (3, v3)])
    assert {(p.reader, p.writer) for p in found} == {(1, 3)}


def test_schemas_check_command_fails_on_an_incompatible_version(tmp_path: Path) -> None:
    """`jatkumo schemas check` exits 1 and names the record when a committed version breaks."""
    shutil.copytree(schemas_dir(), tmp_path / "avro")
    record = tmp_path / "avro" / "ReleaseDateSet"
    broken = _newest("ReleaseDateSet")
    _field(broken, "release_date")["type"] = "string"
    next_version = len(list(record.glob("v*.avsc"))) + 1
    (record / f"v{next_version}.avsc").write_text(json.dumps(broken), "utf-8")
    result = CliRunner().invoke(
        app, ["schemas", "check"], env={"JATKUMO_SCHEMAS_DIR": str(tmp_path / "avro")}
    )
    assert result.exit_code == 1
    assert f"ReleaseDateSet: v{next_version} cannot read v1" in result.output
