"""Sealing: sensitive fields travel on internal topics only encrypted (Fernet, AES + HMAC).

Only the referral service seals and only the workers that build tasks open; anyone else reading
`referral.intake` or `case-facts` sees an opaque token. The gate seals under the service-wide
key ring (`services.platform.keyring`): a token names the key id it was sealed under, so tokens
sealed before a rotation still open after it. The registry seals each person's fields again
under the person's own data key (`services.platform.person_keys`), which erasure destroys; the
sealer opens those with the wrapped keys it is given (`person_keys`, followed from
`keys.persons`), and not at all once a person's key is gone.
"""

import json
from collections.abc import Mapping
from functools import lru_cache

from services.platform import person_keys
from services.platform.keyring import KeyRing, KeyRingError
from services.platform.person_keys import PersonKeyError


class SealError(ValueError):
    """A sealed token could not be opened with this key."""


class Sealer:
    def __init__(
        self,
        key: bytes | KeyRing,
        opened_kept: int = 4096,
        person_keys: Mapping[str, str] | None = None,
    ) -> None:
        self.ring = key if isinstance(key, KeyRing) else KeyRing((("s0", key),))
        self.person_keys: Mapping[str, str] = person_keys if person_keys is not None else {}
        """Wrapped data keys by `person_ref` (a follower's live view of `keys.persons`)."""
        self._open_token = lru_cache(maxsize=opened_kept)(self._open_token_uncached)
        """Every fact of a case carries the same tokens: each is decrypted once, not per fact.
        A person's token is cached with the wrapped key it opened under, so it stops opening
        as soon as that key is erased."""
        self._unwrap = lru_cache(maxsize=opened_kept)(self._unwrap_uncached)

    def seal(self, fields: dict[str, str]) -> str:
        """Sealed under the service-wide ring (the gate, before the person is known)."""
        return self.ring.encrypt(_encode(fields)).decode("ascii")

    def seal_for(self, person_ref: str, wrapped_key: str, fields: dict[str, str]) -> str:
        """Sealed under the person's data key (given wrapped under the ring)."""
        return person_keys.seal_with(person_ref, self._unwrap(wrapped_key), _encode(fields))

    def reseal_for(self, person_ref: str, wrapped_key: str, token: str) -> str:
        """A ring token's fields sealed again under the person's data key."""
        return self.seal_for(person_ref, wrapped_key, self.open(token))

    def open(self, token: str) -> dict[str, str]:
        ref = person_keys.person_of(token)
        wrapped = "" if ref is None else self.person_keys.get(ref)
        if wrapped is None:
            raise SealError("the person's data key is gone (erased) or not yet known")
        return dict(self._open_token(token, wrapped))

    def _unwrap_uncached(self, wrapped: str) -> bytes:
        try:
            return person_keys.unwrap(wrapped, self.ring)
        except PersonKeyError as error:
            raise SealError("the person's data key cannot be unwrapped") from error

    def _open_token_uncached(self, token: str, wrapped: str) -> dict[str, str]:
        try:
            if wrapped:
                data = person_keys.open_with(token, self._unwrap(wrapped))
            else:
                data = self.ring.decrypt(token.encode("ascii"))
            opened = json.loads(data)
        except (KeyRingError, PersonKeyError, ValueError) as error:
            raise SealError("sealed value cannot be opened") from error
        if not isinstance(opened, dict):
            raise SealError("sealed value is not a field map")
        return {str(k): str(v) for k, v in opened.items()}


def _encode(fields: dict[str, str]) -> bytes:
    return json.dumps(fields, sort_keys=True).encode()
