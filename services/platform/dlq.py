"""Dead letters: the original bytes with where they came from and why they were refused."""

from datetime import datetime

from services.core.ids import stable_id
from services.core.records import DeadLetter


def dead_letter(
    stage: str,
    reason_code: str,
    detail: str,
    *,
    topic: str,
    partition: int,
    offset: int,
    original: bytes,
    original_key: bytes | None,
    at: datetime,
) -> DeadLetter:
    """One dead letter; the id is stable so a redelivered message dead-letters idempotently."""
    return DeadLetter(
        dead_letter_id=stable_id("dlq", stage, topic, partition, offset, reason_code),
        stage=stage,
        reason_code=reason_code,
        detail=detail[:500],
        topic=topic,
        partition=partition,
        offset=offset,
        original=original,
        original_key=original_key,
        at=at,
    )
