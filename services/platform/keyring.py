"""Key rings: named Fernet keys, so a key can be replaced without losing what it sealed.

A token sealed by a ring names its key: `<key id>:<Fernet token>`. New data is sealed under the
ring's newest key; a token opens under whichever key of the ring it names. Tokens written
before key ids existed (a bare Fernet token) open under any key of the ring.
"""

import base64
import hashlib
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

SEPARATOR = ":"


class KeyRingError(ValueError):
    """A token that no key of the ring opens, or a ring that cannot be built."""


def derive_key(purpose: str, secret: str) -> bytes:
    """A Fernet key from a secret of any length: SHA-256 of `<purpose>:<secret>`, base64."""
    digest = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


def parse_previous(text: str) -> list[tuple[str, str]]:
    """`id=secret,id=secret` (newest first) of a `*_previous` setting; blanks ignored."""
    pairs: list[tuple[str, str]] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        key_id, sep, secret = item.partition("=")
        if not sep or not key_id.strip() or not secret:
            raise KeyRingError("previous keys are written as id=secret, separated by commas")
        pairs.append((key_id.strip(), secret))
    return pairs


@dataclass(frozen=True)
class KeyRing:
    """Named keys, newest first."""

    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self) -> None:
        ids = [key_id for key_id, _ in self.keys]
        if not ids:
            raise KeyRingError("a key ring needs at least one key")
        if len(set(ids)) != len(ids) or any(SEPARATOR in i or not i for i in ids):
            raise KeyRingError("key ids must be unique, non-empty and without ':'")

    @classmethod
    def from_secrets(
        cls, purpose: str, newest: tuple[str, str], previous: list[tuple[str, str]] | None = None
    ) -> "KeyRing":
        """A ring from (id, secret) pairs, the newest first; keys derived for `purpose`."""
        pairs = [newest, *(previous or [])]
        return cls(tuple((key_id, derive_key(purpose, secret)) for key_id, secret in pairs))

    @property
    def newest_id(self) -> str:
        return self.keys[0][0]

    def ids(self) -> list[str]:
        return [key_id for key_id, _ in self.keys]

    def encrypt(self, data: bytes) -> bytes:
        key_id, key = self.keys[0]
        return f"{key_id}{SEPARATOR}".encode() + Fernet(key).encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        key_id, sep, body = token.partition(SEPARATOR.encode())
        named = dict(self.keys).get(key_id.decode("ascii", "replace")) if sep else None
        try:
            if named is not None:
                return Fernet(named).decrypt(body)
            return MultiFernet([Fernet(key) for _, key in self.keys]).decrypt(token)
        except (InvalidToken, ValueError) as error:
            raise KeyRingError("the token opens under no key of this ring") from error

    def key_id_of(self, token: bytes) -> str | None:
        """The key id a token names, or None for a bare (pre-key-id) token."""
        key_id, sep, _ = token.partition(SEPARATOR.encode())
        return key_id.decode("ascii", "replace") if sep else None

    def reseal(self, token: bytes) -> bytes:
        """The same data sealed under the newest key (after a rotation)."""
        return self.encrypt(self.decrypt(token))
