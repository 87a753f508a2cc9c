"""Internal envelopes: an accepted inbound event re-keyed by person, and a clock tick."""

from pydantic import BaseModel, ConfigDict

from services.core.timeutil import Instant


class Origin(BaseModel):
    """Where a message was read, so a later rejection can point at the original."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: str
    partition: int
    offset: int


class Intake(BaseModel):
    """An inbound event that passed the gate, sanitised and keyed by `person_ref`.

    `event` is the event re-encoded without its sensitive fields; those travel only in `sealed`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_ref: str
    event_type: str
    event: bytes
    sealed: str | None = None
    origin: Origin
    received_at: Instant


class Tick(BaseModel):
    """Time passing for one person: lets due work run inside a keyed stream."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_ref: str
    now: Instant
