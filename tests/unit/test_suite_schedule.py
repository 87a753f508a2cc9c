"""How `make test` spreads the suite over its xdist workers (tests/support/xdist_schedule.py)."""

import subprocess
import sys
from pathlib import Path

from tests.support.xdist_schedule import SLOW_FILES, SLOW_GROUP, SlowRunsTogether

REPO = Path(__file__).resolve().parents[2]


def test_the_slow_files_are_the_files_marked_slow() -> None:
    """The scheduler's list of slow files is exactly the files whose tests are marked `slow`."""
    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-m",
            "slow",
            "-p",
            "no:cacheprovider",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    marked = {line.split("::", 1)[0] for line in listed.splitlines() if "::" in line}
    assert marked == SLOW_FILES


def test_every_slow_file_is_one_unit_of_work() -> None:
    """The slow files share one unit of work; any other file is a unit of its own."""
    scheduler = SlowRunsTogether.__new__(SlowRunsTogether)
    scopes = {scheduler._split_scope(f"{path}::test_x") for path in SLOW_FILES}
    assert scopes == {SLOW_GROUP}
    other = "tests/unit/test_pins.py"
    assert scheduler._split_scope(f"{other}::test_a[x]") == other
