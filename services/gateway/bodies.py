"""JSON bodies derived from the core event models: the same fields as the Avro records, plus
`event_type` naming the record. A field added to a core model appears here by itself.
"""

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, TypeAdapter, create_model

from services.core.events import INBOUND_EVENT_TYPES, InboundEvent
from services.core.frozen import Frozen
from services.core.tasks import Task
from services.core.timeutil import Instant
from services.core.vocabulary import TaskStatus


def _body_model(event_type: type[InboundEvent]) -> type[InboundEvent]:
    name = event_type.__name__
    tag: Any = Literal[name]
    model: type[InboundEvent] = create_model(
        name,
        __base__=event_type,
        __module__=__name__,
        __doc__=f"A {name} event as JSON: the fields of the Avro record {name}.",
        event_type=(tag, Field(description="The record name of the event.")),
    )
    return model


BODY_MODELS: dict[str, type[InboundEvent]] = {
    event_type.__name__: _body_model(event_type) for event_type in INBOUND_EVENT_TYPES
}
CORE_MODELS: dict[str, type[InboundEvent]] = {t.__name__: t for t in INBOUND_EVENT_TYPES}

if TYPE_CHECKING:
    EventBody = InboundEvent
else:
    EventBody = Annotated[
        Union[tuple(BODY_MODELS.values())],  # noqa: UP007 - a union built from a tuple
        Field(discriminator="event_type"),
    ]
"""One inbound event of any type, told apart by `event_type`."""


def to_core(body: InboundEvent) -> InboundEvent:
    """The core event of a validated body (the type the catalogue encodes)."""
    core = CORE_MODELS[type(body).__name__]
    return core.model_validate(body.model_dump(exclude={"event_type"}))


@cache
def record_schema(record: str) -> dict[str, Any] | None:
    """The JSON Schema of one event body, by record name; None for an unknown record."""
    model = BODY_MODELS.get(record)
    if model is None:
        return None
    return TypeAdapter(model).json_schema(mode="validation")


class Accepted(Frozen):
    """The answer to a published event; a repeat of the same event id gets the same answer."""

    event_id: str
    event_type: str
    status: Literal["accepted"] = "accepted"
    receipt: str
    """Where the event's receipt will be found."""


class TaskPage(Frozen):
    """Tasks after a cursor, and the cursor to ask with next time."""

    tasks: list[Task]
    next: str
    """The position after the last task returned; pass it as `after` in the next poll."""


class StatusReport(Frozen):
    """A task's new status, as the recipient organisation reports it."""

    status: TaskStatus
    reason: Annotated[str | None, Field(max_length=500)] = None
    event_id: Annotated[str | None, Field(min_length=1, max_length=100)] = None
    """Chosen by the caller to make a retry a repeat; derived from task and status if unset."""
    occurred_at: Instant | None = None
    """When the status changed; the time of the report if unset."""


class Health(BaseModel):
    status: str
