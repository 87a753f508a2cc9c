"""How a service's per-person state is stored in its table: compressed JSON.

The memory store keeps every person's state in the worker's heap and every change of it goes to
the table's changelog, so the stored form sets both the worker's memory and the changelog's
size. The state models' JSON is repetitive (field names, organisation codes, sealed tokens of the
same case) and compresses to about half with zlib at its fastest level, which costs a few
microseconds against the tens that parsing the JSON costs.
"""

import zlib
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

LEVEL = 1


def pack(state: BaseModel) -> bytes:
    """The stored form of a state."""
    return zlib.compress(state.model_dump_json().encode(), LEVEL)


def unpacker(model: type[M]) -> Callable[[bytes], M]:
    """A reader of the stored form for `model`."""

    def unpack(stored: bytes) -> M:
        return model.model_validate_json(zlib.decompress(stored))

    return unpack
