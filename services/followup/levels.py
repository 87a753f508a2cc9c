"""Service levels: the thresholds of the broken-service-path rules, per wellbeing county.

`ServiceLevels` holds one complete set with documented national defaults; `LevelsConfig` holds
the defaults plus partial overrides for individual counties (`county-NN`), and
`LevelsConfig.for_area` gives the levels that apply to a case's responsible area. The shipped
configuration is `services/followup/data/service-levels.yaml` (`default_levels()`).

"Working days" exclude weekends and Finnish holidays (`services.core.calendar`); "days" are
calendar days in Europe/Helsinki.
"""

import re
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

_COUNTY_KEY = re.compile(r"^county-\d{2}$")


class ServiceLevels(BaseModel):
    """One complete set of thresholds; every default is the national default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    referral_ack_working_days: int = Field(
        default=3, ge=0, description="A referral is acknowledged within N working days."
    )
    assessment_lead_days: int = Field(
        default=30, ge=0, description="The assessment has started N days before release."
    )
    named_worker_by_release: bool = Field(
        default=True, description="A named worker is assigned by the day of release."
    )
    client_plan_days: int = Field(
        default=14, ge=0, description="A client plan is agreed within N days after release."
    )
    first_meeting_working_days: int = Field(
        default=5, ge=0, description="The first meeting is within N working days after release."
    )
    task_accept_working_days: int = Field(
        default=2, ge=0, description="A task is accepted within N working days of receipt."
    )
    contact_vacancy_working_days: int = Field(
        default=5, ge=0, description="A contact person's post stays vacant at most N working days."
    )
    contact_lost_days: int = Field(
        default=30, ge=1, description="After release, N days without any event is lost contact."
    )
    release_near_days: int = Field(
        default=14,
        ge=0,
        description="Release is near N days before it (no-contact alert, release_imminent).",
    )
    followup_checkpoints: tuple[int, ...] = Field(
        default=(7, 30, 90), description="Follow-up checks N days after release."
    )
    plan_review_lead_days: int = Field(
        default=7, ge=0, description="The plan review reminder goes N days before the review."
    )
    release_moved_min_lead_days: int = Field(
        default=30,
        ge=0,
        description="A release moved earlier needs at least N days of lead time.",
    )
    release_plan_lead_working_days: int = Field(
        default=20,
        ge=0,
        description="A long sentence has a release plan N working days before release.",
    )
    invitation_answer_working_days: int = Field(
        default=5,
        ge=0,
        description="An SHL 41 § request with no answer date is answered within N working days.",
    )

    @model_validator(mode="after")
    def _checkpoints_sorted(self) -> "ServiceLevels":
        points = self.followup_checkpoints
        if any(p < 0 for p in points) or list(points) != sorted(set(points)):
            raise ValueError("followup_checkpoints must be distinct, ascending and not negative")
        return self


class LevelsError(ValueError):
    """The service-level configuration is not valid; the message says where and why."""


class LevelsConfig(BaseModel):
    """National defaults and per-county partial overrides (`county-NN` -> changed fields)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    defaults: ServiceLevels = Field(default_factory=ServiceLevels)
    overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    _resolved: dict[str, ServiceLevels] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _resolve_overrides(self) -> "LevelsConfig":
        resolved: dict[str, ServiceLevels] = {}
        for area, changes in self.overrides.items():
            if not _COUNTY_KEY.match(area):
                raise ValueError(f"override key {area!r} is not a county code like 'county-13'")
            try:
                resolved[area] = ServiceLevels.model_validate(
                    {**self.defaults.model_dump(), **changes}
                )
            except ValidationError as exc:
                raise ValueError(f"override for {area}: {_describe(exc)}") from None
        self._resolved = resolved
        return self

    def for_area(self, area: str | None) -> ServiceLevels:
        """The levels for a responsible area; the defaults when it has no override or is None."""
        if area is None:
            return self.defaults
        # Read the private field directly: `self._resolved` goes through pydantic's slow
        # `__getattr__`, and this runs on every fact and tick.
        resolved: dict[str, ServiceLevels] = (self.__pydantic_private__ or {})["_resolved"]
        return resolved.get(area, self.defaults)


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}"
        for err in exc.errors()
    )


def load_levels(text: str) -> LevelsConfig:
    """Parse YAML text (`defaults:` and `overrides:` mappings) into a validated config.

    Raises `LevelsError` naming the offending key for YAML syntax errors, a wrong shape,
    unknown fields, invalid values and malformed county keys.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LevelsError(f"service levels are not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise LevelsError("service levels must be a mapping with 'defaults' and 'overrides'")
    data.pop("version", None)
    if data.get("overrides") is None:
        data.pop("overrides", None)
    if data.get("defaults") is None:
        data.pop("defaults", None)
    try:
        return LevelsConfig.model_validate(data)
    except ValidationError as exc:
        raise LevelsError(f"invalid service levels: {_describe(exc)}") from None


@cache
def default_levels() -> LevelsConfig:
    """The configuration shipped with the package (`data/service-levels.yaml`)."""
    text = resources.files("services.followup").joinpath("data", "service-levels.yaml")
    return load_levels(text.read_text("utf-8"))
