"""A pytest plugin that fails the session when personal data reaches a log.

It scans what the test run logged (each test's captured log records and stderr, where
structlog writes) and, at the end, every `*.log` file under the session's temporary directory:
the worker logs of `tests.support.pipeline.Pipeline`, broker and operator logs among them.
It looks for identity codes (with a valid check character, so timestamps and ids do not
trigger it) and for the synthetic names of the fixtures. A finding names where, never what.
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.core.identity import check_character

IDENTITY_CODE = re.compile(
    r"(?<![0-9A-Za-z])([0-3]\d[01]\d\d\d)[-+A-FU-Y](\d{3})([0-9A-Y])(?![0-9A-Za-z])"
)
FIXTURE_NAMES = ("Testi Henkilö", "Testi Testinen", "Testi Kuvitteellinen Henkilö")
SYNTHETIC_NAME = re.compile(r"\bTesti [A-ZÅÄÖ]")
"""Every synthetic full name in the fixtures starts with `Testi `; JSON logs escape the rest."""
KAFKA_SEGMENT = re.compile(r"\d{20}\.log")
"""A test broker's data files end in `.log` too: they hold the events themselves (identity
codes of inbound events, original bytes on the DLQ), not log lines."""
SCANNED_SECTIONS = ("stderr", "log")
"""Captured stdout is program output (a county's task view may show a name), not a log."""


def _json_escaped(text: str) -> str:
    return json.dumps(text)[1:-1]


NAME_FORMS = tuple({form for name in FIXTURE_NAMES for form in (name, _json_escaped(name))})


def personal_data_kinds(text: str) -> list[str]:
    """Which kinds of personal data the text holds: 'identity code', 'fixture name', or none."""
    kinds = []
    if any(check_character(m[1] + m[2]) == m[3] for m in IDENTITY_CODE.finditer(text)):
        kinds.append("identity code")
    if SYNTHETIC_NAME.search(text) or any(form in text for form in NAME_FORMS):
        kinds.append("fixture name")
    return kinds


@dataclass(frozen=True)
class Finding:
    where: str
    kind: str


@dataclass
class PrivacyWatch:
    """Collects findings from test reports and log files; the pytest hooks drive it."""

    findings: list[Finding] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)

    def check(self, text: str, where: str) -> None:
        self.findings.extend(Finding(where, kind) for kind in personal_data_kinds(text))

    def check_report(self, report: pytest.TestReport) -> None:
        for title, content in report.sections:
            if any(word in title for word in SCANNED_SECTIONS):
                self.check(content, f"{report.nodeid} ({title})")

    def check_files(self, paths: Iterable[Path]) -> None:
        for path in paths:
            with path.open(encoding="utf-8", errors="replace") as lines:
                for number, line in enumerate(lines, start=1):
                    self.check(line, f"{path}:{number}")

    def log_files(self) -> Iterator[Path]:
        for root in self.roots:
            yield from (
                path
                for path in sorted(root.rglob("*.log"))
                if path.is_file() and not KAFKA_SEGMENT.fullmatch(path.name)
            )

    def summary(self, limit: int = 20) -> list[str]:
        lines = [f"{f.kind} in {f.where}" for f in self.findings[:limit]]
        if len(self.findings) > limit:
            lines.append(f"... and {len(self.findings) - limit} more")
        return lines


class PrivacyPlugin:
    """Registered by tests/conftest.py for every session."""

    def __init__(self) -> None:
        self.watch = PrivacyWatch()

    @pytest.fixture(scope="session", autouse=True)
    def _privacy_watch_temporary_root(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        """Remember the session's temporary directory: the worker logs are written under it."""
        self.watch.roots.append(tmp_path_factory.getbasetemp())

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.watch.check_report(report)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.watch.check_files(self.watch.log_files())
        if not self.watch.findings:
            return
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_sep("!", "personal data in logs", red=True, bold=True)
            for line in self.watch.summary():
                reporter.write_line(line, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
