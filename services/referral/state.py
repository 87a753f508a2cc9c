"""What the registry keeps per person, its settings, and what one decision returns.

Everything here is a frozen pydantic model that round-trips through JSON, so the stream shell
can keep `PersonState` in a table keyed by `person_ref`.
"""

from datetime import timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field

from services.core.case import CaseState
from services.core.envelopes import Origin
from services.core.events import INBOUND_EVENT_TYPES, InboundEvent
from services.core.facts import CaseFact
from services.core.frozen import Frozen
from services.core.organisations import Registry, default_registry
from services.core.timeutil import Instant

EVENT_TYPES: dict[str, type[InboundEvent]] = {cls.__name__: cls for cls in INBOUND_EVENT_TYPES}


class Awaiting(StrEnum):
    CASE = "case"
    """The event arrived before its person had a case."""
    CONSENT = "consent"
    """A contact with consent arrived before the consent it rests on."""


class HeldEvent(Frozen):
    """A sanitised event waiting for its case, or a contact with consent waiting for its
    consent (which another organisation may record a little later)."""

    event_id: str
    event_type: str
    event: dict[str, Any]
    """The sanitised event as JSON-compatible data (`model_dump(mode="json")`)."""
    sealed: str | None = None
    origin: Origin
    held_at: Instant
    awaiting: Awaiting = Awaiting.CASE

    @classmethod
    def of(
        cls,
        event: InboundEvent,
        sealed: str | None,
        origin: Origin,
        held_at: Instant,
        awaiting: Awaiting = Awaiting.CASE,
    ) -> "HeldEvent":
        return cls.build(
            event_id=event.event_id,
            event_type=type(event).__name__,
            event=event.model_dump(mode="json"),
            sealed=sealed,
            origin=origin,
            held_at=held_at,
            awaiting=awaiting,
        )

    def waiting_for_consent(self, since: Instant) -> "HeldEvent":
        return self.model_copy(update={"awaiting": Awaiting.CONSENT, "held_at": since})

    def restore(self) -> InboundEvent:
        return EVENT_TYPES[self.event_type].model_validate(self.event)


class PersonState(Frozen):
    """One person's case registry entry.

    `case` is the current case. A closed case stays here, with status `closed`, until a new
    CustodyStarted replaces it, so late events for it can be told apart (`case_closed`) from
    events that arrived before any case (held). `closed_case_ids` lists the person's earlier
    cases: closed ones, and released ones that a new custody period superseded.
    """

    person_ref: str
    case: CaseState | None = None
    closed_case_ids: list[str] = Field(default_factory=list)
    seen_event_ids: list[str] = Field(default_factory=list)
    """Event ids with a final disposition (accepted or dead-lettered), the most recent only."""
    held: list[HeldEvent] = Field(default_factory=list)


class ReferralSettings(Frozen):
    hold_timeout: timedelta = timedelta(days=7)
    """How long an event may wait for its case before it is dead-lettered (`held_too_long`)."""
    consent_timeout: timedelta = timedelta(days=1)
    """How long a contact with consent may wait for its consent (`consent_missing`)."""
    seen_limit: int = Field(default=2000, gt=0)
    """How many recent event ids each person remembers for deduplication."""
    max_held: int = Field(default=1000, gt=0)
    """How many events may wait for one person's case; more are dead-lettered (`hold_full`)."""
    registry: Registry = Field(default_factory=default_registry)
    """The organisation registry the gate checks against; one settings object serves both."""


class RejectedEvent(Frozen):
    """An event the registry dead-letters, with what the DLQ needs to point at the original."""

    reason_code: str
    detail: str
    event_id: str
    event_type: str
    event: dict[str, Any]
    sealed: str | None = None
    origin: Origin
    was_held: bool = False
    """True when the event had been held: it was counted as held when it arrived."""


class Outcome(Frozen):
    """What one call decided.

    Accounting, for the event given to `apply`: exactly one of `accepted` (duplicates
    included), `held == 1`, or a rejection with `was_held=False`. Events that leave the hold
    later are counted by `released` (applied) or by a rejection with `was_held=True`, never
    again as received. So over a stream: received = accepted + held + dead-lettered at arrival,
    and held = released + dead-lettered from the hold + still held.
    """

    state: PersonState
    facts: list[CaseFact] = Field(default_factory=list)
    rejections: list[RejectedEvent] = Field(default_factory=list)
    held: int = 0
    released: int = 0
    accepted: bool = False
    duplicate: bool = False
