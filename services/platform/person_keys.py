"""Per-person data keys: what a person's sealed fields are sealed under, so they can be shredded.

Each person (`person_ref`) gets a random Fernet data key when the registry first seals
something of theirs. The key travels only wrapped (encrypted) under the sealing key ring, on the
compacted `keys.persons` topic keyed by `person_ref`; the workers that open personal data follow
that topic. Erasing the person tombstones the key, and everything sealed under it, on every
topic and changelog, no longer opens (crypto-shredding).

A token sealed under a person's key names the person whose key it needs:
`@<person_ref>:<Fernet token>`. Tokens sealed under the service-wide ring (`<key id>:<token>`,
written before per-person keys, and the gate's tokens on `referral.intake`) still open with the
ring. A rotation of the sealing ring re-wraps the data keys (`rewrap`); the tokens stay as they
are.
"""

from cryptography.fernet import Fernet, InvalidToken

from services.platform.keyring import KeyRing, KeyRingError

PERSON_MARK = "@"


class PersonKeyError(ValueError):
    """A wrapped key or a person's token that cannot be opened."""


def new_data_key() -> bytes:
    """A fresh random data key (Fernet: AES-128-CBC + HMAC-SHA256)."""
    return Fernet.generate_key()


def wrap(data_key: bytes, ring: KeyRing) -> str:
    """The data key sealed under the ring's newest key (what `keys.persons` carries)."""
    return ring.encrypt(data_key).decode("ascii")


def unwrap(wrapped: str, ring: KeyRing) -> bytes:
    try:
        return ring.decrypt(wrapped.encode("ascii"))
    except (KeyRingError, UnicodeEncodeError) as error:
        raise PersonKeyError("the data key opens under no key of the sealing ring") from error


def rewrap(wrapped: str, ring: KeyRing) -> str | None:
    """The data key wrapped under the ring's newest key, or None when it already is."""
    if ring.key_id_of(wrapped.encode("ascii")) == ring.newest_id:
        return None
    return wrap(unwrap(wrapped, ring), ring)


def person_of(token: str) -> str | None:
    """The `person_ref` whose data key a token needs, or None for a ring token."""
    if not token.startswith(PERSON_MARK):
        return None
    ref, sep, _ = token[len(PERSON_MARK) :].partition(":")
    return ref if sep and ref else None


def seal_with(person_ref: str, data_key: bytes, data: bytes) -> str:
    if not person_ref or ":" in person_ref:
        raise PersonKeyError("a person_ref is non-empty and without ':'")
    return f"{PERSON_MARK}{person_ref}:" + Fernet(data_key).encrypt(data).decode("ascii")


def open_with(token: str, data_key: bytes) -> bytes:
    if person_of(token) is None:
        raise PersonKeyError("not a person's token")
    _, _, body = token.partition(":")
    try:
        return Fernet(data_key).decrypt(body.encode("ascii"))
    except (InvalidToken, ValueError) as error:
        raise PersonKeyError("the token does not open under this data key") from error
