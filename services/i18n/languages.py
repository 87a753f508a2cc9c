"""Which language a person reads: from the browser's Accept-Language, or the CLI's environment."""

from collections.abc import Mapping
from typing import Literal

Language = Literal["fi", "sv", "en"]
LANGUAGES: tuple[Language, ...] = ("fi", "sv", "en")
VIEW_DEFAULT: Language = "fi"
"""The operators' working language: the operator view speaks Finnish unless asked otherwise."""
CLI_DEFAULT: Language = "en"
"""The `C`/`POSIX` locale of a bare shell is English, so the CLI's default is too."""
CLI_VARIABLES = ("JATKUMO_LANG", "LC_ALL", "LC_MESSAGES", "LANG")
"""The CLI's precedence: the project's own variable, then POSIX order (LC_ALL over LANG)."""


def supported(tag: str | None) -> Language | None:
    """The language of a tag such as `sv-FI`, `fi_FI.UTF-8` or `EN`; None when not ours."""
    if not tag:
        return None
    primary = tag.strip().split(".")[0].replace("_", "-").split("-")[0].lower()
    for language in LANGUAGES:
        if primary == language:
            return language
    return None


def _weight(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def from_accept_language(header: str | None) -> Language | None:
    """The most wanted of our languages in an Accept-Language header (RFC 9110 q-values)."""
    ranked: list[tuple[float, int, Language]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, *parameters = item.split(";")
        language = supported(tag)
        weight = _weight(parameters)
        if language is not None and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else None


def from_environment(environ: Mapping[str, str]) -> Language:
    """The CLI's language: JATKUMO_LANG, then LC_ALL, LC_MESSAGES, LANG; English otherwise.

    The first variable that is set decides, as in POSIX: `LC_ALL=C` means English even when
    LANG is Finnish. Only JATKUMO_LANG falls through when it names no language of ours.
    """
    chosen = supported(environ.get("JATKUMO_LANG"))
    if chosen is not None:
        return chosen
    for name in CLI_VARIABLES[1:]:
        value = environ.get(name)
        if value:
            return supported(value) or CLI_DEFAULT
    return CLI_DEFAULT


LANGUAGE_NAMES: dict[Language, str] = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
"""Each language's own name (the same in every language, so never translated)."""
