"""The base of the domain's immutable models, with two fast paths for the pure decisions.

Validation belongs at the edges (decoding a message, loading a file, a test building input).
Inside a decision every value already has its model type, so re-validating it on each copy or
construction only costs time:

- `model_copy(update=...)` copies the field dictionary and applies the update, as pydantic's
  does, without pydantic's general machinery (private attributes, `extra="allow"`).
- `build(**values)` makes an instance from values that are already of the field types, filling
  defaults like validation would. It does not check or convert anything: pass an enum member
  to an enum field, a tuple to a tuple field, a model to a model field. Unknown or missing
  required fields still raise `TypeError`, so a typo fails loudly.

Both keep what pydantic keeps: field order (the JSON field order), `model_fields_set`, equality
and hashing. A model built or copied this way serialises exactly like a validated one.
"""

from collections.abc import Callable, Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

_new = object.__new__
_REQUIRED = object()
# The four slots every pydantic model has, set through their descriptors: cheaper than
# `object.__setattr__`, which looks each one up on the type first.
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class _Spec:
    """Per model class: every field in order with its default, and what build must fill."""

    __slots__ = ("factories", "required", "size", "template")

    def __init__(self, cls: type[BaseModel]) -> None:
        self.template: dict[str, Any] = {}
        self.factories: list[tuple[str, Callable[[], Any]]] = []
        required: list[str] = []
        for name, info in cls.__pydantic_fields__.items():
            factory = info.default_factory
            if isinstance(factory, type) and issubclass(factory, Frozen):
                factory = factory.build  # an all-default frozen model needs no validation
            if factory is not None:
                self.template[name] = _REQUIRED
                self.factories.append((name, factory))  # type: ignore[arg-type]
            elif info.is_required():
                self.template[name] = _REQUIRED
                required.append(name)
            else:
                self.template[name] = info.default
        self.required = frozenset(required)
        self.size = len(self.template)


_SPECS: dict[type[BaseModel], _Spec] = {}


def _spec(cls: type[BaseModel]) -> _Spec:
    spec = _SPECS[cls] = _Spec(cls)
    return spec


def _misfit(cls: type[BaseModel], spec: _Spec, values: Mapping[str, Any]) -> str:
    unknown = sorted(values.keys() - spec.template.keys())
    if unknown:
        return f"{cls.__name__} has no field {', '.join(unknown)}"
    return f"{cls.__name__} needs {', '.join(sorted(spec.required - values.keys()))}"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def build(cls, **values: Any) -> Self:
        """An instance from already-typed values, without validation (see the module doc)."""
        spec = _SPECS.get(cls) or _spec(cls)
        fields = spec.template | values
        if len(fields) != spec.size or not spec.required.issubset(values):
            raise TypeError(_misfit(cls, spec, values))
        for name, factory in spec.factories:
            if name not in values:
                fields[name] = factory()
        model = _new(cls)
        _set_dict(model, fields)
        _set_fields_set(model, set(values))
        _set_extra(model, None)
        _set_private(model, None)
        return model

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Pydantic's shallow `model_copy`, without its general (and slow) machinery."""
        if deep:
            return super().model_copy(update=update, deep=deep)
        copied = _new(type(self))
        fields = self.__dict__.copy()
        if update:
            fields.update(update)
            fields_set = self.__pydantic_fields_set__ | update.keys()
        else:
            fields_set = set(self.__pydantic_fields_set__)
        _set_dict(copied, fields)
        _set_fields_set(copied, fields_set)
        _set_extra(copied, None)
        _set_private(copied, None)
        return copied
