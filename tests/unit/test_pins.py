"""The runtime stack is pinned exactly, the lock file agrees, and the environment is the lock's."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STACK = ("faust-streaming", "aiokafka", "kafka-python", "fastavro", "pydantic")


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    found = (re.fullmatch(r"([A-Za-z0-9_.-]+)==([^;\s]+)", dep) for dep in project["dependencies"])
    return {match[1].lower(): match[2] for match in found if match}


def _locked() -> dict[str, str]:
    text = (REPO / "requirements.lock").read_text("utf-8")
    return {
        name.lower(): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.MULTILINE)
    }


@pytest.mark.parametrize("name", STACK)
def test_the_runtime_stack_is_pinned_exactly_in_pyproject(name: str) -> None:
    """faust-streaming, aiokafka, kafka-python, fastavro and pydantic carry an `==` pin."""
    assert name in _pyproject_pins()


@pytest.mark.parametrize("name", STACK)
def test_the_lock_file_holds_the_pinned_version(name: str) -> None:
    """requirements.lock was compiled from the current pins (run `make lock` after a change)."""
    assert _locked()[name] == _pyproject_pins()[name]


@pytest.mark.parametrize("name", STACK)
def test_the_installed_version_is_the_locked_one(name: str) -> None:
    """The environment was installed from the lock (`make install`), not resolved anew."""
    assert metadata.version(name) == _locked()[name]
