"""Hypothesis strategies derived from the pydantic models' annotations."""

import types
import typing
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12
)
_INSTANT = st.datetimes(  # hypothesis takes naive bounds and adds the zone itself
    min_value=datetime(1990, 1, 1),  # noqa: DTZ001
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
_DATE = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))


def for_annotation(annotation: Any) -> st.SearchStrategy[Any]:
    """A strategy for any annotation used in the contract models."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return for_annotation(args[0])
    if isinstance(annotation, types.UnionType) or origin is typing.Union:
        return st.one_of(*(for_annotation(arg) for arg in args))
    if origin is list:
        return st.lists(for_annotation(args[0]), max_size=3)
    if origin is dict:
        return st.dictionaries(for_annotation(args[0]), for_annotation(args[1]), max_size=3)
    if annotation is type(None):
        return st.none()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return for_model(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from(list(annotation))
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: _TEXT,
        int: st.integers(min_value=-(2**62), max_value=2**62),
        bool: st.booleans(),
        bytes: st.binary(max_size=16),
        datetime: _INSTANT,
        date: _DATE,
    }
    return simple[annotation]


def for_model(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    fields = {name: for_annotation(info.annotation) for name, info in model.model_fields.items()}
    return st.fixed_dictionaries(fields).map(model.model_validate)
