"""The worker's collector settings."""

import gc
import weakref
from collections.abc import Iterator

import pytest

from services.platform.collector import YOUNG_GENERATION, settle_collector


@pytest.fixture
def restored_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_collector")
def test_settling_freezes_what_lives_and_collects_the_young_less_often() -> None:
    """After settling, start-up's objects are frozen and the youngest generation is larger."""
    gc.unfreeze()
    settle_collector()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_GENERATION > 700


@pytest.mark.usefixtures("restored_collector")
def test_cycles_are_still_collected_after_settling() -> None:
    """A reference cycle made after settling is freed by the next collection."""
    settle_collector()

    class Node:
        partner: "Node"

    first, second = Node(), Node()
    first.partner, second.partner = second, first
    watched = weakref.ref(first)
    del first, second
    assert watched() is not None  # reference counting alone cannot free a cycle
    gc.collect()
    assert watched() is None
