"""Load the versioned configuration files (sharing rules, service levels) at start-up."""

from pathlib import Path

from services.core.policy import SharingRules
from services.core.policy_rules import RulesError, default_rules, load_rules
from services.followup.levels import LevelsConfig, LevelsError, default_levels, load_levels


class ConfigError(RuntimeError):
    """A configuration file is missing or invalid; the message names the file and the problem."""


def sharing_rules(path: Path | None) -> SharingRules:
    if path is None:
        return default_rules()
    try:
        return load_rules(path.read_text("utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"sharing rules file not found: {path}") from error
    except RulesError as error:
        raise ConfigError(f"invalid sharing rules in {path}: {error}") from error


def service_levels(path: Path | None) -> LevelsConfig:
    if path is None:
        return default_levels()
    try:
        return load_levels(path.read_text("utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"service levels file not found: {path}") from error
    except LevelsError as error:
        raise ConfigError(f"invalid service levels in {path}: {error}") from error
