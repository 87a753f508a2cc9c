"""Load the versioned configuration files (sharing rules, service levels) at start-up.

The platform knows how to read and report on a file; each service passes its own parser
(`services.followup.levels.load_levels`, ...), so the platform imports no service.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from services.core.policy import SharingRules
from services.core.policy_rules import RulesError, default_rules, load_rules

T = TypeVar("T")


class ConfigError(RuntimeError):
    """A configuration file is missing or invalid; the message names the file and the problem."""


def config_file(
    path: Path | None,
    what: str,
    default: Callable[[], T],
    parse: Callable[[str], T],
    invalid: type[Exception],
) -> T:
    """The parsed file at `path`, or `default()` when none is given; `invalid` is the parser's
    error for a file that does not hold a valid configuration."""
    if path is None:
        return default()
    try:
        return parse(path.read_text("utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"{what} file not found: {path}") from error
    except invalid as error:
        raise ConfigError(f"invalid {what} in {path}: {error}") from error


def sharing_rules(path: Path | None) -> SharingRules:
    return config_file(path, "sharing rules", default_rules, load_rules, RulesError)
