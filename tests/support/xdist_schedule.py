"""How `make test` spreads the test files over its pytest-xdist workers.

Each test file is one unit of work, so its module fixtures (a pipeline, a demo) are made once.
The long runs are one unit together: one worker takes them one after another while the other
works through everything else. Two of them side by side on a two-core machine (a fault run with
six worker processes and a broker of its own beside a three-node cluster run) starve each
other's workers; the rest of the suite waits on brokers and processes far more than it computes.
"""

from xdist.scheduler import LoadFileScheduling

SLOW_FILES = frozenset(
    {
        "tests/integration/test_bad_input.py",
        "tests/integration/test_bench_smoke.py",
        "tests/integration/test_cluster_faults.py",
        "tests/integration/test_faults.py",
    }
)
"""The files marked `slow` (a unit test keeps the two alike). The controller that schedules
sees test ids only, not markers."""
SLOW_GROUP = "slow"


def file_of(nodeid: str) -> str:
    """The test file of a test id."""
    return nodeid.split("::", 1)[0]


class SlowRunsTogether(LoadFileScheduling):  # type: ignore[misc]
    """`--dist loadfile`, but with every slow file in one unit of work."""

    def _split_scope(self, nodeid: str) -> str:
        path = file_of(nodeid)
        return SLOW_GROUP if path in SLOW_FILES else path
