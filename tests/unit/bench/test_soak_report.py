"""The soak's report: what a completed and a cut-short replay say."""

import argparse

from bench.soak import MB, Sample, _opened, render
from bench.workload import generate
from services.core.events import CaseClosed, CustodyStarted


def _args(events: int, minutes: float | None = None) -> argparse.Namespace:
    return argparse.Namespace(
        events=events, minutes=minutes, store="rocksdb://", target_cases=100_000
    )


def _sample(events: int, cases: int, rss_mb: int) -> Sample:
    return Sample(
        events=events,
        cases=cases,
        seconds=events / 100,
        rss={"followup": rss_mb * MB, "referral": 100 * MB},
        state={"followup": 2 * rss_mb * MB, "referral": 5 * MB},
    )


def test_open_cases_count_custody_starts_less_closures() -> None:
    """A chunk's change in open cases is its custody starts minus its case closures."""
    chunk = generate(3000, seed=7).events
    starts = sum(isinstance(t.event, CustodyStarted) for t in chunk)
    closures = sum(isinstance(t.event, CaseClosed) for t in chunk)
    assert closures > 0
    assert _opened(chunk) == starts - closures


def test_completed_replay_reports_the_most_open_sample_and_peak_rss() -> None:
    """A finished replay names its store and gives RSS where the most cases were open."""
    samples = [_sample(1000, 50, 120), _sample(2000, 90, 150), _sample(3000, 70, 140)]
    block = render(samples, _args(3000), 95, {"followup": 160 * MB, "referral": 101 * MB}, [])
    assert "on the `rocksdb://` table store" in block
    assert "completed in" in block
    assert "| followup | 120 MB | 150 MB | 160 MB | 140 MB | 280 MB |" in block
    assert "extrapolated" not in block


def test_cut_short_replay_extrapolates_to_the_target() -> None:
    """A replay stopped by its budget extrapolates RSS growth per case to the target cases."""
    samples = [_sample(1000 * i, 1000 * i, 100 + i) for i in range(1, 5)]
    block = render(samples, _args(10_000, minutes=0.5), 9000, {}, ["--minutes", "0.5"])
    assert "stopped by the 0.5 min budget after 4,000 events" in block
    # 1 MB per 1,000 cases from 4,000 open cases to 100,000: 104 + 96 MB.
    assert "| followup | 1.0 MB | 200 MB |" in block


def test_curve_keeps_the_first_and_last_samples() -> None:
    """The RSS curve samples the run evenly and always shows where it began and ended."""
    samples = [_sample(100 * i, i, 100 + i) for i in range(1, 31)]
    block = render(samples, _args(3000), 30, {}, [])
    rows = [line for line in block.splitlines() if line[:3] in ("| 1", "| 2", "| 3")]
    assert rows[0].startswith("| 100 | 1 |")
    assert rows[-1].startswith("| 3,000 | 30 |")
    assert 10 <= len(rows) <= 13


def test_interrupted_replay_says_so() -> None:
    """A replay cut short without a budget reports where it was interrupted."""
    samples = [_sample(1000 * i, 1000 * i, 100 + i) for i in range(1, 5)]
    block = render(samples, _args(10_000), 9000, {}, [])
    assert "interrupted after 4,000 events" in block
