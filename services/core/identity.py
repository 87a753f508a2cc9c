"""The Finnish personal identity code (henkilötunnus) and the pseudonymous person reference.

Format: DDMMYY + century sign + NNN + check character (decree 690/2022). The century sign is
part of the identity and is never normalised away; only case and surrounding space are.
"""

import hashlib
import hmac
from datetime import date

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_SIGNS: dict[str, int] = {
    "+": 1800,
    "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900,
    "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000,
}


class IdentityCodeError(ValueError):
    """The text is not a valid identity code. The message never repeats the code."""


def normalise(code: str) -> str:
    """Upper-case and strip surrounding white space; nothing else changes."""
    return code.strip().upper()


def check_character(nine_digits: str) -> str:
    """The check character for DDMMYYNNN."""
    return CHECK_CHARACTERS[int(nine_digits) % 31]


def validate(code: str) -> str:
    """Return the normalised code, or raise IdentityCodeError saying what is wrong."""
    text = normalise(code)
    if len(text) != 11:
        raise IdentityCodeError("identity code must be 11 characters")
    day, month, year, sign, individual, check = (
        text[0:2], text[2:4], text[4:6], text[6], text[7:10], text[10],
    )
    digits = day + month + year + individual
    if not (digits.isascii() and digits.isdigit()):  # isdigit() alone accepts superscripts too
        raise IdentityCodeError("identity code has non-digits where digits belong")
    if sign not in CENTURY_SIGNS:
        raise IdentityCodeError("identity code has an unknown century sign")
    try:
        date(CENTURY_SIGNS[sign] + int(year), int(month), int(day))
    except ValueError as error:
        raise IdentityCodeError("identity code has an impossible date of birth") from error
    if int(individual) < 2:
        raise IdentityCodeError("identity code has an individual number below 002")
    if check_character(day + month + year + individual) != check:
        raise IdentityCodeError("identity code check character does not match")
    return text


def is_temporary(code: str) -> bool:
    """Temporary codes use individual numbers 900-999 and never belong to a real person."""
    return int(validate(code)[7:10]) >= 900


def person_ref(code: str, secret: bytes) -> str:
    """The pseudonymous reference: keyed HMAC-SHA256 of the normalised, validated code."""
    digest = hmac.digest(secret, validate(code).encode("ascii"), hashlib.sha256).hex()
    return "p-" + digest[:40]
