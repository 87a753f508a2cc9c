"""Handover: case facts become tasks for the organisation that must act next, through the
information-sharing policy. `decide` is pure; the stream shell feeds it and publishes."""

from services.handover.decide import HandoverOutcome, decide
from services.handover.settings import HandoverSettings
from services.handover.state import HandoverState, IssuedRef

__all__ = [
    "HandoverOutcome",
    "HandoverSettings",
    "HandoverState",
    "IssuedRef",
    "decide",
]
