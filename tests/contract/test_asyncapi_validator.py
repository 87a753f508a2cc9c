"""The official AsyncAPI parser accepts the committed document, Avro payloads included."""

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from services.platform import asyncapi

TOOL = Path(__file__).resolve().parents[2] / "tools" / "asyncapi"
STAMP = TOOL / "node_modules" / ".jatkumo-lock-sha1"


@pytest.fixture(scope="module")
def validator() -> list[str]:
    """`node validate.mjs`, after `npm ci` when node_modules is missing or out of date."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("Node.js and npm are needed to validate the AsyncAPI document")
    lock = hashlib.sha1((TOOL / "package-lock.json").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != lock:
        subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=TOOL,
            check=True,
            timeout=300,
        )
        STAMP.write_text(lock)
    return ["node", str(TOOL / "validate.mjs")]


def _validate(validator: list[str], document: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*validator, str(document)], capture_output=True, text=True, timeout=120, check=False
    )


def test_committed_document_is_valid(validator: list[str]) -> None:
    """@asyncapi/parser and the Avro schema parser report no errors on schemas/asyncapi.yaml."""
    result = _validate(validator, asyncapi.asyncapi_path())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid AsyncAPI 3.0.0" in result.stdout


def test_a_broken_avro_payload_is_reported(validator: list[str], tmp_path: Path) -> None:
    """The validator really reads the referenced .avsc files: a bad type fails it."""
    committed = asyncapi.asyncapi_path()
    shutil.copytree(committed.parent / "avro", tmp_path / "avro")
    shutil.copy(committed, tmp_path / "asyncapi.yaml")
    newest = max((tmp_path / "avro" / "Task").glob("v*.avsc"), key=lambda p: int(p.stem[1:]))
    newest.write_text(newest.read_text("utf-8").replace('"string"', '"no_such_type"'), "utf-8")
    result = _validate(validator, tmp_path / "asyncapi.yaml")
    assert result.returncode == 1, result.stdout
    assert "avro-schema" in result.stdout
