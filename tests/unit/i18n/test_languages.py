"""Choosing the language: Accept-Language for the operator view, the environment for the CLI."""

import pytest

from services.i18n.languages import from_accept_language, from_environment, supported
from services.operator.page import choose_language


@pytest.mark.parametrize(
    ("tag", "language"),
    [("fi", "fi"), ("sv-FI", "sv"), ("fi_FI.UTF-8", "fi"), ("EN-gb", "en"), ("de-DE", None)],
)
def test_a_tag_names_its_language(tag: str, language: str | None) -> None:
    """Region, encoding and case do not matter; other languages are not ours."""
    assert supported(tag) == language


def test_accept_language_takes_the_most_wanted_of_ours() -> None:
    """q-values decide, languages we lack are skipped, q=0 refuses a language."""
    assert from_accept_language("de-DE, sv-FI;q=0.8, fi;q=0.9") == "fi"
    assert from_accept_language("en;q=0, sv;q=0.1") == "sv"
    assert from_accept_language("de, fr") is None
    assert from_accept_language(None) is None


def test_the_view_prefers_the_switch_then_the_cookie_then_the_browser() -> None:
    """`?lang=` beats the remembered cookie, which beats Accept-Language; Finnish otherwise."""
    assert choose_language("en", "sv", "fi") == "en"
    assert choose_language(None, "sv", "en-GB") == "sv"
    assert choose_language(None, None, "sv-FI,en;q=0.5") == "sv"
    assert choose_language(None, "xx", "de") == "fi"


def test_the_cli_follows_jatkumo_lang_before_the_locale() -> None:
    """JATKUMO_LANG wins over LANG and LC_ALL."""
    assert from_environment({"JATKUMO_LANG": "sv", "LANG": "fi_FI.UTF-8"}) == "sv"
    assert from_environment({"JATKUMO_LANG": "sv", "LC_ALL": "fi_FI.UTF-8"}) == "sv"


def test_the_cli_reads_the_posix_locale_in_its_order() -> None:
    """LC_ALL over LC_MESSAGES over LANG; the C locale and nothing at all mean English."""
    assert from_environment({"LANG": "fi_FI.UTF-8"}) == "fi"
    assert from_environment({"LC_ALL": "sv_FI.UTF-8", "LANG": "fi_FI.UTF-8"}) == "sv"
    assert from_environment({"LC_MESSAGES": "fi_FI.UTF-8", "LANG": "sv_FI.UTF-8"}) == "fi"
    assert from_environment({"LC_ALL": "C", "LANG": "fi_FI.UTF-8"}) == "en"
    assert from_environment({"LANG": "C.UTF-8"}) == "en"
    assert from_environment({}) == "en"
