"""Time types: every instant in the domain is timezone-aware."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must be timezone-aware")
    return value


Instant = Annotated[datetime, AfterValidator(_require_aware)]
"""A timezone-aware point in time (Avro: timestamp-micros)."""
