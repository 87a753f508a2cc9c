"""Handover thresholds and the working-day calendar they count in."""

from collections.abc import Callable
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.core import calendar


class HandoverSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    release_preparation_lead_days: int = Field(default=90, ge=0)
    """Release preparation is due this many days before release."""
    short_sentence_days: int = Field(default=60, ge=1)
    """A sentence shorter than this gets an immediate contact instead of release preparation."""
    urgent_remaining_days: int = Field(default=30, ge=0)
    """A release moved earlier is urgent when at most this many days remain."""
    first_meeting_working_days: int = Field(default=5, ge=0)
    """After release, the county's first meeting is due within this many working days."""
    short_sentence_working_days: int = Field(default=1, ge=0)
    """A short-sentence contact is due this many working days from now (the next working day)."""
    referral_working_days: int = Field(default=3, ge=0)
    """A referral is to be acknowledged within this many working days (short sentences: the
    short-sentence contact's working days)."""
    notice_working_days: int = Field(default=1, ge=0)
    """Notices, briefings, feedback and revocations are due within this many working days."""
    assign_successor_working_days: int = Field(default=3, ge=0)
    invitation_working_days: int = Field(default=5, ge=0)
    """A cooperation request or meeting invitation is to be answered within this many."""
    add_working_days: Callable[[date, int], date] = calendar.add_working_days
    """`(start, n) -> date`: Finland's working days by default; injectable for area calendars."""
