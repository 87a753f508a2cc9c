"""A person's `person_ref` stays the same when the pseudonym key is rotated.

`person_ref` is a keyed hash (HMAC-SHA256) of the identity code under the pseudonym key, which
only the referral gate (and the operator's subject-access and erasure commands) hold. A person
keeps the reference they were first given for good: organisations keep using it, and every
topic and table is keyed by it. Rotating the key would give the same code another hash, so the
rotation (`jatkumo keys rotate`) publishes, for every known person, an alias from the hash
under the new key to the person's stable reference on the compacted `referral.pseudonyms`
topic. The gate hashes a code under the current key and follows an alias when there is one;
people first seen after the rotation simply keep their hash under the new key.

An alias is keyed `<key id>:<hash>`, so the aliases of successive keys never mix.
"""

from collections.abc import Iterable, Mapping

from services.core import identity


def alias_key(key_id: str, hashed_ref: str) -> str:
    return f"{key_id}:{hashed_ref}"


def stable_ref(hashed_ref: str, key_id: str, aliases: Mapping[str, str]) -> str:
    """The person's stable reference for a hash under the key `key_id`."""
    return aliases.get(alias_key(key_id, hashed_ref), hashed_ref)


def aliases_for(
    people: Iterable[tuple[str, str]], new_secret: bytes, new_key_id: str
) -> dict[str, str]:
    """Alias entries for (stable person_ref, identity code) pairs under a new key.

    A person whose hash under the new key is their stable reference needs no alias."""
    entries: dict[str, str] = {}
    for ref, code in people:
        hashed = identity.person_ref(code, new_secret)
        if hashed != ref:
            entries[alias_key(new_key_id, hashed)] = ref
    return entries
