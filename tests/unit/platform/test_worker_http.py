"""A worker is ready only while its flow runs, it holds a stream partition and it is caught up."""

from services.platform.worker_http import PartitionLag, partition_lag, readiness


def _lags(*values: int | None) -> list[PartitionLag]:
    return [PartitionLag("ns.referral.intake", n, value) for n, value in enumerate(values)]


def test_a_caught_up_worker_is_ready() -> None:
    """Flow running, two partitions lagging 3 and 4 messages, bound 10: ready."""
    assert readiness(True, _lags(3, 4), 10).ready


def test_a_worker_behind_by_more_than_the_bound_is_not_ready() -> None:
    """A total lag of 11 against a bound of 10 is not ready, and the reason names the lag."""
    verdict = readiness(True, _lags(5, 6), 10)
    assert (verdict.ready, verdict.reason) == (False, "lag 11 above 10")


def test_a_rebalancing_worker_is_not_ready() -> None:
    """While the flow is stopped (a rebalance) the worker is not ready, however small its lag."""
    assert readiness(False, _lags(0), 10) == readiness(False, [], 10)
    assert not readiness(False, _lags(0), 10).ready


def test_a_worker_without_stream_partitions_is_not_ready() -> None:
    """No assignment yet means nothing is being processed."""
    assert readiness(True, [], 10).reason == "no stream partition assigned"


def test_an_unknown_end_offset_is_not_ready() -> None:
    """Before the first fetch the end offset, and so the lag, is unknown."""
    assert not readiness(True, _lags(0, None), 10).ready


def test_the_lag_counts_from_the_committed_offset_or_the_start() -> None:
    """End 10 with 7 committed lags 3; nothing committed lags 10; an unknown end is unknown."""
    assert [partition_lag(7, 10), partition_lag(None, 10), partition_lag(3, None)] == [3, 10, None]
