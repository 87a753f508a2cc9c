"""What to simulate: how many people over how many days, and the mix of their situations."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.core.vocabulary import ReleaseType, SentenceType

DEFAULT_SENTENCE_MIX: dict[SentenceType, float] = {
    SentenceType.LONG_TERM: 0.45,
    SentenceType.SHORT_TERM: 0.25,
    SentenceType.FINE_CONVERSION: 0.15,
    SentenceType.REMAND: 0.15,
}
"""Sentence types of the people in custody (fine conversion and remand fall through most)."""

DEFAULT_RELEASE_MIX: dict[ReleaseType, float] = {
    ReleaseType.CONDITIONAL_RELEASE: 0.6,
    ReleaseType.END_OF_SENTENCE: 0.28,
    ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM: 0.12,
}
"""Release types of sentenced prisoners; remand ends as `remand_ended`, fine conversion at the
end of the sentence, and only long sentences can end in supervised probationary freedom."""


def _normalised(mix: Mapping[Any, float]) -> dict[str, float]:
    total = sum(mix.values())
    if total <= 0 or any(share < 0 for share in mix.values()):
        raise ValueError("a mix needs non-negative shares that add up to more than zero")
    return {str(key): share / total for key, share in mix.items()}


class SimulationConfig(BaseModel):
    """The defaults, a year of 300 people, take about a minute with the services on two cores."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 7
    days: int = Field(default=365, ge=1, le=3660)
    people: int = Field(default=300, ge=1, le=100_000)
    start: date = date(2026, 1, 5)
    """The first simulated day (a Monday). People already in custody are onboarded then."""
    sentence_mix: dict[SentenceType, float] = Field(
        default_factory=lambda: dict(DEFAULT_SENTENCE_MIX)
    )
    release_mix: dict[ReleaseType, float] = Field(default_factory=lambda: dict(DEFAULT_RELEASE_MIX))
    consent_rate: float = Field(default=0.6, ge=0, le=1)
    """Share of people who consent to sharing for release planning."""
    notification_rate: float = Field(default=0.7, ge=0, le=1)
    """Share of people without consent whom staff notify anyway (SHL §35 notification)."""
    withdrawal_rate: float = Field(default=0.07, ge=0, le=1)
    transfer_rate: float = Field(default=0.12, ge=0, le=1)
    """Share of long-term prisoners transferred to another prison during the sentence."""
    moving_rate: float = Field(default=0.08, ge=0, le=1)
    """Share of people released to a municipality of another wellbeing county."""
    aland_rate: float = Field(default=0.01, ge=0, le=1)
    unknown_municipality_rate: float = Field(default=0.01, ge=0, le=1)
    release_moved_earlier_rate: float = Field(default=0.1, ge=0, le=1)
    release_moved_later_rate: float = Field(default=0.08, ge=0, le=1)
    case_worker_churn_rate: float = Field(default=0.2, ge=0, le=1)
    named_worker_churn_rate: float = Field(default=0.12, ge=0, le=1)
    ngo_churn_rate: float = Field(default=0.2, ge=0, le=1)

    @field_validator("sentence_mix", "release_mix")
    @classmethod
    def _valid_mix(cls, mix: dict[str, float]) -> dict[str, float]:
        _normalised(mix)
        return mix

    def sentence_shares(self) -> dict[SentenceType, float]:
        return {SentenceType(k): v for k, v in _normalised(self.sentence_mix).items()}

    def release_shares(self) -> dict[ReleaseType, float]:
        return {ReleaseType(k): v for k, v in _normalised(self.release_mix).items()}


def parse_mix(text: str) -> dict[str, float]:
    """`long_term=0.5,remand=0.2` -> {"long_term": 0.5, "remand": 0.2}."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"expected name=share, got {part!r}")
        mix[name.strip()] = float(value)
    return mix
