"""The decision core imports nothing that performs I/O or reads clocks."""

import ast
import sys
from importlib import util
from pathlib import Path

ALLOWED_ROOTS = {"pydantic", "holidays", "yaml"}
"""Libraries of pure functions: models, the holiday calendar, parsing the shipped rules text."""
ALLOWED_PACKAGES = ("services.core", "services.referral")
FORBIDDEN_STDLIB = {"os", "time", "socket", "subprocess", "random", "logging"}


def _is_package(module: str) -> bool:
    spec = util.find_spec(module)
    return spec is not None and spec.submodule_search_locations is not None


def _imports(module: str) -> set[str]:
    """Modules named by `module`'s import statements (`from pkg import mod` counts `pkg.mod`)."""
    spec = util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module.startswith(ALLOWED_PACKAGES) and _is_package(node.module):
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _closure(start: str) -> set[str]:
    """Every module reachable from `start` through imports, stopping outside our packages."""
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        if module.startswith(ALLOWED_PACKAGES):
            todo.extend(_imports(module))
    return seen


def _allowed(module: str) -> bool:
    root = module.split(".", maxsplit=1)[0]
    if module.startswith(ALLOWED_PACKAGES) or module in ("services", "__future__"):
        return True
    if root in FORBIDDEN_STDLIB:
        return False
    return root in ALLOWED_ROOTS or root in sys.stdlib_module_names


def test_decide_imports_only_stdlib_pydantic_and_core() -> None:
    """Everything decide reaches is stdlib (no os, time), pydantic or services.core/referral."""
    closure = _closure("services.referral.decide")
    assert "services.referral.registry" in closure
    assert sorted(m for m in closure if not _allowed(m)) == []


def test_decide_reaches_no_platform_module() -> None:
    """The shell's platform (Kafka, Avro, sealing, clocks) is out of the core's reach."""
    assert not any(m.startswith("services.platform") for m in _closure("services.referral.decide"))
