"""The import direction: core <- decide <- stream <- cli; platform only in shells."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "services"
SHELL_ONLY = {
    "faust",
    "mode",
    "aiokafka",
    "kafka",
    "fastavro",
    "structlog",
    "prometheus_client",
    "cryptography",
    "aiohttp",
}
IMPURE = SHELL_ONLY | {"os", "time", "subprocess", "socket", "services.platform"}
PURE_PACKAGES = ["core", "referral", "handover", "followup", "operator", "i18n"]
SHELL_MODULES = {"stream.py", "web.py", "publish.py", "server.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _pure_modules() -> list[Path]:
    return [
        path
        for package in PURE_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name not in SHELL_MODULES
    ]


def _violations(path: Path, forbidden: set[str]) -> list[str]:
    return sorted(
        name
        for name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in forbidden)
    )


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_modules_import_nothing_impure(path: Path) -> None:
    """Core and decision modules import no Kafka, faust, Avro, logging, clock or OS modules."""
    assert _violations(path, IMPURE) == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "core").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_core_imports_no_service(path: Path) -> None:
    """services.core depends on no service package."""
    services = {
        f"services.{name}"
        for name in ("referral", "handover", "followup", "platform", "cli", "commands")
    }
    assert _violations(path, services) == []


SERVICE_PACKAGES = {
    f"services.{name}"
    for name in (
        "referral",
        "handover",
        "followup",
        "operator",
        "simulator",
        "sdk",
        "commands",
        "cli",
    )
}
SIMULATOR_COMMANDS = ("simulate", "demo")


@pytest.mark.parametrize(
    "path", sorted((ROOT / "platform").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_platform_imports_no_service(path: Path) -> None:
    """services.platform is shared plumbing: it imports no service, command or simulator."""
    assert _violations(path, SERVICE_PACKAGES) == []


def _commands_without_simulator() -> list[Path]:
    return [
        path
        for path in sorted((ROOT / "commands").glob("*.py"))
        if not path.name.startswith(SIMULATOR_COMMANDS)
    ]


@pytest.mark.parametrize(
    "path", _commands_without_simulator(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_commands_import_the_simulator_only_in_simulate_and_demo(path: Path) -> None:
    """Only `jatkumo simulate` and `jatkumo demo` (and their output modules) use the simulator."""
    assert _violations(path, {"services.simulator"}) == []


def test_the_check_sees_a_violation() -> None:
    """The detector itself finds a forbidden import (guards against a vacuous pass)."""
    sample = ROOT.parent / "tests" / "unit" / "test_layering.py"
    assert "ast" in _imports(sample)
    assert _violations(sample, {"pytest"}) == ["pytest"]
