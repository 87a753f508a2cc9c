"""The wire contract: which models are Avro records, and their schemas derived from the models.

The pydantic models in `services.core` are the one source of truth. `jatkumo schemas generate`
writes each record's schema to `schemas/avro/<Record>/v<N>.avsc`, adding a version only when
the derived schema changed; earlier versions are kept so old messages stay readable.
"""

import json
import types
import typing
from typing import Any

import py_avro_schema as pas
from pydantic import BaseModel

from services.core.envelopes import Intake, Tick
from services.core.events import INBOUND_EVENT_TYPES
from services.core.facts import CaseFact
from services.core.receipts import Receipt
from services.core.records import ActionRecord, Alert, DeadLetter, DisclosureRecord, Erasure
from services.core.tasks import Task

NAMESPACE = "fi.jatkumo.v1"

RECORDS: tuple[type[BaseModel], ...] = (
    *INBOUND_EVENT_TYPES,
    Intake,
    Tick,
    CaseFact,
    Task,
    DisclosureRecord,
    Alert,
    DeadLetter,
    Receipt,
    ActionRecord,
    Erasure,
)

_OPTIONS = pas.Option.NO_DOC | pas.Option.NO_AUTO_NAMESPACE


def _nested_models(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from `model` through its field annotations, by class name."""
    found: dict[str, type[BaseModel]] = {}
    pending: list[Any] = [model]
    while pending:
        annotation = pending.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation.__name__ in found:
                continue
            found[annotation.__name__] = annotation
            pending.extend(info.annotation for info in annotation.model_fields.values())
        elif isinstance(annotation, types.UnionType) or typing.get_origin(annotation):
            pending.extend(typing.get_args(annotation))
    return found


def _annotate(schema: Any, models: dict[str, type[BaseModel]]) -> None:
    """Copy `category` and `sensitive` field metadata from the models into the schema."""
    if isinstance(schema, list):
        for item in schema:
            _annotate(item, models)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "record" and schema.get("name") in models:
        model_fields = models[schema["name"]].model_fields
        for field in schema["fields"]:
            extra = model_fields[field["name"]].json_schema_extra
            if isinstance(extra, dict):
                for key in ("category", "sensitive"):
                    if key in extra:
                        field[key] = extra[key]
            _annotate(field["type"], models)
    for key in ("type", "items", "values"):
        if key in schema and not isinstance(schema[key], str):
            _annotate(schema[key], models)


def derive_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The Avro schema of a model, as a JSON-ready dict."""
    schema: dict[str, Any] = json.loads(pas.generate(model, namespace=NAMESPACE, options=_OPTIONS))
    _annotate(schema, _nested_models(model))
    return schema


def record_name(model: type[BaseModel]) -> str:
    return model.__name__
