"""Synthetic people: valid identity codes from the temporary range (900-999) and test names."""

from datetime import date

from services.core.identity import CENTURY_SIGNS, check_character


def temporary_identity_code(birth: date, individual: int) -> str:
    """A valid code that can never be a real person's (individual number 900-999)."""
    if not 900 <= individual <= 999:
        raise ValueError("temporary codes use individual numbers 900-999")
    sign = next(s for s, c in CENTURY_SIGNS.items() if c == birth.year // 100 * 100)
    digits = f"{birth:%d%m%y}{individual:03d}"
    return f"{digits[:6]}{sign}{digits[6:]}{check_character(digits)}"


def synthetic_name(index: int) -> str:
    """An obviously made-up name: nobody is called 'Testi Henkilö 0042'."""
    return f"Testi Henkilö {index:04d}"
