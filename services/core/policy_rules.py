"""The sharing rules: which bases besides consent exist, as versioned configuration.

A rules file names two kinds of basis (consent is the third and lives in the case's ledger):

- the SHL 35 § 2 mom. notification without consent (Social Welfare Act 1301/2014, 35 §; 1 mom.
  as amended by 416/2023): made when consent cannot be obtained and the person is evidently
  unable to take care of their own care, health or safety (or a child's interest requires it).
  It lets the *responsible* wellbeing county receive the minimum it needs to act on the
  notification: who, where, when released, the stated non-health need and its urgency. The
  file may narrow that minimum but never widen it: health, offence, free text or anything else
  is refused. A contact *with* consent (35 § 1 mom.) is no basis of its own: it rests on the
  consent alone.
- named regional agreements that counties have signed: for persons whose responsible county
  signed, the listed categories may go to the listed recipients for the listed purposes. An
  agreement is not a law: client data is secret (client data act 703/2023 4 §) and may be
  disclosed only with the client's consent or where a law provides (6 §). So an agreement may
  carry only the operational release facts (`release_schedule`, `placement`); a file that lists
  identity, health, offence or social-welfare client data for an agreement is refused.

Offence information is never shared by this service, whatever a consent or an agreement says;
a rules file that grants it is refused at start-up.
"""

from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.core.organisations import OrgKind, default_registry
from services.core.vocabulary import Category

NEVER_SHARED = frozenset({Category.OFFENCE})
"""Categories no basis can open."""

SHL35_MINIMUM = frozenset(
    {Category.IDENTITY, Category.PLACEMENT, Category.RELEASE_SCHEDULE, Category.NEEDS}
)
"""The most a 35 § 2 mom. notification may carry: who, where, when released, the stated
non-health needs and their urgency."""

AGREEMENT_CATEGORIES = frozenset({Category.RELEASE_SCHEDULE, Category.PLACEMENT})
"""The only categories a regional agreement may carry (703/2023 4 § and 6 §)."""

SHL35_REF = "SHL 1301/2014 35 § 2 mom."

DEFAULT_RULES_FILE = "sharing-rules.yaml"


class Purpose(StrEnum):
    """Why a task is sent; a consent or an agreement must cover the task's purpose."""

    RELEASE_PLANNING = "release_planning"
    SUPERVISION = "supervision"
    REFERRAL_FEEDBACK = "referral_feedback"
    CONSENT_REVOCATION = "consent_revocation"


def normalise_purpose(text: str) -> str:
    """Compare purposes as tokens: `Release planning` and `release-planning` are the same."""
    return "_".join(text.strip().lower().replace("-", " ").split())


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Shl35Rule(_Rule):
    categories: list[Category] = Field(
        default_factory=lambda: [
            Category.IDENTITY,
            Category.PLACEMENT,
            Category.RELEASE_SCHEDULE,
            Category.NEEDS,
        ]
    )

    @field_validator("categories")
    @classmethod
    def _minimum_only(cls, value: list[Category]) -> list[Category]:
        forbidden = sorted(c.value for c in set(value) - SHL35_MINIMUM)
        if forbidden:
            raise ValueError(f"the SHL §35 minimum never includes {', '.join(forbidden)}")
        return value


class RegionalAgreement(_Rule):
    name: str = Field(min_length=1)
    areas: list[str] = Field(min_length=1)
    """County organisation codes (`county-NN`) that signed."""
    recipient_kinds: list[OrgKind] = Field(default_factory=list)
    recipient_orgs: list[str] = Field(default_factory=list)
    categories: list[Category] = Field(min_length=1)
    purposes: list[Purpose] = Field(min_length=1)

    @field_validator("categories")
    @classmethod
    def _operational_only(cls, value: list[Category]) -> list[Category]:
        if NEVER_SHARED & set(value):
            raise ValueError("offence information is never shared; remove 'offence'")
        forbidden = sorted(c.value for c in set(value) - AGREEMENT_CATEGORIES)
        if forbidden:
            raise ValueError(
                f"an agreement is not a law (703/2023 6 §): it cannot open {', '.join(forbidden)}"
            )
        return value

    @field_validator("areas")
    @classmethod
    def _counties_only(cls, value: list[str]) -> list[str]:
        registry = default_registry()
        for code in value:
            org = registry.get(code)
            if org is None or org.kind != OrgKind.COUNTY:
                raise ValueError(f"'{code}' is not a wellbeing county code (county-NN)")
        return value

    @field_validator("recipient_orgs")
    @classmethod
    def _known_orgs(cls, value: list[str]) -> list[str]:
        registry = default_registry()
        unknown = [code for code in value if registry.get(code) is None]
        if unknown:
            raise ValueError(f"unknown organisation {', '.join(unknown)}")
        return value

    @model_validator(mode="after")
    def _has_recipients(self) -> "RegionalAgreement":
        if not self.recipient_kinds and not self.recipient_orgs:
            raise ValueError("an agreement needs recipient_kinds or recipient_orgs")
        return self

    def covers_recipient(self, recipient_org: str) -> bool:
        if recipient_org in self.recipient_orgs:
            return True
        org = default_registry().get(recipient_org)
        return org is not None and org.kind in self.recipient_kinds


class SharingRules(_Rule):
    version: str = Field(min_length=1)
    """Cited in every disclosure record, so a disclosure can be judged by the rules of its day."""
    shl35_notification: Shl35Rule = Field(default_factory=Shl35Rule)
    regional_agreements: list[RegionalAgreement] = Field(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        """YAML reads `version: 3` or `version: 2026-11-01` as a number or a date."""
        return value if value is None or isinstance(value, str) else str(value)

    @model_validator(mode="after")
    def _unique_names(self) -> "SharingRules":
        names = [a.name for a in self.regional_agreements]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate agreement name {', '.join(duplicates)}")
        return self


class RulesError(ValueError):
    """A rules file that must not be used; the message names the problem and where it is."""


def _where(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "rules"


def _describe(error: Any) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "missing":
        return f"missing field '{_where(loc)}'"
    if kind == "extra_forbidden":
        return f"unknown field '{_where(loc)}'"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        what = "category" if "categories" in loc else "value"
        return f"unknown {what} {error['input']!r} at '{_where(loc)}'; expected {expected}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{_where(loc)}: {message}"


def load_rules(text: str) -> SharingRules:
    """Parse and validate a YAML rules file; raise `RulesError` naming every problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesError(f"sharing rules are not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise RulesError("sharing rules must be a YAML mapping with at least 'version'")
    try:
        return SharingRules.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise RulesError(f"invalid sharing rules: {problems}") from exc


@cache
def default_rules() -> SharingRules:
    """The rules file shipped with the package."""
    text = resources.files("services.core").joinpath("data", DEFAULT_RULES_FILE).read_text("utf-8")
    return load_rules(text)
