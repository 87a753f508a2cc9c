"""Sealing: sensitive fields travel on internal topics only encrypted (Fernet, AES + HMAC).

Only the referral gate seals and only the workers that build tasks open; anyone else reading
`referral.intake` or `case-facts` sees an opaque token.
"""

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken


class SealError(ValueError):
    """A sealed token could not be opened with this key."""


class Sealer:
    def __init__(self, key: bytes, opened_kept: int = 4096) -> None:
        self._fernet = Fernet(key)
        self._open_token = lru_cache(maxsize=opened_kept)(self._open_token_uncached)
        """Every fact of a case carries the same tokens: each is decrypted once, not per fact."""

    def seal(self, fields: dict[str, str]) -> str:
        return self._fernet.encrypt(json.dumps(fields, sort_keys=True).encode()).decode("ascii")

    def open(self, token: str) -> dict[str, str]:
        return dict(self._open_token(token))

    def _open_token_uncached(self, token: str) -> dict[str, str]:
        try:
            opened = json.loads(self._fernet.decrypt(token.encode("ascii")))
        except (InvalidToken, ValueError) as error:
            raise SealError("sealed value cannot be opened") from error
        if not isinstance(opened, dict):
            raise SealError("sealed value is not a field map")
        return {str(k): str(v) for k, v in opened.items()}
