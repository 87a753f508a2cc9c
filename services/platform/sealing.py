"""Sealing: sensitive fields travel on internal topics only encrypted (Fernet, AES + HMAC).

Only the referral gate seals and only the workers that build tasks open; anyone else reading
`referral.intake` or `case-facts` sees an opaque token.
"""

import json

from cryptography.fernet import Fernet, InvalidToken


class SealError(ValueError):
    """A sealed token could not be opened with this key."""


class Sealer:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, fields: dict[str, str]) -> str:
        return self._fernet.encrypt(json.dumps(fields, sort_keys=True).encode()).decode("ascii")

    def open(self, token: str) -> dict[str, str]:
        try:
            opened = json.loads(self._fernet.decrypt(token.encode("ascii")))
        except (InvalidToken, ValueError) as error:
            raise SealError("sealed value cannot be opened") from error
        if not isinstance(opened, dict):
            raise SealError("sealed value is not a field map")
        return {str(k): str(v) for k, v in opened.items()}
