"""The Finnish personal identity code (henkilötunnus) and the pseudonymous person reference.

Format: DDMMYY + century sign + NNN + check character (decree 690/2022). The century sign is
part of the identity and is never normalised away; only case and surrounding space are.
"""

import hashlib
import hmac
from datetime import date
from enum import StrEnum

from services.core.organisations import AGENCY_CONTROLLER

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_SIGNS: dict[str, int] = {
    "+": 1800,
    "-": 1900,
    "Y": 1900,
    "X": 1900,
    "W": 1900,
    "V": 1900,
    "U": 1900,
    "A": 2000,
    "B": 2000,
    "C": 2000,
    "D": 2000,
    "E": 2000,
    "F": 2000,
}


class IdentityProblem(StrEnum):
    """What is wrong with a code, as a stable reason code a sender can act on."""

    MALFORMED = "identity_code_malformed"
    IMPOSSIBLE_DATE = "identity_code_impossible_date"
    BIRTH_IN_FUTURE = "identity_code_birth_in_future"
    CHECK_MISMATCH = "identity_code_check_mismatch"


class IdentityCodeError(ValueError):
    """The text is not a valid identity code. The message never repeats the code."""

    def __init__(self, problem: IdentityProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


def normalise(code: str) -> str:
    """Upper-case and strip surrounding white space; nothing else changes."""
    return code.strip().upper()


def check_character(nine_digits: str) -> str:
    """The check character for DDMMYYNNN."""
    return CHECK_CHARACTERS[int(nine_digits) % 31]


def validate(code: str, today: date | None = None) -> str:
    """Return the normalised code, or raise IdentityCodeError saying what is wrong.

    With `today`, a date of birth after it is refused: nobody is born in the future.
    """
    malformed, impossible = IdentityProblem.MALFORMED, IdentityProblem.IMPOSSIBLE_DATE
    text = normalise(code)
    if len(text) != 11:
        raise IdentityCodeError(malformed, "identity code must be 11 characters")
    day, month, year, sign, individual, check = (
        text[0:2],
        text[2:4],
        text[4:6],
        text[6],
        text[7:10],
        text[10],
    )
    digits = day + month + year + individual
    if not (digits.isascii() and digits.isdigit()):  # isdigit() alone accepts superscripts too
        raise IdentityCodeError(malformed, "identity code has non-digits where digits belong")
    if sign not in CENTURY_SIGNS:
        raise IdentityCodeError(malformed, "identity code has an unknown century sign")
    try:
        born = date(CENTURY_SIGNS[sign] + int(year), int(month), int(day))
    except ValueError as error:
        raise IdentityCodeError(
            impossible, "identity code has an impossible date of birth"
        ) from error
    if today is not None and born > today:
        raise IdentityCodeError(
            IdentityProblem.BIRTH_IN_FUTURE, "identity code has a date of birth in the future"
        )
    if int(individual) < 2:
        raise IdentityCodeError(malformed, "identity code has an individual number below 002")
    if check_character(day + month + year + individual) != check:
        raise IdentityCodeError(
            IdentityProblem.CHECK_MISMATCH, "identity code check character does not match"
        )
    return text


def is_temporary(code: str) -> bool:
    """Temporary codes use individual numbers 900-999. They are issued to real people by single
    organisations and are unique only within the controller that issued them."""
    return _temporary(validate(code))


def _temporary(valid: str) -> bool:
    return int(valid[7:10]) >= 900


def person_ref(code: str, secret: bytes, issuer: str = AGENCY_CONTROLLER) -> str:
    """The pseudonymous reference: keyed HMAC-SHA256 of the normalised, validated code.

    A temporary code is hashed together with its issuing controller (`issuer`: the Criminal
    Sanctions Agency for its prisons and offices, each county for itself), so the same
    temporary number issued by two controllers names two people, never one.
    """
    return pseudonym(validate(code), secret, issuer)[0]


def pseudonym(valid: str, secret: bytes, issuer: str = AGENCY_CONTROLLER) -> tuple[str, bool]:
    """`person_ref` of a code `validate` has already returned, and whether it is temporary:
    the gate validates once (with the day that bounds the birth date) and hashes that."""
    temporary = _temporary(valid)
    text = f"{issuer}:{valid}" if temporary else valid
    digest = hmac.digest(secret, text.encode("utf-8"), hashlib.sha256).hex()
    return "p-" + digest[:40], temporary
