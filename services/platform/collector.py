"""The garbage collector's settings for a long-running worker process.

CPython's cyclic collector runs its youngest generation after every 700 net allocations of
container objects and, every ten of those, the next one. A worker allocates several hundred
such objects per message (models, dictionaries, futures), so the collector ran many times a
second, each time also walking the objects of every import and of the app itself, which live
as long as the process. Almost everything a message allocates is freed by reference counting
before any collection sees it; the collections only cost time.

`settle_collector` runs once, after the app is built: it collects what start-up left behind,
moves every object still alive out of the collector's sight (`gc.freeze`) and lets the
youngest generation grow to `YOUNG_GENERATION` objects before it is collected. Cycles are
still found and freed, only less often.
"""

import gc

YOUNG_GENERATION = 20_000
"""Net container allocations between collections of the youngest generation."""
OLDER_GENERATIONS = (10, 10)
"""Python's defaults: how many collections of one generation trigger the next."""


def settle_collector() -> None:
    """Collect start-up's garbage, freeze what lives on, and collect the young less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *OLDER_GENERATIONS)
