"""Sealing: sensitive fields travel on internal topics only encrypted (Fernet, AES + HMAC).

Only the referral gate seals and only the workers that build tasks open; anyone else reading
`referral.intake` or `case-facts` sees an opaque token. The sealer holds a key ring
(`services.platform.keyring`): it seals under the newest key, and a token names the key id it
was sealed under, so tokens sealed before a rotation still open after it.
"""

import json
from functools import lru_cache

from services.platform.keyring import KeyRing, KeyRingError


class SealError(ValueError):
    """A sealed token could not be opened with this key."""


class Sealer:
    def __init__(self, key: bytes | KeyRing, opened_kept: int = 4096) -> None:
        self.ring = key if isinstance(key, KeyRing) else KeyRing((("s0", key),))
        self._open_token = lru_cache(maxsize=opened_kept)(self._open_token_uncached)
        """Every fact of a case carries the same tokens: each is decrypted once, not per fact."""

    def seal(self, fields: dict[str, str]) -> str:
        return self.ring.encrypt(json.dumps(fields, sort_keys=True).encode()).decode("ascii")

    def open(self, token: str) -> dict[str, str]:
        return dict(self._open_token(token))

    def _open_token_uncached(self, token: str) -> dict[str, str]:
        try:
            opened = json.loads(self.ring.decrypt(token.encode("ascii")))
        except (KeyRingError, ValueError) as error:
            raise SealError("sealed value cannot be opened") from error
        if not isinstance(opened, dict):
            raise SealError("sealed value is not a field map")
        return {str(k): str(v) for k, v in opened.items()}
