"""Pseudonym aliases: a hash under a rotated key leads to the person's stable reference."""

from services.core import identity
from services.referral.pseudonyms import alias_key, aliases_for, stable_ref
from tests.unit.referral.builders import CODE, OTHER_CODE

OLD, NEW = b"old pseudonym key", b"new pseudonym key"


def test_a_known_person_gets_an_alias_to_their_stable_ref() -> None:
    """Under the new key the code hashes elsewhere; the alias leads back to the old ref."""
    stable = identity.person_ref(CODE, OLD)
    aliases = aliases_for([(stable, CODE)], NEW, "p2")
    assert stable_ref(identity.person_ref(CODE, NEW), "p2", aliases) == stable


def test_a_person_first_seen_after_the_rotation_keeps_their_new_hash() -> None:
    """Without an alias the hash under the current key is the reference."""
    aliases = aliases_for([(identity.person_ref(CODE, OLD), CODE)], NEW, "p2")
    fresh = identity.person_ref(OTHER_CODE, NEW)
    assert stable_ref(fresh, "p2", aliases) == fresh


def test_aliases_of_one_key_id_do_not_apply_under_another() -> None:
    """An alias is keyed by its key id: a later key's hashes never match it by accident."""
    stable = identity.person_ref(CODE, OLD)
    hashed = identity.person_ref(CODE, NEW)
    aliases = {alias_key("p2", hashed): stable}
    assert stable_ref(hashed, "p3", aliases) == hashed


def test_no_alias_when_the_hash_already_is_the_stable_ref() -> None:
    """Re-running the rotation under the key a person was first hashed with adds nothing."""
    assert aliases_for([(identity.person_ref(CODE, NEW), CODE)], NEW, "p2") == {}
