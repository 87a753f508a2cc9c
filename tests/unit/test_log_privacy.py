"""The log privacy watch finds planted personal data: its silence over the suite means something."""

import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest

from tests.support.log_privacy import PrivacyPlugin, PrivacyWatch, personal_data_kinds
from tests.support.people import temporary_identity_code

REPO = Path(__file__).resolve().parents[2]
CODE = temporary_identity_code(date(1985, 6, 15), 942)


def test_a_planted_identity_code_in_a_json_log_line_is_found() -> None:
    """A valid identity code inside a structlog JSON line is reported as an identity code."""
    line = json.dumps({"event": "gate_failed", "detail": f"bad {CODE}", "level": "warning"})
    assert personal_data_kinds(line) == ["identity code"]


def test_fixture_names_are_found_plain_and_json_escaped() -> None:
    """'Testi Henkilö' is found as written and as JSON escapes it (Henkil\\u00f6)."""
    assert personal_data_kinds("name=Testi Henkilö") == ["fixture name"]
    assert personal_data_kinds(json.dumps({"n": "Testi Kuvitteellinen Henkilö"})) == [
        "fixture name"
    ]


def test_ordinary_log_lines_are_not_flagged() -> None:
    """Timestamps, offsets, uuids, topic names and a code with a wrong check character pass."""
    wrong_check = CODE[:-1] + ("A" if CODE[-1] != "A" else "B")
    lines = [
        '{"timestamp": "2026-03-02T09:00:00.123456Z", "offset": 1234567890, "partition": 3}',
        "[2026-11-28 22:33:33,755] INFO [BrokerServer id=1] Transition to STARTED",
        "person_ref=3f2a9c1e-4b7d-4e21-9a55-120190a123b4 topic=t1a2b3c4d.tasks.county-13",
        f"looks like a code but is not: {wrong_check}",
    ]
    assert [personal_data_kinds(line) for line in lines] == [[], [], [], []]


def test_only_captured_stderr_and_log_sections_of_a_report_are_scanned() -> None:
    """A code in captured stderr is a finding; the same in captured stdout is program output."""
    report = pytest.TestReport(
        "tests/x.py::test_y",
        ("tests/x.py", 1, "test_y"),
        {},
        "passed",
        None,
        "call",
        sections=[("Captured stdout call", CODE), ("Captured stderr call", CODE)],
    )
    watch = PrivacyWatch()
    watch.check_report(report)
    assert [(f.where, f.kind) for f in watch.findings] == [
        ("tests/x.py::test_y (Captured stderr call)", "identity code")
    ]


def test_a_planted_code_in_a_log_file_is_found_by_line_without_repeating_it(
    tmp_path: Path,
) -> None:
    """File findings name the file and line; the summary never contains the code itself."""
    planted = tmp_path / "planted.txt"
    planted.write_text(f"first line\nworker said {CODE}\n")
    watch = PrivacyWatch()
    watch.check_files([planted])
    assert watch.summary() == [f"identity code in {planted}:2"]
    assert CODE not in "\n".join(watch.summary())


def test_worker_logs_are_scanned_and_kafka_segment_files_are_not() -> None:
    """`referral-0.log` is a log; a broker's `<offset>.log` holds the events themselves."""
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        (root / "referral-0.log").write_text("started\n")
        segment = root / "kafka" / "data" / "t1.inbound.prison-kuopion-0"
        segment.mkdir(parents=True)
        (segment / "00000000000000000000.log").write_bytes(CODE.encode())
        files = list(PrivacyWatch(roots=[root]).log_files())
    assert files == [root / "referral-0.log"]


def test_this_session_is_watched(request: pytest.FixtureRequest) -> None:
    """The plugin is registered and knows the session's temporary directory."""
    plugin = request.config.pluginmanager.get_plugin("jatkumo-privacy-watch")
    assert isinstance(plugin, PrivacyPlugin)
    assert plugin.watch.roots


CHILD_CONFTEST = """
from tests.support.log_privacy import PrivacyPlugin

def pytest_configure(config):
    config.pluginmanager.register(PrivacyPlugin(), "jatkumo-privacy-watch")
"""

CHILD_TEST = f"""
import logging

def test_logs_a_code():
    logging.getLogger("planted").warning("person %s", "{CODE}")

def test_writes_a_worker_log(tmp_path):
    (tmp_path / "referral-0.log").write_text("gate_failed Testi Henkilö\\n")
"""


def _clean_environment() -> dict[str, str]:
    """Only what a child interpreter needs: the caller's PYTEST_ADDOPTS, JATKUMO_* settings or
    broker address must not change the child session."""
    kept = {
        name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ
    }
    return {**kept, "PYTHONPATH": str(REPO)}


def test_the_child_session_ignores_the_callers_pytest_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PYTEST_ADDOPTS and JATKUMO_* settings of the caller do not reach the child pytest."""
    monkeypatch.setenv("PYTEST_ADDOPTS", "-x --no-such-option")
    monkeypatch.setenv("JATKUMO_NAMESPACE", "caller")
    env = _clean_environment()
    assert "PYTEST_ADDOPTS" not in env
    assert not [name for name in env if name.startswith("JATKUMO_")]
    assert env["PYTHONPATH"] == str(REPO)


def test_a_session_with_planted_personal_data_exits_non_zero() -> None:
    """A pytest run whose tests pass but log a code and write a name to a .log fails loudly."""
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        (root / "conftest.py").write_text(CHILD_CONFTEST)
        (root / "test_planted.py").write_text(CHILD_TEST)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--basetemp={root / 'tmp'}",
                str(root),
            ],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=_clean_environment(),
        )
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout
    assert "2 passed" in result.stdout
    assert "personal data in logs" in result.stdout
    assert "identity code in test_planted.py::test_logs_a_code (Captured log call)" in result.stdout
    assert "fixture name in" in result.stdout
    assert "referral-0.log:1" in result.stdout
    assert CODE not in result.stdout
