"""At a jump in a stream partition's offsets the consumer reads again from the first unread
offset instead of letting faust acknowledge messages no agent processed."""

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any, NamedTuple

import pytest

from services.platform.faust_patches import ordered_fetch, stall_watch


class TP(NamedTuple):
    topic: str
    partition: int


class Record:
    """A fetched message: its offset, and whether a stream acknowledged it."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.acked = False


STREAM = TP("ns.referral.intake", 0)
CHANGELOG = TP("jatkumo-ns-referral-referral-persons-changelog", 0)


class FakeConsumer:
    def __init__(self, last_read: int) -> None:
        self._read_offset = {STREAM: last_read, CHANGELOG: last_read}
        self.seeks: list[dict[Any, int]] = []
        self.app = SimpleNamespace(topics=SimpleNamespace(acks_enabled_for=lambda topic: True))
        self.log = SimpleNamespace(warning=lambda *a, **k: None)

    async def seek_wait(self, partitions: dict[Any, int]) -> None:
        self.seeks.append(partitions)


def _batch(tp: Any, offsets: list[int]) -> Any:
    async def records(self: Any, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
        for offset in offsets:
            yield tp, Record(offset)
            self._read_offset[tp] = offset  # faust's loop records the read after delivery

    return records


def _read(consumer: FakeConsumer) -> list[int]:
    async def collect() -> list[int]:
        return [m.offset async for _, m in ordered_fetch._getmany_in_order(consumer, 1.0)]

    return asyncio.run(collect())


def test_a_jump_in_a_stream_partition_seeks_back_and_skips_its_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Offsets 11, 12 then 20: 11 and 12 are handed over, then a seek back to 13, nothing more."""
    consumer = FakeConsumer(last_read=10)
    monkeypatch.setattr(ordered_fetch, "_original_getmany", _batch(STREAM, [11, 12, 20, 21]))
    assert _read(consumer) == [11, 12]
    assert consumer.seeks == [{STREAM: 13}]


def test_a_changelog_may_have_gaps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compacted changelogs have real gaps: their records pass as they are."""
    consumer = FakeConsumer(last_read=10)
    monkeypatch.setattr(ordered_fetch, "_original_getmany", _batch(CHANGELOG, [11, 20, 35]))
    assert _read(consumer) == [11, 20, 35]
    assert consumer.seeks == []


def test_consecutive_offsets_are_not_a_jump() -> None:
    """The next offset, or any offset before a first read, is in order."""
    assert not ordered_fetch.jumps_ahead(10, 11)
    assert not ordered_fetch.jumps_ahead(None, 500)
    assert ordered_fetch.jumps_ahead(10, 12)


def test_a_record_behind_the_last_read_offset_is_handed_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Offsets 5, 6, 7 after a last read of 9: all handed over, none dropped, no seek."""
    consumer = FakeConsumer(last_read=9)
    monkeypatch.setattr(ordered_fetch, "_original_getmany", _batch(STREAM, [5, 6, 7]))
    assert _read(consumer) == [5, 6, 7]
    assert consumer.seeks == []


def test_a_record_behind_resets_the_last_read_offset_to_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """faust keeps a record at or after the last read offset: the reset makes 5 such a record."""
    consumer = FakeConsumer(last_read=9)
    seen: list[int | None] = []

    async def records(self: Any, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
        yield STREAM, Record(5)
        seen.append(self._read_offset[STREAM])

    monkeypatch.setattr(ordered_fetch, "_original_getmany", records)
    _read(consumer)
    assert seen == [5]


def test_only_an_offset_below_the_last_read_one_went_back() -> None:
    """faust keeps offsets equal to the last read one (the first after a seek); below is a drop."""
    assert ordered_fetch.went_back(9, 8)
    assert not ordered_fetch.went_back(9, 9)
    assert not ordered_fetch.went_back(None, 0)


def test_a_jump_leaves_the_batch_of_other_partitions_flowing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A jump in one partition does not drop another partition's records of the same batch."""
    other = TP("ns.referral.intake", 1)
    consumer = FakeConsumer(last_read=10)
    consumer._read_offset[other] = 40
    interleaved = [(STREAM, 11), (STREAM, 20), (other, 41), (STREAM, 21), (other, 42)]

    async def records(self: Any, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
        for tp, offset in interleaved:
            yield tp, Record(offset)
            self._read_offset[tp] = offset

    monkeypatch.setattr(ordered_fetch, "_original_getmany", records)

    async def collect() -> list[tuple[int, int]]:
        return [
            (tp.partition, m.offset)
            async for tp, m in ordered_fetch._getmany_in_order(consumer, 1.0)
        ]

    assert asyncio.run(collect()) == [(0, 11), (1, 41), (1, 42)]
    assert consumer.seeks == [{STREAM: 12}]


def test_every_stream_record_handed_over_is_watched(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stall watch sees which stream messages are in flight; changelog records it skips."""
    consumer = FakeConsumer(last_read=10)
    records = [Record(11), Record(12)]

    async def fetched(self: Any, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
        for record in records:
            yield STREAM, record
            self._read_offset[STREAM] = record.offset
        yield CHANGELOG, Record(11)

    monkeypatch.setattr(ordered_fetch, "_original_getmany", fetched)
    _read(consumer)
    watched = stall_watch._watch(consumer).in_flight
    assert set(watched[STREAM]) == set(records)
    assert CHANGELOG not in watched


def test_no_gap_is_ever_acknowledged_in_a_stream_topic(monkeypatch: pytest.MonkeyPatch) -> None:
    """faust's gap bookkeeping is skipped for a stream topic and kept for a changelog."""
    gaps: list[tuple[str, int, int]] = []

    async def record_gap(self: Any, tp: Any, offset_from: int, offset_to: int) -> None:
        gaps.append((tp.topic, offset_from, offset_to))

    monkeypatch.setattr(ordered_fetch, "_original_add_gap", record_gap)
    consumer = FakeConsumer(last_read=10)
    asyncio.run(ordered_fetch._add_gap_unless_stream(consumer, STREAM, 11, 19))
    asyncio.run(ordered_fetch._add_gap_unless_stream(consumer, CHANGELOG, 11, 19))
    assert gaps == [(CHANGELOG.topic, 11, 19)]
