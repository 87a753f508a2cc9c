"""Receipts: what became of each inbound message, told to its sender on `receipts.<org>`.

Every message read from `inbound.<org>` gets exactly one final receipt (`accepted` or
`rejected`), preceded by a `held` receipt when it waits for its person's case. A receipt names
the message by `event_id`, or by its topic, partition and offset when no event id could be
read; it carries the outcome, the stable reason code and its detail (which names fields and
rules, never values), and the time. It carries no personal data.
"""

from enum import StrEnum

from services.core.frozen import Frozen
from services.core.ids import stable_id
from services.core.timeutil import Instant


class ReceiptOutcome(StrEnum):
    ACCEPTED = "accepted"
    HELD = "held"
    REJECTED = "rejected"


class Receipt(Frozen):
    """The sender's receipt for one inbound message (key: `event_id`, else the position)."""

    receipt_id: str
    org: str
    """The sending organisation: the organisation of the inbound topic the message was read from."""
    event_id: str | None = None
    """None when the message could not be read far enough to find its event id."""
    topic: str
    partition: int
    offset: int
    outcome: ReceiptOutcome
    final: bool
    """False only for `held`: a final `accepted` or `rejected` follows."""
    reason_code: str | None = None
    reason: str | None = None
    """Why a message was rejected, in words; names fields and rules, never values."""
    at: Instant


def receipt_key(event_id: str | None, topic: str, partition: int, offset: int) -> str:
    """The message key of a receipt: the event id, or `<topic>:<partition>:<offset>`."""
    return event_id if event_id is not None else f"{topic}:{partition}:{offset}"


def make_receipt(  # noqa: PLR0917 - one slot per field of the receipt
    org: str,
    event_id: str | None,
    topic: str,
    partition: int,
    offset: int,
    outcome: ReceiptOutcome,
    at: Instant,
    reason_code: str | None = None,
    reason: str | None = None,
) -> Receipt:
    """One receipt; its id is stable per message and outcome, so a redelivery repeats it."""
    subject = receipt_key(event_id, topic, partition, offset)
    return Receipt(
        receipt_id=stable_id("receipt", org, subject, outcome.value),
        org=org,
        event_id=event_id,
        topic=topic,
        partition=partition,
        offset=offset,
        outcome=outcome,
        final=outcome != ReceiptOutcome.HELD,
        reason_code=reason_code,
        reason=None if reason is None else reason[:500],
        at=at,
    )
