"""The long-poll cursor: the next offset to read in each partition of `tasks.<org>`.

Written `0:13,1:6` (partition:offset pairs); the empty string means the beginning.
"""

import re

from services.gateway.problems import ProblemError

_PAIR = re.compile(r"(\d{1,4}):(\d{1,19})")

Cursor = dict[int, int]


def parse(text: str | None) -> Cursor:
    """A cursor from its text; a 400 problem for anything that is not one."""
    if not text:
        return {}
    cursor: Cursor = {}
    for pair in text.split(","):
        match = _PAIR.fullmatch(pair)
        if match is None:
            raise ProblemError(
                "invalid-cursor",
                "Invalid cursor",
                400,
                "after must be a cursor returned as `next` by an earlier poll",
            )
        cursor[int(match.group(1))] = int(match.group(2))
    return cursor


def render(cursor: Cursor) -> str:
    return ",".join(f"{partition}:{offset}" for partition, offset in sorted(cursor.items()))


def advance(cursor: Cursor, partition: int, offset: int) -> Cursor:
    """The cursor after reading `offset` of `partition`."""
    return {**cursor, partition: max(cursor.get(partition, 0), offset + 1)}
