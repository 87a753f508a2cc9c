"""Erasure of one person: which references are theirs, and how far a topic may be cut.

Pure: the command (`jatkumo erase`) reads the topics and the consumer groups' committed
offsets, and asks here what it may do. Records cannot be rewritten one by one on a Kafka topic;
the only cut is DeleteRecords, which removes everything before an offset. So a partition is cut
just past the person's last record, and only when every group that reads it has committed past
that record (nothing unread is lost); otherwise the person's records stay until the topic's
retention ends, and the report says so.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Cut(StrEnum):
    DELETED = "deleted"
    """Every record before `before` is gone (the person's and, before them, others')."""
    NO_READER = "no_reader"
    """No consumer group has committed an offset there: kept until the topic's retention."""
    UNREAD = "unread"
    """A reader has not yet committed past the person's last record: kept until retention."""


@dataclass(frozen=True)
class PartitionFinding:
    """The person's records on one partition of a topic that carries clear identity."""

    topic: str
    partition: int
    records: int
    last_offset: int


@dataclass(frozen=True)
class PartitionCut:
    finding: PartitionFinding
    cut: Cut
    before: int | None = None
    """DeleteRecords' offset (everything below it goes), when the cut is `deleted`."""


def cut_point(last_offset: int, committed: Iterable[int]) -> tuple[Cut, int | None]:
    """Where a partition may be cut: just past the person's last record, once every reader's
    committed offset (the next offset it will read) is past it."""
    offsets = list(committed)
    if not offsets:
        return Cut.NO_READER, None
    if min(offsets) <= last_offset:
        return Cut.UNREAD, None
    return Cut.DELETED, last_offset + 1


def plan_cut(finding: PartitionFinding, committed: Iterable[int]) -> PartitionCut:
    cut, before = cut_point(finding.last_offset, committed)
    return PartitionCut(finding, cut, before)


def person_refs(hashed: str, stable: str, aliases: Mapping[str, str]) -> set[str]:
    """Every reference of the person: the stable one, the hash under the current key, and each
    hash of an earlier pseudonym key that is an alias of the stable one."""
    refs = {hashed, stable}
    refs.update(alias.partition(":")[2] for alias, ref in aliases.items() if ref == stable)
    return refs


def aliases_of(stable: str, aliases: Mapping[str, str]) -> list[str]:
    """The alias entries that lead to the person (to tombstone on `referral.pseudonyms`)."""
    return sorted(alias for alias, ref in aliases.items() if ref == stable)
