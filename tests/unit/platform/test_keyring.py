"""Key rings: seal under the newest key, open what older keys sealed, name the key."""

import pytest
from cryptography.fernet import Fernet

from services.platform.keyring import KeyRing, KeyRingError, derive_key, parse_previous
from services.platform.sealing import Sealer

OLD = KeyRing.from_secrets("seal", ("s1", "old secret"))
NEW = KeyRing.from_secrets("seal", ("s2", "new secret"), [("s1", "old secret")])


def test_a_token_names_the_key_it_was_sealed_under() -> None:
    """New data is sealed under the newest key id."""
    assert NEW.key_id_of(NEW.encrypt(b"x")) == "s2"


def test_sealed_data_written_before_a_rotation_opens_after_it() -> None:
    """A token of the old key opens with the rotated ring, which still holds that key."""
    sealed = Sealer(OLD).seal({"full_name": "x"})
    assert Sealer(NEW).open(sealed) == {"full_name": "x"}


def test_a_ring_without_the_key_cannot_open() -> None:
    """Once the old key leaves the ring, its tokens stay shut."""
    alone = KeyRing.from_secrets("seal", ("s2", "new secret"))
    with pytest.raises(KeyRingError):
        alone.decrypt(OLD.encrypt(b"x"))


def test_tokens_from_before_key_ids_still_open() -> None:
    """A bare Fernet token of the same secret (the earlier format) opens."""
    bare = Fernet(derive_key("seal", "old secret")).encrypt(b"legacy")
    assert NEW.decrypt(bare) == b"legacy"


def test_reseal_moves_a_token_to_the_newest_key() -> None:
    """After resealing, the token names the newest key and holds the same data."""
    moved = NEW.reseal(OLD.encrypt(b"data"))
    assert (NEW.key_id_of(moved), NEW.decrypt(moved)) == ("s2", b"data")


def test_previous_keys_are_parsed_newest_first() -> None:
    """`id=secret,id=secret` gives the pairs in order; a malformed item is refused."""
    assert parse_previous("s2=b, s1=a") == [("s2", "b"), ("s1", "a")]
    with pytest.raises(KeyRingError):
        parse_previous("no-separator")


def test_key_ids_must_be_unique() -> None:
    """Two keys under one id would make tokens ambiguous."""
    with pytest.raises(KeyRingError):
        KeyRing.from_secrets("seal", ("s1", "a"), [("s1", "b")])
