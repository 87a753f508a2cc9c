"""Per-person data keys: sealing under them, wrapping them under the ring, shredding them."""

import pytest

from services.platform import person_keys
from services.platform.keyring import KeyRing
from services.platform.person_keys import PersonKeyError
from services.platform.sealing import Sealer, SealError

RING = KeyRing.from_secrets("sealing", ("s1", "first secret"))
ROTATED = KeyRing.from_secrets("sealing", ("s2", "second secret"), [("s1", "first secret")])
FIELDS = {"identity_code": "010170-123A", "full_name": "Testi Henkilö"}


def _wrapped(ring: KeyRing = RING) -> str:
    return person_keys.wrap(person_keys.new_data_key(), ring)


def test_person_token_names_the_person() -> None:
    """A token sealed for a person names the person whose key opens it."""
    token = Sealer(RING).seal_for("ref-a", _wrapped(), FIELDS)
    assert person_keys.person_of(token) == "ref-a"


def test_ring_token_names_no_person() -> None:
    """A token sealed under the ring names no person."""
    assert person_keys.person_of(Sealer(RING).seal(FIELDS)) is None


def test_person_token_opens_with_the_persons_key() -> None:
    """A sealer that follows the person's wrapped key opens the person's token."""
    wrapped = _wrapped()
    token = Sealer(RING).seal_for("ref-a", wrapped, FIELDS)
    assert Sealer(RING, person_keys={"ref-a": wrapped}).open(token) == FIELDS


def test_person_token_does_not_open_once_the_key_is_gone() -> None:
    """Erasing the wrapped key shreds the token, even after it was opened once."""
    keys = {"ref-a": _wrapped()}
    sealer = Sealer(RING, person_keys=keys)
    token = sealer.seal_for("ref-a", keys["ref-a"], FIELDS)
    sealer.open(token)
    del keys["ref-a"]
    with pytest.raises(SealError):
        sealer.open(token)


def test_person_token_does_not_open_under_another_persons_key() -> None:
    """A new key under the same ref (a returning person) does not open the old tokens."""
    token = Sealer(RING).seal_for("ref-a", _wrapped(), FIELDS)
    with pytest.raises(SealError):
        Sealer(RING, person_keys={"ref-a": _wrapped()}).open(token)


def test_ring_token_still_opens_beside_person_keys() -> None:
    """Data sealed under the service ring before per-person keys still opens."""
    token = Sealer(RING).seal(FIELDS)
    assert Sealer(RING, person_keys={}).open(token) == FIELDS


def test_reseal_moves_a_ring_token_under_the_persons_key() -> None:
    """The registry's reseal turns the gate's ring token into a person token."""
    wrapped = _wrapped()
    sealer = Sealer(RING, person_keys={"ref-a": wrapped})
    token = sealer.reseal_for("ref-a", wrapped, sealer.seal(FIELDS))
    assert (person_keys.person_of(token), sealer.open(token)) == ("ref-a", FIELDS)


def test_rewrap_moves_a_key_under_the_newest_ring_key() -> None:
    """After a ring rotation the wrapped key is re-wrapped and still opens old tokens."""
    wrapped = _wrapped(RING)
    token = Sealer(RING).seal_for("ref-a", wrapped, FIELDS)
    rewrapped = person_keys.rewrap(wrapped, ROTATED)
    assert rewrapped is not None
    assert rewrapped.startswith("s2:")
    assert Sealer(ROTATED, person_keys={"ref-a": rewrapped}).open(token) == FIELDS


def test_rewrap_leaves_a_key_already_under_the_newest_key() -> None:
    """A key already wrapped under the newest ring key needs no new record."""
    assert person_keys.rewrap(_wrapped(ROTATED), ROTATED) is None


def test_unwrap_refuses_a_key_of_another_ring() -> None:
    """A wrapped key opens only under the ring that wrapped it."""
    other = KeyRing.from_secrets("sealing", ("x1", "another secret"))
    with pytest.raises(PersonKeyError):
        person_keys.unwrap(_wrapped(), other)


def test_seal_with_refuses_a_ref_with_a_separator() -> None:
    """A person_ref cannot carry the token separator."""
    with pytest.raises(PersonKeyError):
        person_keys.seal_with("a:b", person_keys.new_data_key(), b"{}")
