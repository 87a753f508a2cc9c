"""Internal envelopes: an accepted inbound event re-keyed by person, and a clock tick."""

from services.core.frozen import Frozen
from services.core.timeutil import Instant


class Origin(Frozen):
    """Where a message was read, so a later rejection can point at the original."""

    topic: str
    partition: int
    offset: int


class Intake(Frozen):
    """An inbound event that passed the gate, sanitised and keyed by `person_ref`.

    `event` is the event re-encoded without its sensitive fields; those travel only in `sealed`.
    """

    person_ref: str
    event_type: str
    event: bytes
    sealed: str | None = None
    origin: Origin
    received_at: Instant
    identity_temporary: bool = False
    """The gate named the person by a temporary identity code (see `CaseState`)."""


class Tick(Frozen):
    """Time passing for one person: lets due work run inside a keyed stream."""

    person_ref: str
    now: Instant
