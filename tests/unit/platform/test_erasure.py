"""Erasure's pure parts: the person's references, and where a topic partition may be cut."""

from services.platform.erasure import (
    Cut,
    PartitionFinding,
    aliases_of,
    cut_point,
    person_refs,
    plan_cut,
)

ALIASES = {"p2:newhash": "stable", "p2:otherhash": "someone-else"}


def test_cut_just_past_the_last_record_when_every_reader_is_past_it() -> None:
    """A partition is cut just past the person's last record once all readers committed past."""
    assert cut_point(41, [42, 90]) == (Cut.DELETED, 42)


def test_no_cut_while_a_reader_has_not_read_the_last_record() -> None:
    """A reader whose committed offset is at the person's last record blocks the cut."""
    assert cut_point(41, [41, 90]) == (Cut.UNREAD, None)


def test_no_cut_without_a_reader() -> None:
    """Without any committed offset nothing says the records were read: no cut."""
    assert cut_point(41, []) == (Cut.NO_READER, None)


def test_plan_cut_keeps_the_finding() -> None:
    """The planned cut names the partition it is for."""
    finding = PartitionFinding("ns.tasks.county-13", 1, 2, 7)
    planned = plan_cut(finding, [8])
    assert (planned.finding, planned.cut, planned.before) == (finding, Cut.DELETED, 8)


def test_person_refs_include_the_hash_and_earlier_aliases() -> None:
    """The stable ref, the current hash and each aliased hash are the person's."""
    assert person_refs("newhash", "stable", ALIASES) == {"newhash", "stable"}
    assert person_refs("h", "stable", {"p1:oldhash": "stable"}) == {"h", "stable", "oldhash"}


def test_aliases_of_the_person_only() -> None:
    """Only aliases that lead to the person are tombstoned."""
    assert aliases_of("stable", ALIASES) == ["p2:newhash"]
