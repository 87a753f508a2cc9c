"""Work-arounds for faust-streaming and aiokafka, kept in one place and under guard.

Each module corrects one upstream behaviour of the versions named in `canary.WRITTEN_FOR`
(its docstring says which function and why). `canary.drift()` lists every difference between
the installed libraries and those the patches were written for; a unit test fails on any.

`JATKUMO_FAUST_PATCHES_DISABLED` (a comma-separated list of patch names, or `all`) turns
patches off. It exists for the tests that show each patch is needed: they run a worker with
its patch off and watch the failure the patch prevents. Never set it in a deployment.
"""

import os

PATCHES = (
    "ordered_fetch",
    "ack_guard",
    "gapless_commit",
    "stall_watch",
    "batch_acks",
    "idempotent_producer",
)
DISABLED_ENV = "JATKUMO_FAUST_PATCHES_DISABLED"


def disabled() -> frozenset[str]:
    """The patches switched off by `JATKUMO_FAUST_PATCHES_DISABLED` (unknown names refused)."""
    raw = os.environ.get(DISABLED_ENV, "")
    names = {name.strip() for name in raw.split(",") if name.strip()}
    if "all" in names:
        return frozenset(PATCHES)
    unknown = names - set(PATCHES)
    if unknown:
        raise ValueError(f"{DISABLED_ENV}: unknown patches {sorted(unknown)}; known: {PATCHES}")
    return frozenset(names)


def enabled(name: str) -> bool:
    return name not in disabled()


def install() -> None:
    """Patch faust once per process (every app of the process shares the patched classes)."""
    from services.platform.faust_patches import (  # noqa: PLC0415 - after the switch is read
        ack_guard,
        gapless_commit,
        ordered_fetch,
    )

    if enabled("ordered_fetch"):
        ordered_fetch.install()  # never commit past messages that no agent processed
    if enabled("ack_guard"):
        ack_guard.install()  # nor past messages a rebalance made the streams skip
    if enabled("gapless_commit"):
        gapless_commit.install()  # nor past any message left unacknowledged; read it again
