"""The pure decisions of the referral service, in two stages.

1. `gate` admits a raw inbound event read from `inbound.<org>` (who sent it, may they, who is
   it about, does it make sense) and derives the pseudonymous `person_ref`.
2. `apply` decides the admitted, sanitised event against the person's case registry entry and
   returns the new `PersonState`, the `CaseFact`s to publish and the events to dead-letter;
   `expire_held` does the time-driven part on clock ticks.

Nothing here reads a clock or performs I/O: every function that needs the time takes `now`.
"""

from services.referral.gate import Admitted, GateResult, Rejection, gate
from services.referral.reasons import Reason
from services.referral.registry import apply, expire_held, held_until
from services.referral.state import (
    HeldEvent,
    Outcome,
    PersonState,
    ReferralSettings,
    RejectedEvent,
)

__all__ = [
    "Admitted",
    "GateResult",
    "HeldEvent",
    "Outcome",
    "PersonState",
    "Reason",
    "ReferralSettings",
    "RejectedEvent",
    "Rejection",
    "apply",
    "expire_held",
    "gate",
    "held_until",
]
