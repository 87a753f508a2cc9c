"""The benchmark harness still runs end to end (tiny replay; numbers are not checked)."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_bench_writes_a_table_with_all_four_runs(kafka_bootstrap: str, tmp_path: Path) -> None:
    """`python -m bench` on 200 events writes the table with rows (a), (b), (c) and (d)."""
    output = tmp_path / "performance.md"
    tiny = shlex.split("--events 200 --latency-events 60 --rate 50 --partitions 3 --timeout 240")
    result = subprocess.run(
        [sys.executable, "-m", "bench", *tiny, "--output", str(output)],
        cwd=REPO_ROOT,
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap},
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = output.read_text("utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| (")]
    assert [row[:5] for row in rows] == ["| (a)", "| (b)", "| (c)", "| (d)"]
    assert "p99" in table
