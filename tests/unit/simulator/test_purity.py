"""The simulator's scenario generation is pure; only its shells touch Kafka, processes, time."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "services" / "simulator"
SHELLS = {"run.py", "kafka_io.py", "stack.py", "readout.py"}
IMPURE = {
    "kafka",
    "faust",
    "aiokafka",
    "fastavro",
    "structlog",
    "os",
    "time",
    "subprocess",
    "socket",
    "services.platform",
    "services.sdk",
    "rich",
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "path", sorted(p for p in PACKAGE.glob("*.py") if p.name not in SHELLS), ids=lambda p: p.name
)
def test_scenario_modules_import_nothing_impure(path: Path) -> None:
    """Population, stories, behaviours and answers use no Kafka, clock, OS or platform code."""
    bad = sorted(n for n in _imports(path) if any(n == i or n.startswith(i + ".") for i in IMPURE))
    assert bad == []
