"""Identity codes accept ASCII digits only: other Unicode digits are refused, never crash."""

from datetime import date

import pytest

from services.core import identity
from tests.support.people import temporary_identity_code

CODE = temporary_identity_code(date(1990, 1, 1), 900)


def _with_digits(code: str, zero: str) -> str:
    """The same code with its digits written in another script's digits (same values)."""
    return "".join(chr(ord(zero) + int(c)) if c.isdigit() else c for c in code[:10]) + code[10]


@pytest.mark.parametrize(
    "zero", ["\u0660", "\uff10", "\u0966"], ids=["arabic-indic", "full-width", "devanagari"]
)
def test_other_scripts_digits_are_not_a_valid_code(zero: str) -> None:
    """A code in Arabic-Indic, full-width or Devanagari digits is an IdentityCodeError."""
    with pytest.raises(identity.IdentityCodeError):
        identity.person_ref(_with_digits(CODE, zero), b"secret")


@pytest.mark.parametrize("code", ["010190-9²0A", "²¹0190-900A"])
def test_superscript_digits_are_not_a_valid_code(code: str) -> None:
    """Digits that `int()` cannot read give an IdentityCodeError, not a ValueError."""
    with pytest.raises(identity.IdentityCodeError):
        identity.validate(code)
